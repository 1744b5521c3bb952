// The little JavaScript there is. Every page works without it; this only helps htmx swaps.
(function () {
  "use strict";
  // After htmx swaps in a new question or a result, move focus to its heading so keyboard and
  // screen-reader users continue from there instead of from the top of the page.
  document.addEventListener("htmx:afterSettle", function () {
    var target = document.querySelector("[data-focus-after-swap]");
    if (target) {
      target.removeAttribute("data-focus-after-swap");
      target.focus();
    }
  });
})();

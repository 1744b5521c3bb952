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

// "Sort by distance from me" on the typing-site list: the browser's position fills two hidden
// fields of the ordinary city form, which is then submitted. Without JavaScript the button
// stays hidden and the city list works as it is.
(function () {
  "use strict";
  var button = document.querySelector("[data-near-me]");
  if (!button || !("geolocation" in navigator)) {
    return;
  }
  var form = button.form;
  var status = form.querySelector("[data-geo-status]");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = status.getAttribute("data-geo-waiting");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.querySelector("[data-geo=lat]").value = position.coords.latitude.toFixed(4);
        form.querySelector("[data-geo=lon]").value = position.coords.longitude.toFixed(4);
        form.querySelector("select[name=city]").value = "";
        form.submit();
      },
      function () {
        status.textContent = status.getAttribute("data-geo-failed");
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();

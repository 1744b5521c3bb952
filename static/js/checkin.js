// The check-in desk on poor Wi-Fi. htmx sends each tap and swaps in the answer; when a request
// never arrives (no connection, a timeout), htmx swaps nothing and the page would look as if
// the tap had worked. This says so, and the button stays as it was: tapping again sends the
// same key, so the person still counts once. Without JavaScript the forms post as usual.
(function () {
  "use strict";
  var notice = document.getElementById("checkin-offline");
  if (!notice) {
    return;
  }
  function failed() {
    notice.textContent = notice.getAttribute("data-text");
    notice.hidden = false;
  }
  document.body.addEventListener("htmx:sendError", failed);
  document.body.addEventListener("htmx:timeout", failed);
  document.body.addEventListener("htmx:responseError", failed);
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      notice.hidden = true;
    }
  });
})();

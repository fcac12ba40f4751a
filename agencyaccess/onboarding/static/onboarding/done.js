// The thank-you page goes on to the agency's website by itself after a few seconds, unless the
// client presses "Stay on this page" (WCAG 2.2.1: a time limit the user can turn off, which a
// meta refresh is not). Without this script the Continue button is there to press.
(function () {
  "use strict";
  var target = document.querySelector("a[data-redirect-after]");
  var note = document.querySelector("[data-redirect-note]");
  if (!target || !note) return;
  var timer = setTimeout(function () {
    window.location.assign(target.href);
  }, 1000 * Number(target.getAttribute("data-redirect-after")));
  note.hidden = false;
  note.querySelector("[data-redirect-stop]").addEventListener("click", function () {
    clearTimeout(timer);
    note.hidden = true;
    target.focus();
  });
})();

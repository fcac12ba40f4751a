// Saves the intake form as the client types: after a pause in typing the whole form is posted
// to its data-save-url, one request at a time, so a reload loses nothing. The pause is long
// enough to stay well under the rate limit of a client's POSTs. Without this script the form
// still works: its submit button saves and sends it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-save-url]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector("[data-save-status]");
  var PAUSE_MS = 1500;
  var timer = null;
  var saving = false;
  var again = false;

  function say(state) {
    status.textContent = status.getAttribute("data-" + state);
  }

  // A message under the field being typed in would interrupt; the others are shown at once.
  function showErrors(errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (element) {
      var key = element.getAttribute("data-error-for");
      if (document.activeElement && document.activeElement.name === key) return;
      element.textContent = errors[key] || "";
    });
  }

  function save() {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    say("saving");
    fetch(form.getAttribute("data-save-url"), {
      method: "POST",
      body: new FormData(form), // includes the CSRF token field
      credentials: "same-origin"
    })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        showErrors(body.errors || {});
        say(body.saved ? "saved" : "failed");
      })
      .catch(function () { say("failed"); })
      .then(function () {
        saving = false;
        if (again) {
          again = false;
          save();
        }
      });
  }

  function saveSoon() {
    clearTimeout(timer);
    timer = setTimeout(save, PAUSE_MS);
  }

  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
})();

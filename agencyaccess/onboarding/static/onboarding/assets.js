// "Select all" on the list of what to share: ticking it ticks every item of its service, and
// unticking an item unticks it again, so what the page shows is what is shared. Without this
// script the box still works: the server shares every item of a service whose box is ticked.
(function () {
  "use strict";
  document.querySelectorAll("[data-choices]").forEach(function (group) {
    var all = group.querySelector("[data-select-all]");
    if (!all) return;
    var items = group.querySelectorAll("input[type=checkbox]:not([data-select-all]):not(:disabled)");
    all.addEventListener("change", function () {
      items.forEach(function (item) { item.checked = all.checked; });
    });
    items.forEach(function (item) {
      item.addEventListener("change", function () {
        all.checked = Array.prototype.every.call(items, function (i) { return i.checked; });
      });
    });
  });
})();

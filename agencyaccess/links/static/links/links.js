// The dashboard's link pages: "Copy" buttons. Listening on the document also covers buttons
// that htmx swaps in later. Without a script the text stays selectable, so nothing is lost.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  const status = button.parentElement.querySelector(".copied");
  try {
    await navigator.clipboard.writeText(source.value ?? source.textContent);
    if (status) status.textContent = "Copied.";
  } catch {
    // No clipboard (an insecure origin, a refusal): select the text for Ctrl+C instead.
    if (source.select) source.select();
    else window.getSelection().selectAllChildren(source);
    if (status) status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
  }
});

// The builder's filter box: typing hides the platforms whose name and services' names do not
// match, and opens those that do. Shown only with this script; its events stop here, so the
// form's live API preview (htmx, on input) does not run for a filter that changes nothing.
for (const box of document.querySelectorAll("[data-platform-filter]")) {
  const input = box.querySelector("input");
  const count = box.querySelector("[role=status]");
  const platforms = [...box.closest("fieldset").querySelectorAll("details.platform")];
  const wasOpen = new Map(platforms.map((details) => [details, details.open]));
  box.hidden = false;
  const filter = (event) => {
    event.stopPropagation();
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const details of platforms) {
      const matches = words.every((word) => details.dataset.search.includes(word));
      details.hidden = !matches;
      details.open = words.length ? matches : wasOpen.get(details);
      shown += matches;
    }
    count.textContent = words.length ? `${shown} of ${platforms.length} platforms match.` : "";
  };
  input.addEventListener("input", filter);
  input.addEventListener("change", (event) => event.stopPropagation());
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault(); // not a submit of the whole form
  });
}

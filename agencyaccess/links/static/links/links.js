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

// "Copy" beside a read-only address: shown only where the browser can copy; without it the
// address is still there to select by hand.
(function () {
  for (const button of document.querySelectorAll("button[data-copy-from]")) {
    const field = document.getElementById(button.dataset.copyFrom);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!field || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = button.dataset.copied;
      } catch (error) {
        field.select();
        if (status) status.textContent = button.dataset.notCopied;
      }
    });
  }
})();

// The export screen's "select all" box without an inline handler (CSP: no inline script).
document.addEventListener("change", function (event) {
  if (event.target.classList.contains("select-toggle") && typeof onSelectToggleChange === "function") {
    onSelectToggleChange(event);
  }
});

// Gives the admin's select2 autocompletes the accessible name of their field.
// select2 4.0.13 names its combobox after the selected text only (nothing when
// empty) and its search box not at all; screen readers (and axe-core) find no
// name. Loaded after Django's autocomplete.js (the widget's media), so select2
// is up when this runs, on page load and for inline rows added later.
"use strict";
{
  const $ = django.jQuery;

  function labelId(select) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    if (!label) {
      return null;
    }
    label.id = label.id || `${select.id}-label`;
    return label.id;
  }

  function name(select) {
    const id = labelId(select);
    const container = select.nextElementSibling;
    if (!id || !container || !container.classList.contains("select2")) {
      return;
    }
    container.querySelectorAll(".select2-selection[role=combobox]").forEach((combobox) => {
      const rendered = combobox.querySelector(".select2-selection__rendered");
      if (rendered && rendered.id) {
        rendered.removeAttribute("role"); // a read-only "textbox" inside a combobox, unnamed
        rendered.removeAttribute("aria-readonly");
      }
      combobox.setAttribute("aria-labelledby", [id, rendered && rendered.id].filter(Boolean).join(" "));
    });
    container.querySelectorAll(".select2-search__field").forEach((search) => {
      search.setAttribute("aria-labelledby", id);
    });
    // A multiple select's "clear all" × is a <span> among the <li> of its list (axe: list); it is
    // for the mouse only (Backspace clears from the keyboard), so screen readers skip it.
    container.querySelectorAll(".select2-selection__rendered > .select2-selection__clear").forEach((clear) => {
      clear.setAttribute("aria-hidden", "true");
    });
  }

  function nameAll(root) {
    $(root).find(".admin-autocomplete").not("[name*=__prefix__]").each((i, select) => name(select));
  }

  $(() => nameAll(document));
  document.addEventListener("formset:added", (event) => nameAll(event.target));
  // A multiple select redraws its search box as choices change; the dropdown's box appears on opening.
  $(document).on("change select2:open", ".admin-autocomplete", (event) => {
    name(event.target);
    document.querySelectorAll(".select2-container--open .select2-search__field").forEach((search) => {
      const id = labelId(event.target);
      if (id) {
        search.setAttribute("aria-labelledby", id);
      }
    });
  });
}

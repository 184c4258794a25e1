// Django 5.2's two-box selector (SelectFilter2.js: a user's groups and permissions) names its
// filter box by an aria-label on a plain <span> inside the box's <label>, which ARIA does not
// allow on a span without a role (axe: aria-prohibited-attr); as role="img", the icon's name counts.
// Loaded with defer on every admin page (admin/base_site.html): it runs after SelectFilter2.js,
// whose boxes are drawn on the window's load event.
"use strict";
window.addEventListener("load", () => {
  document.querySelectorAll(".selector .search-label-icon[aria-label]:not([role])").forEach((icon) => {
    icon.setAttribute("role", "img");
  });
});

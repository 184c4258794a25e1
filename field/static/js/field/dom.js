/* Small pieces of page the lists, the notice at the top and the forms all draw. */

export function button(text, onClick, href, extra) {
  const el = document.createElement(href ? "a" : "button");
  el.className = "button small secondary" + (extra ? " " + extra : "");
  el.textContent = text;
  if (href) { el.href = href; } else { el.type = "button"; el.addEventListener("click", onClick); }
  return el;
}

export function span(className, text) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}

export function icon(text) {
  const el = span("icon", text);
  el.setAttribute("aria-hidden", "true");
  return el;
}

export function errorList(errors) { // the server's reasons: [{label, messages: [...]}, ...]
  const list = document.createElement("ul");
  (errors || []).forEach((error) => {
    (error.messages || []).forEach((message) => {
      const li = document.createElement("li");
      li.textContent = (error.label ? error.label + ": " : "") + message;
      list.appendChild(li);
    });
  });
  return list;
}

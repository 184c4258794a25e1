/* The page the field scripts run on: its settings and texts, handed over by the templates as
 * data attributes (no inline script). On the login page there is no #field-app: all is empty. */
export const app = document.getElementById("field-app");
export const cfg = app ? app.dataset : {};
const strings = app ? document.getElementById("field-strings") : null;
export const T = strings ? strings.dataset : {};
export const form = app ? document.querySelector("form[data-offline-form]") : null;
export const kind = form ? form.dataset.offlineForm : null;

// Staff's decisions by client id, as the home page was last fetched (kept offline by the service worker).
export function pageDecisions() {
  const script = app ? document.getElementById("field-decisions") : null;
  try { return script ? JSON.parse(script.textContent) || {} : {}; } catch (e) { return {}; }
}

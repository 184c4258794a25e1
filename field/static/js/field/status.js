/* The line at the top that says what the phone is doing: no signal, saving, log in again. */
import { cfg, T } from "./page.js";

const statusLine = document.querySelector("[data-net-status]");
const notKept = document.querySelector("[data-not-kept]");

export function say(text) {
  if (!statusLine) { return; }
  statusLine.textContent = text || "";
  statusLine.hidden = !text;
}

export function showNetwork() { // the notice of a page not kept already says there is no signal
  say(navigator.onLine || (notKept && !notKept.hidden) ? "" : T.offline);
}

// Offline, a page never kept on the phone is answered with the kept home page: say so.
export function showNotKept() {
  if (notKept && cfg.page && cfg.page !== location.pathname) { notKept.hidden = false; }
}

/* The notice at the top of the page the officer returns to after sending a form ("flash"). It
 * follows its item: "kept on the phone, waiting for signal" turns into "sent" or "refused, fix it"
 * when the phone has sent it, while the page stays open. */
import { T } from "./page.js";
import { button, errorList, icon, span } from "./dom.js";
import { kindLabel } from "./words.js";
import { LOOKS, fixUrl } from "./lists.js";
import { REFUSED, flashOf, flashText } from "./outbox-state.js";

const FLASH_KEY = "kimportal-petugas-flash";
const box = document.querySelector("[data-flash]");
let shown = null;

// Called when the form is sent (or queued), before going to the home page.
export function keepFlash(record) { sessionStorage.setItem(FLASH_KEY, JSON.stringify(flashOf(record))); }

function draw(flash) {
  shown = flash;
  box.className = "flash is-" + flash.state;
  box.textContent = "";
  const strong = document.createElement("strong");
  strong.textContent = kindLabel(flash.kind) + ": " + flash.title;
  const [text, help] = flashText(flash, T);
  box.append(icon(LOOKS[flash.state].icon), strong, span("flash-text", text));
  if (flash.state === REFUSED) {
    if (flash.errors && flash.errors.length) { box.appendChild(errorList(flash.errors)); }
    box.appendChild(span("flash-text", help));
    if (flash.id && flash.page) { box.appendChild(button(T.fix, null, fixUrl(flash), "fix")); }
  }
  box.hidden = false;
}

export function showFlash() {
  const raw = sessionStorage.getItem(FLASH_KEY);
  if (!box || !raw) { return; }
  sessionStorage.removeItem(FLASH_KEY);
  let flash;
  try { flash = JSON.parse(raw); } catch (e) { return; }
  if (!LOOKS[flash.state] || flash.state === "sending") { flash.state = "waiting"; }
  draw(flash);
  box.focus();
}

// The outbox changed: if the item shown at the top has a new state, say so.
export function followFlash(records) {
  if (!shown || !shown.id) { return; }
  const record = (records || []).find((r) => r.id === shown.id);
  if (!record) { return; }
  const now = flashOf(record);
  if (now.state !== shown.state || now.receipt !== shown.receipt || now.message !== shown.message) { draw(now); }
}

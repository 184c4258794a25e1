/* KIM Portal, field officers' area: nothing an officer types is lost, signal or not.
 *
 * The entry module, loaded by templates/field/ as <script type="module">. The jobs live in modules
 * of their own, served as they are (no bundler) and kept for offline use by the service worker:
 *   outbox.js (queue and send) and outbox-state.js (its states, tested alone with node --test),
 *   drafts.js, forms.js, plans.js and form-page.js (the forms), photos.js, location.js, lists.js (the phone's
 *   lists), flash.js (the notice after sending), status.js (the signal line), store.js (IndexedDB).
 */
import { app, cfg, form } from "./page.js";
import { setUpForm } from "./form-page.js";
import { followDecisions, syncAll, whenChanged } from "./outbox.js";
import { render } from "./lists.js";
import { followFlash, showFlash } from "./flash.js";
import { showNetwork, showNotKept } from "./status.js";

const CACHE_PREFIX = "kimportal-petugas-";

// After logging out (the login page), drop the cached pages of the area.
const login = document.getElementById("field-login");
if (login && login.hasAttribute("data-clear-cache") && window.caches) {
  caches.keys().then((keys) => {
    keys.forEach((key) => { if (key.indexOf(CACHE_PREFIX) === 0) { caches.delete(key); } });
  });
}

function refresh() { return render().then(followFlash); }

if (app) {
  if ("serviceWorker" in navigator && cfg.sw) {
    navigator.serviceWorker.register(cfg.sw, { scope: cfg.scope }).catch(() => {});
  }
  showNotKept();
  whenChanged(refresh);
  if (form) { setUpForm(); }
  showFlash();
  document.querySelectorAll("[data-sync-now]").forEach((el) => el.addEventListener("click", syncAll));
  window.addEventListener("online", () => { showNetwork(); syncAll(); });
  window.addEventListener("offline", showNetwork);
  setInterval(syncAll, 30000);
  showNetwork();
  followDecisions().catch(() => {}).then(refresh).then(syncAll);
}

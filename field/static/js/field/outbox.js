/* The outbox: every form marked data-offline-form is queued here, then sent. A submission gets an id
 * made here (a UUID, the server's idempotency key); the server stores each id once and answers a
 * retry with the first receipt. Each item is sent on its own: an item the server refuses or cannot
 * take now never holds back the others. The states and their changes are in outbox-state.js. */
import { cfg, T, pageDecisions } from "./page.js";
import { OUTBOX, all, put } from "./store.js";
import { say, showNetwork } from "./status.js";
import * as machine from "./outbox-state.js";

let syncing = false;
let changed = () => Promise.resolve();
let decisions = pageDecisions(); // staff's decisions, from the page or the last fetch
let decisionsAsked = 0;
const DECISIONS_EVERY_MS = 5 * 60000;

export function knownDecisions() { return decisions; }

export function isSyncing() { return syncing; }

// What to do when the outbox changed (redraw the lists and the notice at the top).
export function whenChanged(redraw) { changed = redraw; }

export function allRecords() {
  return all(OUTBOX).then((records) => {
    records.forEach((r) => { // reports queued before there were several kinds
      if (!r.kind) { r.kind = "report"; r.submit = cfg.reportSubmit; r.page = cfg.reportForm; }
    });
    return records;
  });
}

export function newId() {
  if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.prototype.map.call(b, (x) => (x + 0x100).toString(16).slice(1)).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}

function freshToken() {
  return fetch(cfg.session, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
    .then((response) => {
      if (machine.sessionEnded(response.status)) { say(T.login); throw new Error("login"); }
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    })
    .then((body) => {
      if (body.username !== cfg.user) { say(T.login); throw new Error("other user"); }
      return body.csrf_token;
    });
}

function readAnswer(response) {
  // Whatever comes back (JSON, an HTML page from a proxy, nothing), read it without throwing.
  return response.text().then((text) => {
    try { return JSON.parse(text); } catch (e) { return null; }
  }, () => null);
}

// A receipt page of an item delivered from this phone is kept too, to be opened without signal.
function keepReceipt(url) {
  if (url && url !== cfg.home && navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({ keep: url });
  }
}

function send(record, token) {
  const body = new FormData();
  record.fields.forEach((f) => body.append(f[0], f[1]));
  record.files.forEach((f) => { if (f.blob) { body.append(f.field, f.blob, f.name); } });
  const outgoing = machine.sending(record);
  return put(OUTBOX, outgoing).then(changed).then(() => fetch(record.submit, {
    method: "POST", body: body, credentials: "same-origin",
    headers: { "X-CSRFToken": token, Accept: "application/json" },
  })).then((response) => readAnswer(response).then((answer) => {
    const texts = { refusedUnknown: T.refusedUnknown, serverError: T.serverError };
    const next = machine.answered(outgoing, response.status, answer, { texts });
    if (next.state === machine.DELIVERED) { keepReceipt(next.url); }
    if (next.state === machine.WAITING && machine.sessionEnded(response.status)) { say(T.login); }
    return put(OUTBOX, next);
  }), () => put(OUTBOX, machine.lost(outgoing)));
}

/* Staff's decisions followed by the delivered records (Terkirim → Diterima / Ditolak: <reason>):
 * those of the home page at once, offline too; the server's again once per page and every few
 * minutes while a delivered record still waits for one. */
export function followDecisions(latest) {
  if (latest) { decisions = latest; }
  return allRecords().then((records) => Promise.all(records.map((record) => {
    const next = machine.decided(record, decisions[record.id]);
    return next === record ? null : put(OUTBOX, next);
  })));
}

function askDecisions(records) {
  const undecided = records.some((r) => r.state === machine.DELIVERED && r.user === cfg.user && !r.review);
  const due = !decisionsAsked || (undecided && Date.now() - decisionsAsked > DECISIONS_EVERY_MS);
  if (!cfg.decisions || !navigator.onLine || !due) { return Promise.resolve(); }
  decisionsAsked = Date.now();
  return fetch(cfg.decisions, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((body) => (body && body.decisions ? followDecisions(body.decisions).then(() => changed()) : null))
    .catch(() => {});
}

export function syncAll() {
  if (syncing) { return Promise.resolve(); }
  syncing = true;
  return allRecords()
    .then((records) => {
      const due = machine.dueOldestFirst(records, cfg.user);
      if (!due.length || !navigator.onLine) { return; }
      return freshToken().then((token) => due.reduce(
        // Each item on its own: one that fails in any way never stops the next.
        (chain, record) => chain.then(() => send(record, token).catch(() => {})),
        Promise.resolve(),
      ), () => {});
    })
    .catch(() => {})
    .then(() => { syncing = false; showNetwork(); return changed(); })
    // After sending, not while: a tap on "Kirim sekarang" meanwhile sends again at once.
    .then(() => allRecords().then(askDecisions))
    .catch(() => {});
}

/* The lists on the phone's home page: what waits in the outbox, what was sent or refused, the drafts,
 * and the counts above them. Drawn again whenever the outbox changes. */
import { cfg, T } from "./page.js";
import { DRAFTS, OUTBOX, all, remove } from "./store.js";
import { allRecords, isSyncing, knownDecisions } from "./outbox.js";
import { ACCEPTED, DELIVERED, REFUSED, counts, isExpired, isStaffRefused, shownState } from "./outbox-state.js";
import { button, errorList, icon, span } from "./dom.js";
import { kindLabel, longDateTime } from "./words.js";

const KEEP_DELIVERED_DAYS = 30;

export const LOOKS = {
  waiting: { icon: "◷", badge: "wait" },
  sending: { icon: "↻", badge: "wait" },
  delivered: { icon: "✓", badge: "ok" },
  refused: { icon: "✕", badge: "warn" },
};

export function fixUrl(record) { return record.page + "#perbaiki-" + record.id; }

// A delivered item staff refused is corrected by a new submission: the form, prefilled, names it.
export function resendUrl(record) { return record.fixUrl || record.page + "?perbaiki=" + record.id; }

function badgeOf(record, state) { // what the badge says: the phone's state, or staff's decision on it
  if (isStaffRefused(record)) { return { look: "warn", icon: "✕", state: "staff-refused", text: T.staffRefused + ": " + record.reviewReason }; }
  if (state === DELIVERED && record.review === ACCEPTED) { return { look: "ok", icon: "✔", state: "accepted", text: T.staffAccepted }; }
  return { look: LOOKS[state].badge, icon: LOOKS[state].icon, state: state, text: T[state] };
}

function item(record) {
  const state = shownState(record, isSyncing());
  const li = document.createElement("li");
  li.className = "card queue-item is-" + state;
  li.dataset.clientId = record.id;
  li.dataset.kind = record.kind;
  const head = document.createElement("div");
  head.className = "queue-head";
  const title = document.createElement("strong");
  title.textContent = record.title;
  const look = badgeOf(record, state);
  const badge = document.createElement("span");
  badge.className = "badge state " + look.look;
  badge.dataset.state = look.state;
  badge.append(icon(look.icon), document.createTextNode(" " + look.text));
  head.append(badge, title);
  li.appendChild(head);
  li.appendChild(span("meta", kindLabel(record.kind) + " · " + T.savedAt + " " + longDateTime(record.savedAt) +
    (record.files.length ? " · " + record.files.length + " " + T.photos : "")));
  if (state === DELIVERED) {
    const receipt = document.createElement(record.url ? "a" : "span");
    receipt.className = "receipt";
    if (record.url) { receipt.href = record.url; }
    receipt.textContent = T.receipt + ": " + record.receipt;
    li.appendChild(receipt);
  }
  if (record.user !== cfg.user) { li.appendChild(span("meta", T.otherUser)); }
  if (record.lastError && state === "waiting") { li.appendChild(span("meta", record.lastError)); }
  if (state === REFUSED) {
    const why = document.createElement("div");
    why.className = "error-box";
    why.textContent = record.message || "";
    why.appendChild(errorList(record.errors));
    li.appendChild(why);
  }
  const actions = document.createElement("div");
  actions.className = "item-actions";
  if (state === REFUSED) {
    actions.appendChild(button(T.fix, null, fixUrl(record), "fix"));
    actions.appendChild(button(T.discard, () => {
      if (window.confirm(T.confirmRemove)) { remove(OUTBOX, record.id).then(render); }
    }, null, "discard"));
  }
  if (isStaffRefused(record) && !record.corrected) {
    actions.appendChild(button(T.fixResend, null, resendUrl(record), "fix"));
  }
  if (state === DELIVERED) {
    actions.appendChild(button(T.remove, () => { remove(OUTBOX, record.id).then(render); }));
  }
  if (actions.childNodes.length) { li.appendChild(actions); }
  return li;
}

function draftItem(draft) {
  const li = document.createElement("li");
  li.className = "card draft-item";
  li.dataset.kind = draft.kind;
  const title = document.createElement("strong");
  title.textContent = draft.title;
  li.append(title, span("meta", kindLabel(draft.kind) + " · " + T.draftSaved + " " + longDateTime(draft.savedAt) +
    (draft.files && draft.files.length ? " · " + draft.files.length + " " + T.photos : "")));
  const actions = document.createElement("div");
  actions.className = "item-actions";
  actions.appendChild(button(T.continueDraft, null, draft.page));
  actions.appendChild(button(T.deleteDraft, () => {
    if (window.confirm(T.confirmDeleteDraft)) { remove(DRAFTS, draft.key).then(render); }
  }, null, "discard"));
  li.appendChild(actions);
  return li;
}

function fillList(list, rows, make, emptyText) {
  list.textContent = "";
  rows.forEach((r) => list.appendChild(make(r)));
  if (!rows.length && emptyText) {
    const empty = document.createElement("li");
    empty.className = "meta";
    empty.textContent = emptyText;
    list.appendChild(empty);
  }
}

// Draws the lists; answers the outbox's records (delivered ones older than 30 days are dropped).
export function render() {
  return Promise.all([allRecords(), all(DRAFTS)]).then(([stored, allDrafts]) => {
    const drafts = allDrafts.filter((d) => d.user === cfg.user);
    const now = Date.now();
    const records = stored.filter((r) => {
      if (isExpired(r, now, KEEP_DELIVERED_DAYS)) { remove(OUTBOX, r.id); return false; }
      return true;
    });
    document.querySelectorAll("[data-queue]").forEach((list) => fillList(list, records, item, T.empty));
    document.querySelectorAll("[data-drafts]").forEach((list) => fillList(list, drafts, draftItem, T.noDrafts));
    const counted = counts(records, knownDecisions());
    document.querySelectorAll("[data-count]").forEach((el) => { el.textContent = counted[el.dataset.count] || 0; });
    return records;
  }).catch(() => []);
}

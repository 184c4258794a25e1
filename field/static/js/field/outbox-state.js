/* The outbox's state machine, on its own: no page, no IndexedDB, no network, so that it is
 * tested alone (tests/field/js/, `node --test`). Each function takes a record and returns a new one.
 *
 *   waiting ──send──▶ sending ──receipt (200/201)───────────────▶ delivered ──30 days / "Hapus"──▶ gone
 *      ▲                 │──refused (400/409/413/422, reasons)──▶ refused ──"Perbaiki", sent again─▶ waiting
 *      └─────────────────┴──no signal, answer lost, 5xx, 401/403: sent again later with the same id
 *
 * A record left "sending" (the page closed mid-send) is shown and counted as waiting, and sent again.
 *
 * Delivered is not the end: staff then accept or refuse it (core.review). The server's decisions, by
 * client id (field.decisions, from the home page kept offline or /petugas/keputusan/), are followed
 * by `decided`: a delivered record gets `review` ("accepted" | "refused") and the staff's reason, and
 * is shown "Diterima" or "Ditolak: <reason>" instead of "✓ Terkirim".
 */
export const WAITING = "waiting";
export const SENDING = "sending";
export const DELIVERED = "delivered";
export const REFUSED = "refused";

const REFUSING = [400, 409, 413, 422]; // the server read the item and will never take it as it is
const DAY_MS = 86400000;

export function isDue(record, user) {
  return (record.state === WAITING || record.state === SENDING) && record.user === user;
}

export function dueOldestFirst(records, user) { // records as the store lists them, newest first
  return records.filter((r) => isDue(r, user)).reverse();
}

export function sending(record) { return { ...record, state: SENDING }; }

export function lost(record) { return { ...record, state: WAITING }; } // no network, or the answer was lost

/* The server's answer to a record: HTTP `status` and its JSON `answer` (null when unreadable).
 * `texts` are what to say when the server gives no reason: {refusedUnknown, serverError}. */
export function answered(record, status, answer, { now = new Date(), texts = {} } = {}) {
  if ((status === 200 || status === 201) && answer && answer.receipt !== undefined) {
    const delivered = {
      ...record, state: DELIVERED, receipt: answer.receipt, url: answer.url, deliveredAt: now.toISOString(),
      files: record.files.map((f) => ({ field: f.field, name: f.name, type: f.type })), // the photos are sent
    };
    delete delivered.lastError;
    return delivered;
  }
  if (REFUSING.includes(status)) {
    return {
      ...record, state: REFUSED,
      message: (answer && answer.message) || texts.refusedUnknown, errors: (answer && answer.errors) || [],
    };
  }
  return { ...record, state: WAITING, lastError: ((answer && answer.message) || texts.serverError) + " (HTTP " + status + ")" };
}

export function sessionEnded(status) { return status === 401 || status === 403; }

export function shownState(record, syncing) { // "sending" only while this page is sending it
  return record.state === SENDING && !syncing ? WAITING : record.state;
}

export const ACCEPTED = "accepted"; // staff's decisions on a delivered record (record.review)
export const STAFF_REFUSED = "refused";

/* A delivered record following staff's `decision` ({status, reason, fix_url, corrected}) on it;
 * the record itself (the same object) when there is nothing new, so the caller stores only changes. */
export function decided(record, decision) {
  if (!decision || record.state !== DELIVERED || (decision.status !== ACCEPTED && decision.status !== STAFF_REFUSED)) {
    return record;
  }
  const review = {
    review: decision.status, reviewReason: decision.reason || "", fixUrl: decision.fix_url || "",
    corrected: !!decision.corrected,
  };
  const same = Object.keys(review).every((key) => record[key] === review[key]);
  return same ? record : { ...record, ...review };
}

export function isStaffRefused(record) { return record.state === DELIVERED && record.review === STAFF_REFUSED; }

/* The counts above the lists: the phone's own items, and staff's decisions (`decisions`, by client
 * id) on everything the officer sent, on this phone or not. A refusal counts until it is corrected. */
export function counts(records, decisions = {}) {
  const out = { waiting: 0, refused: 0, delivered: 0, accepted: 0 };
  const onPhone = new Set();
  records.forEach((r) => {
    onPhone.add(r.id);
    const state = r.state === SENDING ? WAITING : r.state;
    if (isStaffRefused(r)) {
      if (!r.corrected) { out.refused += 1; }
    } else if (out[state] !== undefined) { out[state] += 1; }
    if (r.state === DELIVERED && r.review === ACCEPTED) { out.accepted += 1; }
  });
  Object.keys(decisions).forEach((id) => {
    const d = decisions[id];
    if (onPhone.has(id)) { return; }
    if (d.status === STAFF_REFUSED && !d.corrected) { out.refused += 1; }
    if (d.status === ACCEPTED) { out.accepted += 1; }
  });
  return out;
}

export function isExpired(record, now, keepDays) {
  return record.state === DELIVERED && Date.parse(record.deliveredAt) < now - keepDays * DAY_MS;
}

/* The notice at the top of the page after a form is sent ("flash"): what it says of a record.
 * It follows the record: queued first, then delivered or refused when the phone has sent it. */
export function flashOf(record) {
  return {
    id: record.id, state: record.state === SENDING ? WAITING : record.state, receipt: record.receipt || "",
    title: record.title, kind: record.kind, page: record.page || "",
    message: record.message || "", errors: record.state === REFUSED ? record.errors || [] : [],
  };
}

// What the notice says, in lines; T holds the page's texts. A refused item also says what to do.
export function flashText(flash, T) {
  if (flash.state === DELIVERED) {
    const review = flash.kind === "report" ? " " + T.flashReview : flash.kind === "activity" ? " " + T.flashActivityReview : "";
    return [T.flashSent + " " + T.receipt + ": " + flash.receipt + "." + review];
  }
  if (flash.state === REFUSED) { return [T.flashRefused + " " + flash.message, T.flashRefusedHelp]; }
  return [T.flashQueued];
}

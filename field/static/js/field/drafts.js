/* Drafts: what is typed is kept in IndexedDB as it is typed (photos included), one draft per form,
 * and put back when the form opens again after a reload, a closed tab or a crash. */
import { T, cfg, form, kind } from "./page.js";
import { DRAFTS, get, put, remove } from "./store.js";
import { describe, narrowDesa, readForm } from "./forms.js";
import { forgetLocation } from "./location.js";
import { say } from "./status.js";
import { longDateTime } from "./words.js";

const draftKey = form ? cfg.user + ":" + kind : null;
let draftTimer = null;
let editingId = null; // the id of the refused item this form is fixing, if any

export function editing() { return editingId; }
export function startEditing(id) { editingId = id; }

export function savedDraft() { return get(DRAFTS, draftKey); }
export function dropDraft() { return remove(DRAFTS, draftKey); }

function typedSomething() {
  return Array.prototype.some.call(form.elements, (el) => {
    if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "client_id") { return false; }
    if (el.type === "file") { return !!(el.files && el.files.length); }
    if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
    return el.value !== (el.dataset.initial || "");
  });
}

function saveDraft() {
  clearTimeout(draftTimer);
  draftTimer = null;
  const read = readForm();
  if (!typedSomething()) { return dropDraft().catch(() => {}); }
  return put(DRAFTS, {
    key: draftKey, kind: kind, user: cfg.user, page: location.pathname, savedAt: new Date().toISOString(),
    fields: read.fields, files: read.files, title: describe(read.fields), editing: editingId,
  }).catch(() => say(T.storageError));
}

export function draftSoon() { clearTimeout(draftTimer); draftTimer = setTimeout(saveDraft, 300); }

export function cancelDraft() { clearTimeout(draftTimer); draftTimer = null; } // the form is sent

export function saveDraftNow() { if (draftTimer) { saveDraft(); } } // leaving the page: keep what is typed

export function showDraftNotice(draft) {
  const notice = document.querySelector("[data-draft-notice]");
  if (!notice) { return; }
  notice.querySelector("[data-draft-text]").textContent = T.draftRestored + " " + longDateTime(draft.savedAt) + ".";
  notice.hidden = false;
}

export function clearForm() {
  form.reset();
  forgetLocation();
  editingId = null;
  narrowDesa(false);
  const box = document.querySelector("[data-fix-errors]");
  if (box) { box.hidden = true; }
  const notice = document.querySelector("[data-draft-notice]");
  if (notice) { notice.hidden = true; }
  if (location.hash) { history.replaceState(null, "", location.pathname + location.search); }
}

export function discardDraft() { clearTimeout(draftTimer); dropDraft().then(clearForm); }

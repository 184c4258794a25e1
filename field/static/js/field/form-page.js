/* A page with a field form (report, plan, KIM proposal, KIM activity): its helpers, its draft, the
 * refused item it fixes, and its submission, which goes to the outbox and never straight to the server. */
import { T, cfg, form, kind } from "./page.js";
import { OUTBOX, get, put } from "./store.js";
import { fillForm, fillFromPlan, describe, narrowDesa, readForm, showFixErrors } from "./forms.js";
import * as drafts from "./drafts.js";
import { setUpLocation } from "./location.js";
import { photosReady, shrinkChosenPhotos, shrinkPhoto } from "./photos.js";
import { newId, syncAll } from "./outbox.js";
import { WAITING, isStaffRefused } from "./outbox-state.js";
import { chooseNotedPlan, notePlan, offerOutboxPlans } from "./plans.js";
import { keepFlash } from "./flash.js";
import { say } from "./status.js";
import { todayIso } from "./words.js";

const SEND_WAIT_MS = 10000; // how long the officer waits for the server before going home

function recordFromForm(id) { // a promise: photos are made small before the item is queued
  const read = readForm();
  read.fields.push(["client_id", id]);
  return photosReady().then(() => Promise.all(read.files.map((f) => shrinkPhoto(f.blob).then((small) => (
    { field: f.field, name: small.name || f.name, type: small.type || f.type, blob: small }
  ))))).then((files) => ({
    id: id, kind: kind, user: cfg.user, savedAt: new Date().toISOString(), state: WAITING,
    fields: read.fields, files: files, title: describe(read.fields),
    submit: form.action, page: location.pathname,
  }));
}

/* "Perbaiki dan kirim ulang" (?perbaiki=<id>) of an item staff refused: a new submission naming it
 * (`corrects`). Online the server fills the form from what was sent; offline, the phone does, from
 * the delivered item it still keeps. */
function correct(id) {
  if (document.querySelector("[data-correcting]")) { return Promise.resolve(); } // filled by the server
  return get(OUTBOX, id).then((record) => {
    if (!record || !isStaffRefused(record)) { return; }
    fillForm(record);
    chooseNotedPlan();
    if (form.elements.corrects) { form.elements.corrects.value = record.id; }
    showFixErrors({ message: T.staffReason + " " + record.reviewReason, errors: [] });
  });
}

// Put back what the officer was doing: a refused item to fix (#perbaiki-<id>), a staff refusal to
// correct (?perbaiki=<id>), a draft, or a plan.
function restore() {
  const correcting = new URLSearchParams(location.search).get("perbaiki");
  if (correcting) { return correct(correcting); }
  const fixMatch = location.hash.match(/^#perbaiki-([0-9a-f-]{36})$/);
  if (fixMatch) {
    return get(OUTBOX, fixMatch[1]).then((record) => {
      if (record && record.state === "refused") {
        drafts.startEditing(record.id);
        fillForm(record);
        chooseNotedPlan();
        showFixErrors(record);
      }
    });
  }
  return drafts.savedDraft().then((draft) => {
    if (draft) {
      drafts.startEditing(draft.editing || null);
      fillForm(draft);
      chooseNotedPlan();
      drafts.showDraftNotice(draft);
      return;
    }
    const wanted = new URLSearchParams(location.search).get("kegiatan");
    if (wanted && form.elements.event) { form.elements.event.value = wanted; fillFromPlan(); }
  });
}

function submit(event) {
  event.preventDefault();
  drafts.cancelDraft();
  let record = null;
  const button = form.querySelector("button[type=submit]");
  if (button) { button.disabled = true; }
  recordFromForm(drafts.editing() || newId())
    .then((made) => { record = made; return put(OUTBOX, record); })
    .then(() => drafts.dropDraft())
    .then(() => {
      say(T.saved);
      const patience = new Promise((resolve) => setTimeout(resolve, SEND_WAIT_MS));
      return Promise.race([syncAll(), patience]);
    })
    .then(() => get(OUTBOX, record.id))
    .then((stored) => {
      keepFlash(stored || record);
      location.assign(cfg.home);
    })
    .catch(() => {
      if (button) { button.disabled = false; }
      say(T.storageError);
    });
}

export function setUpForm() {
  Array.prototype.forEach.call(form.elements, (el) => {
    if (el.name && el.type !== "file") { el.dataset.initial = el.value; }
  });
  if (form.elements.day && form.elements.day.hasAttribute("max")) { form.elements.day.max = todayIso(); }
  if (form.elements.day && form.elements.day.hasAttribute("min")) { form.elements.day.min = todayIso(); }
  if (form.elements.kecamatan) { form.elements.kecamatan.addEventListener("change", () => narrowDesa(true)); }
  if (form.elements.event) { form.elements.event.addEventListener("change", () => { notePlan(); fillFromPlan(); }); }
  narrowDesa(false);
  setUpLocation(drafts.draftSoon);
  form.addEventListener("change", (event) => {
    if (event.target.type === "file") { shrinkChosenPhotos(event.target, drafts.draftSoon); }
  });

  offerOutboxPlans().then(restore).catch(() => {});
  window.addEventListener("hashchange", restore);

  form.addEventListener("input", drafts.draftSoon);
  form.addEventListener("change", drafts.draftSoon);
  // Leaving the page (tab closed, app switched, phone locked): keep what is typed now.
  window.addEventListener("pagehide", drafts.saveDraftNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") { drafts.saveDraftNow(); }
  });
  const discard = document.querySelector("[data-draft-discard]");
  if (discard) { discard.addEventListener("click", drafts.discardDraft); }
  form.addEventListener("submit", submit);
}

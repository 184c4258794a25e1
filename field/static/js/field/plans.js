/* A report may name a plan still waiting in the phone's outbox (made without signal): such plans are
 * offered in the report form's list of planned events, and the report carries the plan's client id
 * (`plan`). The server links them whichever arrives first (field.services.plan_event). */
import { T, cfg, form } from "./page.js";
import { allRecords } from "./outbox.js";
import { DELIVERED, REFUSED } from "./outbox-state.js";
import { longDate, todayIso } from "./words.js";

function field(record, name) {
  const pair = record.fields.find((f) => f[0] === name);
  return pair ? pair[1] : "";
}

function optionOf(record) {
  const option = document.createElement("option");
  option.value = "";
  option.dataset.plan = record.id;
  const day = field(record, "day");
  Object.assign(option.dataset, {
    title: field(record, "title") || record.title.replace(/\s*\(.*\)$/, ""), kind: field(record, "kind"),
    kecamatan: field(record, "kecamatan"), desa: field(record, "desa"), venue: field(record, "venue"),
    day: day && day > todayIso() ? todayIso() : day,
  });
  option.textContent = record.title.replace(/\s*\(.*\)$/, "") + (day ? " (" + longDate(day) + ")" : "") +
    " – " + T.planInOutbox;
  return option;
}

// Adds the plans still in the outbox to the report form's list of planned events.
export function offerOutboxPlans() {
  const select = form && form.elements.event;
  if (!select || !form.elements.plan) { return Promise.resolve(); }
  return allRecords().then((records) => {
    records
      .filter((r) => r.kind === "plan" && r.user === cfg.user && r.state !== DELIVERED && r.state !== REFUSED)
      .filter((r) => !select.querySelector('option[data-plan="' + r.id + '"]'))
      .forEach((r) => select.appendChild(optionOf(r)));
  }).catch(() => {});
}

// The plan chosen: its client id goes with the report (none when a plan the server knows is chosen).
export function notePlan() {
  const select = form && form.elements.event;
  if (!select || !form.elements.plan) { return; }
  const chosen = select.options[select.selectedIndex];
  form.elements.plan.value = (chosen && chosen.dataset.plan) || "";
}

// After a draft is put back: choose again the outbox plan it named.
export function chooseNotedPlan() {
  const select = form && form.elements.event;
  const id = form && form.elements.plan && form.elements.plan.value;
  const option = id && select ? select.querySelector('option[data-plan="' + id + '"]') : null;
  if (option) { option.selected = true; }
}

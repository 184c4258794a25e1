/* Reading and filling a field form: what is typed, as fields and photos; the title an item gets in
 * the lists; the desa of the chosen kecamatan; a report that starts from its plan. */
import { T, form } from "./page.js";
import { longDate, todayIso } from "./words.js";
import { showLocation } from "./location.js";
import { errorList } from "./dom.js";

function fieldValue(fields, name) {
  const pair = fields.find((f) => f[0] === name);
  return pair ? pair[1] : "";
}

function optionText(name, value) {
  const el = form && form.elements[name];
  if (!el || !el.options || !value) { return ""; }
  const option = el.querySelector('option[value="' + CSS.escape(value) + '"]');
  return option ? option.textContent.trim() : "";
}

function generatedTitle(fields) { // as the server will name it: "Sosialisasi KIM di Desa Tehang"
  let kindText = optionText("kind", fieldValue(fields, "kind"));
  const place = optionText("desa", fieldValue(fields, "desa")).replace(/\s*\(.*\)$/, "") ||
    (fieldValue(fields, "kecamatan") ? T.kecamatan + " " + optionText("kecamatan", fieldValue(fields, "kecamatan")) : "");
  if (!kindText || !place) { return ""; }
  if (fieldValue(fields, "kind") === "lainnya") { kindText = T.kindOther; }
  return T.generatedTitle.replace("%(kind)s", kindText).replace("%(place)s", place);
}

export function describe(fields) {
  const title = fieldValue(fields, "title") || fieldValue(fields, "name") ||
    optionText("event", fieldValue(fields, "event")) || optionText("kim", fieldValue(fields, "kim")) ||
    generatedTitle(fields) || T.noTitle;
  const day = fieldValue(fields, "day") || fieldValue(fields, "formed_on") || fieldValue(fields, "date");
  return title + (day ? " (" + longDate(day) + ")" : "");
}

export function readForm() { // {fields: [[name, value], ...], files: [{field, name, type, blob}, ...]}
  const data = new FormData(form);
  const out = { fields: [], files: [] };
  data.forEach((value, name) => {
    if (name === "csrfmiddlewaretoken" || name === "client_id") { return; }
    if (value instanceof File) {
      if (value.size) { out.files.push({ field: name, name: value.name, type: value.type, blob: value }); }
    } else {
      out.fields.push([name, value]);
    }
  });
  return out;
}

export function fillForm(saved) { // from a draft or a refused item
  Array.prototype.forEach.call(form.elements, (el) => {
    if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "client_id" || el.type === "file") { return; }
    const values = saved.fields.filter((f) => f[0] === el.name).map((f) => f[1]);
    if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) !== -1; }
    else if (el.multiple) { Array.prototype.forEach.call(el.options, (o) => { o.selected = values.indexOf(o.value) !== -1; }); }
    else if (values.length) { el.value = values[0]; }
  });
  const input = form.querySelector('input[type="file"]');
  if (input && saved.files && saved.files.length && window.DataTransfer) {
    const transfer = new DataTransfer();
    saved.files.forEach((f) => { if (f.blob) { transfer.items.add(new File([f.blob], f.name, { type: f.type })); } });
    input.files = transfer.files;
  }
  narrowDesa(false);
  showLocation();
}

export function showFixErrors(record) { // the form opened to fix a refused item: the server's reasons
  const box = document.querySelector("[data-fix-errors]");
  if (!box) { return; }
  box.textContent = "";
  const intro = document.createElement("p");
  intro.textContent = T.fixing + " " + (record.message || "");
  box.append(intro, errorList(record.errors));
  box.hidden = false;
}

export function narrowDesa(clear) { // only the desa of the chosen kecamatan
  if (!form || !form.elements.kecamatan || !form.elements.desa || !form.elements.desa.options) { return; }
  const kec = form.elements.kecamatan.value;
  const desa = form.elements.desa;
  Array.prototype.forEach.call(desa.options, (o) => {
    const other = kec && o.dataset.kecamatan && o.dataset.kecamatan !== kec;
    o.hidden = !!other;
    o.disabled = !!other;
  });
  const chosen = desa.options[desa.selectedIndex];
  if (clear && chosen && chosen.disabled) { desa.value = ""; }
}

export function fillFromPlan() { // a report of a planned event starts from its plan
  const select = form.elements.event;
  const plan = select && select.options[select.selectedIndex];
  if (!plan || !plan.dataset.title) { return; }
  const set = (name, value) => { if (form.elements[name] && value !== undefined) { form.elements[name].value = value; } };
  set("title", plan.dataset.title);
  set("kind", plan.dataset.kind);
  set("kecamatan", plan.dataset.kecamatan);
  narrowDesa(true);
  set("desa", plan.dataset.desa);
  set("venue", plan.dataset.venue);
  set("day", plan.dataset.day > todayIso() ? todayIso() : plan.dataset.day);
}

/* Proof of presence: the phone's location, asked only when the officer taps "Catat lokasi saya". */
import { T, form } from "./page.js";
import { longDateTime } from "./words.js";

const LOCATION_NAMES = ["latitude", "longitude", "location_accuracy", "located_at"];
const LOCATION_IMPRECISE_METERS = 500;
const LOCATION_ACCURACY_MAX = 1000000;
let changed = () => {};

export function locationBox() { return form && form.elements.latitude ? document.querySelector("[data-location]") : null; }

export function showLocation(problem) {
  const box = locationBox();
  if (!box) { return; }
  box.hidden = false;
  const status = box.querySelector("[data-location-status]");
  const accuracy = Number(form.elements.location_accuracy.value);
  const recorded = !!form.elements.latitude.value;
  const imprecise = recorded && accuracy > LOCATION_IMPRECISE_METERS;
  let text = recorded ? T.locationRecorded.replace("%(accuracy)s", accuracy)
    .replace("%(time)s", longDateTime(form.elements.located_at.value)) : T.locationNone;
  if (imprecise) { text += " " + T.locationImprecise; }
  status.textContent = problem ? problem + (recorded ? " " + text : "") : text;
  status.className = "location-status" + (problem ? " is-error" : imprecise ? " is-imprecise" : recorded ? " is-recorded" : "");
  box.querySelector("[data-location-clear]").hidden = !recorded;
}

function setLocation(values) {
  LOCATION_NAMES.forEach((name, i) => { form.elements[name].value = values[i]; });
  showLocation();
  changed();
}

function recordLocation() {
  const status = locationBox().querySelector("[data-location-status]");
  if (!navigator.geolocation) { showLocation(T.locationUnsupported); return; }
  status.textContent = T.locating;
  status.className = "location-status";
  navigator.geolocation.getCurrentPosition((position) => {
    const c = position.coords;
    if (!(c.accuracy <= LOCATION_ACCURACY_MAX)) { showLocation(T.locationUnavailable); return; }
    setLocation([c.latitude.toFixed(6), c.longitude.toFixed(6), Math.ceil(c.accuracy),
      new Date(position.timestamp || Date.now()).toISOString()]);
  }, (error) => {
    showLocation(error.code === 1 ? T.locationDenied : error.code === 3 ? T.locationTimeout : T.locationUnavailable);
  }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
}

// The form is emptied: so is its location (without calling `onChange`).
export function forgetLocation() {
  if (!locationBox()) { return; }
  LOCATION_NAMES.forEach((name) => { form.elements[name].value = ""; });
  showLocation();
}

// The buttons of the location box; `onChange` when a location is recorded or cleared.
export function setUpLocation(onChange) {
  const box = locationBox();
  if (!box) { return; }
  changed = onChange;
  showLocation();
  box.querySelector("[data-location-record]").addEventListener("click", recordLocation);
  box.querySelector("[data-location-clear]").addEventListener("click", () => setLocation(["", "", "", ""]));
}

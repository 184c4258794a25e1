/* KIM Portal, field officers' area: nothing an officer types is lost, signal or not.
 *
 * One outbox for every form marked data-offline-form (report, plan, KIM proposal, KIM activity). A
 * submission gets an id made here (a UUID, the server's idempotency key), is written to
 * IndexedDB with its photos, then sent. The server stores each id once and answers a
 * retry with the first receipt. Each item is sent on its own: an item the server refuses
 * (400, with reasons) or cannot take now (5xx, no signal) never holds back the others.
 * States: waiting (no signal yet), sending, delivered (receipt), refused (reason; Fix/Discard).
 *
 * Drafts: what is typed is kept in IndexedDB as it is typed (photos included), one draft per
 * form, and put back when the form opens again after a reload, a closed tab or a crash.
 * No framework, no inline script: templates hand over URLs and texts as data attributes.
 */
(function () {
  "use strict";

  var DB_NAME = "kimportal-petugas";
  var OUTBOX = "laporan"; // the store's first name, kept so reports queued by older versions stay
  var DRAFTS = "draf";
  var CACHE_PREFIX = "kimportal-petugas-";
  var FLASH_KEY = "kimportal-petugas-flash";
  var KEEP_DELIVERED_DAYS = 30;
  var SEND_WAIT_MS = 10000;

  // After logging out (the login page), drop the cached pages of the area.
  var login = document.getElementById("field-login");
  if (login && login.hasAttribute("data-clear-cache") && window.caches) {
    caches.keys().then(function (keys) {
      keys.forEach(function (key) { if (key.indexOf(CACHE_PREFIX) === 0) { caches.delete(key); } });
    });
  }

  var app = document.getElementById("field-app");
  if (!app) { return; }
  var cfg = app.dataset;
  var T = document.getElementById("field-strings").dataset;
  var form = document.querySelector("form[data-offline-form]");
  var kind = form ? form.dataset.offlineForm : null;
  var editingId = null;
  var syncing = false;

  if ("serviceWorker" in navigator && cfg.sw) {
    navigator.serviceWorker.register(cfg.sw, { scope: cfg.scope }).catch(function () {});
  }

  // ---- IndexedDB ----------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 2);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(OUTBOX)) { db.createObjectStore(OUTBOX, { keyPath: "id" }); }
        if (!db.objectStoreNames.contains(DRAFTS)) { db.createObjectStore(DRAFTS, { keyPath: "key" }); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(name, mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var request = action(tx.objectStore(name));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function put(store, value) { return withStore(store, "readwrite", function (s) { return s.put(value); }); }
  function get(store, key) { return withStore(store, "readonly", function (s) { return s.get(key); }); }
  function remove(store, key) { return withStore(store, "readwrite", function (s) { return s.delete(key); }); }
  function all(store) {
    return withStore(store, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.savedAt < b.savedAt ? 1 : -1; });
    });
  }

  function allRecords() {
    return all(OUTBOX).then(function (records) {
      records.forEach(function (r) { // reports queued before there were several kinds
        if (!r.kind) { r.kind = "report"; r.submit = cfg.reportSubmit; r.page = cfg.reportForm; }
      });
      return records;
    });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // ---- words and dates ------------------------------------------------------------------
  var MONTHS = (T.months || "").split(",");
  function longDate(value) { // "30 Maret 2022", the one way dates are written in the area
    var d = value instanceof Date ? value : new Date(String(value).length === 10 ? value + "T00:00:00" : value);
    if (isNaN(d)) { return String(value); }
    return d.getDate() + " " + (MONTHS[d.getMonth()] || d.getMonth() + 1) + " " + d.getFullYear();
  }
  function longDateTime(value) {
    var d = new Date(value);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return longDate(d) + ", " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function todayIso() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function kindLabel(k) { return T["kind" + k.charAt(0).toUpperCase() + k.slice(1)] || k; }

  var statusLine = document.querySelector("[data-net-status]");
  function say(text) {
    if (!statusLine) { return; }
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }
  function showNetwork() { // the notice of a page not kept already says there is no signal
    var notKept = document.querySelector("[data-not-kept]");
    say(navigator.onLine || (notKept && !notKept.hidden) ? "" : T.offline);
  }

  // ---- reading and filling a form ------------------------------------------------------
  function fieldValue(fields, name) {
    var pair = fields.find(function (f) { return f[0] === name; });
    return pair ? pair[1] : "";
  }

  function optionText(name, value) {
    var el = form && form.elements[name];
    if (!el || !el.options || !value) { return ""; }
    var option = el.querySelector('option[value="' + CSS.escape(value) + '"]');
    return option ? option.textContent.trim() : "";
  }

  function generatedTitle(fields) { // as the server will name it: "Sosialisasi KIM di Desa Tehang"
    var kindText = optionText("kind", fieldValue(fields, "kind"));
    var place = optionText("desa", fieldValue(fields, "desa")).replace(/\s*\(.*\)$/, "") ||
      (fieldValue(fields, "kecamatan") ? T.kecamatan + " " + optionText("kecamatan", fieldValue(fields, "kecamatan")) : "");
    if (!kindText || !place) { return ""; }
    if (fieldValue(fields, "kind") === "lainnya") { kindText = T.kindOther; }
    return T.generatedTitle.replace("%(kind)s", kindText).replace("%(place)s", place);
  }

  function describe(fields) {
    var title = fieldValue(fields, "title") || fieldValue(fields, "name") ||
      optionText("event", fieldValue(fields, "event")) || optionText("kim", fieldValue(fields, "kim")) ||
      generatedTitle(fields) || T.noTitle;
    var day = fieldValue(fields, "day") || fieldValue(fields, "formed_on") || fieldValue(fields, "date");
    return title + (day ? " (" + longDate(day) + ")" : "");
  }

  function readForm() {
    var data = new FormData(form);
    var out = { fields: [], files: [] };
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "client_id") { return; }
      if (value instanceof File) {
        if (value.size) { out.files.push({ field: name, name: value.name, type: value.type, blob: value }); }
      } else {
        out.fields.push([name, value]);
      }
    });
    return out;
  }

  function recordFromForm(id) { // a promise: photos are made small before the item is queued
    var read = readForm();
    read.fields.push(["client_id", id]);
    return shrinking.then(function () {
      return Promise.all(read.files.map(function (f) {
        return shrinkPhoto(f.blob).then(function (small) {
          return { field: f.field, name: small.name || f.name, type: small.type || f.type, blob: small };
        });
      }));
    }).then(function (files) {
      return {
        id: id, kind: kind, user: cfg.user, savedAt: new Date().toISOString(), state: "waiting",
        fields: read.fields, files: files, title: describe(read.fields),
        submit: form.action, page: location.pathname,
      };
    });
  }

  function fillForm(saved) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "client_id" || el.type === "file") { return; }
      var values = saved.fields.filter(function (f) { return f[0] === el.name; }).map(function (f) { return f[1]; });
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) !== -1; }
      else if (el.multiple) { Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; }); }
      else if (values.length) { el.value = values[0]; }
    });
    var input = form.querySelector('input[type="file"]');
    if (input && saved.files && saved.files.length && window.DataTransfer) {
      var transfer = new DataTransfer();
      saved.files.forEach(function (f) { if (f.blob) { transfer.items.add(new File([f.blob], f.name, { type: f.type })); } });
      input.files = transfer.files;
    }
    narrowDesa(false);
    showLocation();
  }

  function errorList(errors) {
    var list = document.createElement("ul");
    (errors || []).forEach(function (error) {
      (error.messages || []).forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = (error.label ? error.label + ": " : "") + message;
        list.appendChild(li);
      });
    });
    return list;
  }

  function showFixErrors(record) {
    var box = document.querySelector("[data-fix-errors]");
    if (!box) { return; }
    box.textContent = "";
    var intro = document.createElement("p");
    intro.textContent = T.fixing + " " + (record.message || "");
    box.append(intro, errorList(record.errors));
    box.hidden = false;
  }

  // ---- helpers of the forms: desa of the chosen kecamatan, a report from its plan --------
  function narrowDesa(clear) {
    if (!form || !form.elements.kecamatan || !form.elements.desa || !form.elements.desa.options) { return; }
    var kec = form.elements.kecamatan.value;
    var desa = form.elements.desa;
    Array.prototype.forEach.call(desa.options, function (o) {
      var other = kec && o.dataset.kecamatan && o.dataset.kecamatan !== kec;
      o.hidden = !!other;
      o.disabled = !!other;
    });
    var chosen = desa.options[desa.selectedIndex];
    if (clear && chosen && chosen.disabled) { desa.value = ""; }
  }

  function fillFromPlan() {
    var select = form.elements.event;
    var plan = select && select.options[select.selectedIndex];
    if (!plan || !plan.dataset.title) { return; }
    var set = function (name, value) { if (form.elements[name] && value !== undefined) { form.elements[name].value = value; } };
    set("title", plan.dataset.title);
    set("kind", plan.dataset.kind);
    set("kecamatan", plan.dataset.kecamatan);
    narrowDesa(true);
    set("desa", plan.dataset.desa);
    set("venue", plan.dataset.venue);
    set("day", plan.dataset.day > todayIso() ? todayIso() : plan.dataset.day);
  }

  // ---- photos: made small on the phone before they are kept or queued ----------------------
  // Longest side PHOTO_MAX_SIDE px, JPEG; a photo already that small, or one this browser cannot
  // decode, goes as it is (the server checks and re-encodes every photo anyway).
  var PHOTO_MAX_SIDE = 1600;
  var shrinking = Promise.resolve();

  function decodePhoto(file) {
    if (window.createImageBitmap) { return createImageBitmap(file, { imageOrientation: "from-image" }); }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  function shrinkPhoto(file) {
    return decodePhoto(file).then(function (image) {
      var width = image.naturalWidth || image.width;
      var height = image.naturalHeight || image.height;
      var scale = PHOTO_MAX_SIDE / Math.max(width, height);
      if (scale >= 1) { if (image.close) { image.close(); } return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) { image.close(); }
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); }).then(function (blob) {
        if (!blob) { return file; }
        var name = (file.name || "foto").replace(/\.[^.]*$/, "") + ".jpg";
        return new File([blob], name, { type: "image/jpeg", lastModified: Date.now() });
      });
    }).catch(function () { return file; });
  }

  function shrinkChosenPhotos(input) {
    var chosen = Array.prototype.slice.call(input.files || []);
    if (!chosen.length || !window.DataTransfer) { return shrinking; }
    shrinking = Promise.all(chosen.map(shrinkPhoto)).then(function (small) {
      var same = small.every(function (f, i) { return f === chosen[i]; });
      if (same || input.files[0] !== chosen[0]) { return; } // nothing to replace, or chosen again meanwhile
      var transfer = new DataTransfer();
      small.forEach(function (f) { transfer.items.add(f); });
      input.files = transfer.files;
      draftSoon();
    });
    return shrinking;
  }

  // ---- proof of presence: the phone's location, asked only when the officer taps ------------
  var LOCATION_NAMES = ["latitude", "longitude", "location_accuracy", "located_at"];
  var LOCATION_IMPRECISE_METERS = 500;
  var LOCATION_ACCURACY_MAX = 1000000;

  function locationBox() { return form && form.elements.latitude ? document.querySelector("[data-location]") : null; }

  function showLocation(problem) {
    var box = locationBox();
    if (!box) { return; }
    box.hidden = false;
    var status = box.querySelector("[data-location-status]");
    var accuracy = Number(form.elements.location_accuracy.value);
    var recorded = !!form.elements.latitude.value;
    var imprecise = recorded && accuracy > LOCATION_IMPRECISE_METERS;
    var text = recorded ? T.locationRecorded.replace("%(accuracy)s", accuracy)
      .replace("%(time)s", longDateTime(form.elements.located_at.value)) : T.locationNone;
    if (imprecise) { text += " " + T.locationImprecise; }
    status.textContent = problem ? problem + (recorded ? " " + text : "") : text;
    status.className = "location-status" + (problem ? " is-error" : imprecise ? " is-imprecise" : recorded ? " is-recorded" : "");
    box.querySelector("[data-location-clear]").hidden = !recorded;
  }

  function setLocation(values) {
    LOCATION_NAMES.forEach(function (name, i) { form.elements[name].value = values[i]; });
    showLocation();
    draftSoon();
  }

  function recordLocation() {
    var status = locationBox().querySelector("[data-location-status]");
    if (!navigator.geolocation) { showLocation(T.locationUnsupported); return; }
    status.textContent = T.locating;
    status.className = "location-status";
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      if (!(c.accuracy <= LOCATION_ACCURACY_MAX)) { showLocation(T.locationUnavailable); return; }
      setLocation([c.latitude.toFixed(6), c.longitude.toFixed(6), Math.ceil(c.accuracy),
        new Date(position.timestamp || Date.now()).toISOString()]);
    }, function (error) {
      showLocation(error.code === 1 ? T.locationDenied : error.code === 3 ? T.locationTimeout : T.locationUnavailable);
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
  }

  // ---- drafts ---------------------------------------------------------------------------
  var draftKey = form ? cfg.user + ":" + kind : null;
  var draftTimer = null;

  function saveDraft() {
    clearTimeout(draftTimer);
    draftTimer = null;
    var read = readForm();
    var typed = Array.prototype.some.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "client_id") { return false; }
      if (el.type === "file") { return !!(el.files && el.files.length); }
      if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
      return el.value !== (el.dataset.initial || "");
    });
    if (!typed) { return remove(DRAFTS, draftKey).catch(function () {}); }
    return put(DRAFTS, {
      key: draftKey, kind: kind, user: cfg.user, page: location.pathname, savedAt: new Date().toISOString(),
      fields: read.fields, files: read.files, title: describe(read.fields), editing: editingId,
    }).catch(function () { say(T.storageError); });
  }

  function draftSoon() { clearTimeout(draftTimer); draftTimer = setTimeout(saveDraft, 300); }

  function showDraftNotice(draft) {
    var notice = document.querySelector("[data-draft-notice]");
    if (!notice) { return; }
    notice.querySelector("[data-draft-text]").textContent = T.draftRestored + " " + longDateTime(draft.savedAt) + ".";
    notice.hidden = false;
  }

  function clearForm() {
    form.reset();
    if (locationBox()) { LOCATION_NAMES.forEach(function (name) { form.elements[name].value = ""; }); showLocation(); }
    editingId = null;
    narrowDesa(false);
    var box = document.querySelector("[data-fix-errors]");
    if (box) { box.hidden = true; }
    var notice = document.querySelector("[data-draft-notice]");
    if (notice) { notice.hidden = true; }
    if (location.hash) { history.replaceState(null, "", location.pathname + location.search); }
  }

  // ---- the form ---------------------------------------------------------------------------
  function setUpForm() {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.type !== "file") { el.dataset.initial = el.value; }
    });
    if (form.elements.day && form.elements.day.hasAttribute("max")) { form.elements.day.max = todayIso(); }
    if (form.elements.day && form.elements.day.hasAttribute("min")) { form.elements.day.min = todayIso(); }
    if (form.elements.kecamatan) {
      form.elements.kecamatan.addEventListener("change", function () { narrowDesa(true); });
    }
    if (form.elements.event) { form.elements.event.addEventListener("change", fillFromPlan); }
    narrowDesa(false);
    if (locationBox()) {
      showLocation();
      locationBox().querySelector("[data-location-record]").addEventListener("click", recordLocation);
      locationBox().querySelector("[data-location-clear]").addEventListener("click", function () {
        setLocation(["", "", "", ""]);
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.type === "file") { shrinkChosenPhotos(event.target); }
    });

    var start = function () {
      var fixMatch = location.hash.match(/^#perbaiki-([0-9a-f-]{36})$/);
      if (fixMatch) {
        return get(OUTBOX, fixMatch[1]).then(function (record) {
          if (record && record.state === "refused") {
            editingId = record.id;
            fillForm(record);
            showFixErrors(record);
          }
        });
      }
      return get(DRAFTS, draftKey).then(function (draft) {
        if (draft) {
          editingId = draft.editing || null;
          fillForm(draft);
          showDraftNotice(draft);
          return;
        }
        var wanted = new URLSearchParams(location.search).get("kegiatan");
        if (wanted && form.elements.event) { form.elements.event.value = wanted; fillFromPlan(); }
      });
    };
    start().catch(function () {});
    window.addEventListener("hashchange", start);

    form.addEventListener("input", draftSoon);
    form.addEventListener("change", draftSoon);
    // Leaving the page (tab closed, app switched, phone locked): keep what is typed now.
    window.addEventListener("pagehide", function () { if (draftTimer) { saveDraft(); } });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && draftTimer) { saveDraft(); }
    });
    var discard = document.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        clearTimeout(draftTimer);
        remove(DRAFTS, draftKey).then(clearForm);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(draftTimer);
      draftTimer = null;
      var record = null;
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      recordFromForm(editingId || newId())
        .then(function (made) { record = made; return put(OUTBOX, record); })
        .then(function () { return remove(DRAFTS, draftKey); })
        .then(function () {
          say(T.saved);
          var sent = syncAll();
          var patience = new Promise(function (resolve) { setTimeout(resolve, SEND_WAIT_MS); });
          return Promise.race([sent, patience]);
        })
        .then(function () { return get(OUTBOX, record.id); })
        .then(function (stored) {
          stored = stored || record;
          sessionStorage.setItem(FLASH_KEY, JSON.stringify({
            state: stored.state, receipt: stored.receipt || "", title: stored.title, kind: stored.kind,
            message: stored.message || "",
          }));
          location.assign(cfg.home);
        })
        .catch(function () {
          if (button) { button.disabled = false; }
          say(T.storageError);
        });
    });
  }

  // ---- sending ----------------------------------------------------------------------------
  function freshToken() {
    return fetch(cfg.session, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) { say(T.login); throw new Error("login"); }
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (body) {
        if (body.username !== cfg.user) { say(T.login); throw new Error("other user"); }
        return body.csrf_token;
      });
  }

  function readAnswer(response) {
    // Whatever comes back (JSON, an HTML page from a proxy, nothing), read it without throwing.
    return response.text().then(function (text) {
      try { return JSON.parse(text); } catch (e) { return null; }
    }, function () { return null; });
  }

  function send(record, token) {
    var body = new FormData();
    record.fields.forEach(function (f) { body.append(f[0], f[1]); });
    record.files.forEach(function (f) { if (f.blob) { body.append(f.field, f.blob, f.name); } });
    record.state = "sending";
    return put(OUTBOX, record).then(render).then(function () {
      return fetch(record.submit, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
    }).then(function (response) {
      return readAnswer(response).then(function (answer) {
        if ((response.status === 200 || response.status === 201) && answer && answer.receipt !== undefined) {
          record.state = "delivered";
          record.receipt = answer.receipt;
          record.url = answer.url;
          record.deliveredAt = new Date().toISOString();
          keepReceipt(record.url);
          record.files = record.files.map(function (f) { return { field: f.field, name: f.name, type: f.type }; });
          delete record.lastError;
        } else if (response.status === 400 || response.status === 409 || response.status === 413 || response.status === 422) {
          record.state = "refused";
          record.message = (answer && answer.message) || T.refusedUnknown;
          record.errors = (answer && answer.errors) || [];
        } else {
          if (response.status === 401 || response.status === 403) { say(T.login); }
          record.state = "waiting";
          record.lastError = ((answer && answer.message) || T.serverError) + " (HTTP " + response.status + ")";
        }
        return put(OUTBOX, record);
      });
    }, function () {
      record.state = "waiting"; // no network, or the answer was lost: sent again later, same id
      return put(OUTBOX, record);
    });
  }

  function syncAll() {
    if (syncing) { return Promise.resolve(); }
    syncing = true;
    return allRecords()
      .then(function (records) {
        var due = records.filter(function (r) {
          return (r.state === "waiting" || r.state === "sending") && r.user === cfg.user;
        }).reverse(); // oldest first
        if (!due.length || !navigator.onLine) { return; }
        return freshToken().then(function (token) {
          return due.reduce(function (chain, record) {
            // Each item on its own: one that fails in any way never stops the next.
            return chain.then(function () { return send(record, token).catch(function () {}); });
          }, Promise.resolve());
        }, function () {});
      })
      .catch(function () {})
      .then(function () { syncing = false; showNetwork(); return render(); });
  }

  // ---- the lists on the phone ---------------------------------------------------------------
  var STATES = {
    waiting: { icon: "◷", badge: "wait" },
    sending: { icon: "↻", badge: "wait" },
    delivered: { icon: "✓", badge: "ok" },
    refused: { icon: "✕", badge: "warn" },
  };

  function button(text, onClick, href, extra) {
    var el = document.createElement(href ? "a" : "button");
    el.className = "button small secondary" + (extra ? " " + extra : "");
    el.textContent = text;
    if (href) { el.href = href; } else { el.type = "button"; el.addEventListener("click", onClick); }
    return el;
  }

  function span(className, text) {
    var el = document.createElement("span");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function shownState(record) { return record.state === "sending" && !syncing ? "waiting" : record.state; }

  function item(record) {
    var state = shownState(record);
    var li = document.createElement("li");
    li.className = "card queue-item is-" + state;
    li.dataset.clientId = record.id;
    li.dataset.kind = record.kind;
    var head = document.createElement("div");
    head.className = "queue-head";
    var title = document.createElement("strong");
    title.textContent = record.title;
    var badge = document.createElement("span");
    badge.className = "badge state " + STATES[state].badge;
    badge.dataset.state = state;
    var icon = span("icon", STATES[state].icon);
    icon.setAttribute("aria-hidden", "true");
    badge.append(icon, document.createTextNode(" " + T[state === "delivered" ? "delivered" : state]));
    head.append(badge, title);
    li.appendChild(head);
    li.appendChild(span("meta", kindLabel(record.kind) + " · " + T.savedAt + " " + longDateTime(record.savedAt) +
      (record.files.length ? " · " + record.files.length + " " + T.photos : "")));
    if (state === "delivered") {
      var receipt = document.createElement(record.url ? "a" : "span");
      receipt.className = "receipt";
      if (record.url) { receipt.href = record.url; }
      receipt.textContent = T.receipt + ": " + record.receipt;
      li.appendChild(receipt);
    }
    if (record.user !== cfg.user) { li.appendChild(span("meta", T.otherUser)); }
    if (record.lastError && state === "waiting") { li.appendChild(span("meta", record.lastError)); }
    if (state === "refused") {
      var why = document.createElement("div");
      why.className = "error-box";
      why.textContent = record.message || "";
      why.appendChild(errorList(record.errors));
      li.appendChild(why);
    }
    var actions = document.createElement("div");
    actions.className = "item-actions";
    if (state === "refused") {
      actions.appendChild(button(T.fix, null, record.page + "#perbaiki-" + record.id, "fix"));
      actions.appendChild(button(T.discard, function () {
        if (window.confirm(T.confirmRemove)) { remove(OUTBOX, record.id).then(render); }
      }, null, "discard"));
    }
    if (state === "delivered") {
      actions.appendChild(button(T.remove, function () { remove(OUTBOX, record.id).then(render); }));
    }
    if (actions.childNodes.length) { li.appendChild(actions); }
    return li;
  }

  function draftItem(draft) {
    var li = document.createElement("li");
    li.className = "card draft-item";
    li.dataset.kind = draft.kind;
    var title = document.createElement("strong");
    title.textContent = draft.title;
    li.append(title, span("meta", kindLabel(draft.kind) + " · " + T.draftSaved + " " + longDateTime(draft.savedAt) +
      (draft.files && draft.files.length ? " · " + draft.files.length + " " + T.photos : "")));
    var actions = document.createElement("div");
    actions.className = "item-actions";
    actions.appendChild(button(T.continueDraft, null, draft.page));
    actions.appendChild(button(T.deleteDraft, function () {
      if (window.confirm(T.confirmDeleteDraft)) { remove(DRAFTS, draft.key).then(render); }
    }, null, "discard"));
    li.appendChild(actions);
    return li;
  }

  function fillList(list, rows, make, emptyText) {
    list.textContent = "";
    rows.forEach(function (r) { list.appendChild(make(r)); });
    if (!rows.length && emptyText) {
      var empty = document.createElement("li");
      empty.className = "meta";
      empty.textContent = emptyText;
      list.appendChild(empty);
    }
  }

  function render() {
    return Promise.all([allRecords(), all(DRAFTS)]).then(function (both) {
      var records = both[0];
      var drafts = both[1].filter(function (d) { return d.user === cfg.user; });
      var cutoff = Date.now() - KEEP_DELIVERED_DAYS * 86400000;
      records = records.filter(function (r) {
        if (r.state === "delivered" && Date.parse(r.deliveredAt) < cutoff) { remove(OUTBOX, r.id); return false; }
        return true;
      });
      document.querySelectorAll("[data-queue]").forEach(function (list) { fillList(list, records, item, T.empty); });
      document.querySelectorAll("[data-drafts]").forEach(function (list) {
        fillList(list, drafts, draftItem, T.noDrafts);
      });
      var counts = { waiting: 0, refused: 0, delivered: 0 };
      records.forEach(function (r) {
        var s = shownState(r) === "sending" ? "waiting" : r.state;
        if (counts[s] !== undefined) { counts[s] += 1; }
      });
      document.querySelectorAll("[data-count]").forEach(function (el) {
        el.textContent = counts[el.dataset.count] || 0;
      });
    }).catch(function () {});
  }

  // ---- the "sent" moment: shown at the top of the page the officer returns to --------------
  function showFlash() {
    var box = document.querySelector("[data-flash]");
    var raw = sessionStorage.getItem(FLASH_KEY);
    if (!box || !raw) { return; }
    sessionStorage.removeItem(FLASH_KEY);
    var flash;
    try { flash = JSON.parse(raw); } catch (e) { return; }
    var text = flash.state === "delivered" ? T.flashSent + " " + T.receipt + ": " + flash.receipt + "." +
        (flash.kind === "report" ? " " + T.flashReview : flash.kind === "activity" ? " " + T.flashActivityReview : "")
      : flash.state === "refused" ? T.flashRefused + " " + (flash.message || "")
      : T.flashQueued;
    box.className = "flash is-" + (flash.state === "delivered" ? "delivered" : flash.state === "refused" ? "refused" : "waiting");
    box.textContent = "";
    var icon = span("icon", STATES[flash.state === "sending" ? "waiting" : flash.state].icon);
    icon.setAttribute("aria-hidden", "true");
    var strong = document.createElement("strong");
    strong.textContent = kindLabel(flash.kind) + ": " + flash.title;
    box.append(icon, strong, span("flash-text", text));
    box.hidden = false;
    box.focus();
  }

  // Offline, a page never kept on the phone is answered with the kept home page: say so.
  if (cfg.page && cfg.page !== location.pathname) {
    var notKept = document.querySelector("[data-not-kept]");
    if (notKept) { notKept.hidden = false; }
  }

  // A receipt page of an item delivered from this phone is kept too, to be opened without signal.
  function keepReceipt(url) {
    if (url && url !== cfg.home && navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ keep: url });
    }
  }

  if (form) { setUpForm(); }
  showFlash();
  document.querySelectorAll("[data-sync-now]").forEach(function (el) { el.addEventListener("click", syncAll); });
  window.addEventListener("online", function () { showNetwork(); syncAll(); });
  window.addEventListener("offline", showNetwork);
  setInterval(syncAll, 30000);
  showNetwork();
  render().then(syncAll);
})();

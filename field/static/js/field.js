/* KIM Portal, field officers' area: keep reports on the phone until the server has them.
 *
 * A report form marked data-offline-form is never posted directly. Each submission gets
 * its own id (a UUID made here) and is first written to IndexedDB with its photos, then
 * sent. The server treats the id as an idempotency key: sending the same report twice
 * returns the first receipt, never a second copy. A report stays "waiting" until the
 * server answers with a receipt (delivered) or refuses it with reasons (refused, to fix).
 * No framework, no inline script: templates hand over URLs and texts as data attributes.
 */
(function () {
  "use strict";

  var DB_NAME = "kimportal-petugas";
  var STORE = "laporan";
  var CACHE_PREFIX = "kimportal-petugas-";
  var KEEP_DELIVERED_DAYS = 30;

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
  var editingId = null;
  var syncing = false;

  if ("serviceWorker" in navigator && cfg.sw) {
    navigator.serviceWorker.register(cfg.sw, { scope: cfg.scope }).catch(function () {});
  }

  // ---- IndexedDB ----------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = action(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function putRecord(record) { return withStore("readwrite", function (s) { return s.put(record); }); }
  function getRecord(id) { return withStore("readonly", function (s) { return s.get(id); }); }
  function deleteRecord(id) { return withStore("readwrite", function (s) { return s.delete(id); }); }
  function allRecords() {
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (records) {
      return (records || []).sort(function (a, b) { return a.savedAt < b.savedAt ? 1 : -1; });
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

  // ---- status line ----------------------------------------------------------------
  var statusLine = document.querySelector("[data-net-status]");
  function say(text) {
    if (!statusLine) { return; }
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }
  function showNetwork() { say(navigator.onLine ? "" : T.offline); }

  // ---- the report form --------------------------------------------------------------
  function describe(fields) {
    var get = function (name) {
      var pair = fields.find(function (f) { return f[0] === name; });
      return pair ? pair[1] : "";
    };
    var title = get("title");
    if (!title && form && form.elements.event && get("event")) {
      var option = form.elements.event.querySelector('option[value="' + CSS.escape(get("event")) + '"]');
      title = option ? option.textContent : "";
    }
    return (title || T.noTitle) + (get("day") ? " (" + get("day") + ")" : "");
  }

  function recordFromForm(id) {
    var data = new FormData(form);
    var record = { id: id, user: cfg.user, savedAt: new Date().toISOString(), state: "waiting", fields: [], files: [] };
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (value instanceof File) {
        if (value.size) { record.files.push({ field: name, name: value.name, type: value.type, blob: value }); }
      } else {
        record.fields.push([name, name === "client_id" ? id : value]);
      }
    });
    if (!record.fields.some(function (f) { return f[0] === "client_id"; })) { record.fields.push(["client_id", id]); }
    record.title = describe(record.fields);
    return record;
  }

  function fillForm(record) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "file") { return; }
      var values = record.fields.filter(function (f) { return f[0] === el.name; }).map(function (f) { return f[1]; });
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) !== -1; }
      else if (el.multiple) { Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; }); }
      else if (values.length) { el.value = values[0]; }
    });
    var input = form.querySelector('input[type="file"]');
    if (input && record.files.length && window.DataTransfer) {
      var transfer = new DataTransfer();
      record.files.forEach(function (f) { transfer.items.add(new File([f.blob], f.name, { type: f.type })); });
      input.files = transfer.files;
    }
  }

  function showFixErrors(record) {
    var box = document.querySelector("[data-fix-errors]");
    if (!box) { return; }
    box.textContent = "";
    var intro = document.createElement("p");
    intro.textContent = T.fixing + " " + (record.message || "");
    box.appendChild(intro);
    box.appendChild(errorList(record.errors));
    box.hidden = false;
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

  if (form) {
    var wanted = new URLSearchParams(location.search).get("kegiatan");
    if (wanted && form.elements.event) { form.elements.event.value = wanted; }
    var loadFix = function () {
      var fixMatch = location.hash.match(/^#perbaiki-([0-9a-f-]{36})$/);
      if (!fixMatch) { return; }
      getRecord(fixMatch[1]).then(function (record) {
        if (record && record.state === "refused") {
          editingId = record.id;
          fillForm(record);
          showFixErrors(record);
          form.scrollIntoView();
        }
      });
    };
    loadFix();
    window.addEventListener("hashchange", loadFix);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var record = recordFromForm(editingId || newId());
      putRecord(record).then(function () {
        form.reset();
        if (form.elements.client_id) { form.elements.client_id.value = ""; }
        editingId = null;
        var box = document.querySelector("[data-fix-errors]");
        if (box) { box.hidden = true; }
        if (location.hash) { history.replaceState(null, "", location.pathname); }
        say(T.saved);
        return render();
      }).then(syncAll).catch(function () { say(T.storageError); });
    });
  }

  // ---- sending ----------------------------------------------------------------------
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

  function send(record, token) {
    var body = new FormData();
    record.fields.forEach(function (f) { body.append(f[0], f[1]); });
    record.files.forEach(function (f) { body.append(f.field, f.blob, f.name); });
    return fetch(cfg.submit, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (answer) {
          record.state = "delivered";
          record.receipt = answer.receipt;
          record.url = answer.url;
          record.deliveredAt = new Date().toISOString();
          record.files = record.files.map(function (f) { return { field: f.field, name: f.name, type: f.type }; });
          delete record.lastError;
          return putRecord(record);
        });
      }
      if (response.status === 400) {
        return response.json().then(function (answer) {
          record.state = "refused";
          record.message = answer.message;
          record.errors = answer.errors;
          return putRecord(record);
        });
      }
      if (response.status === 401 || response.status === 403) { say(T.login); }
      record.lastError = T.serverError + " (HTTP " + response.status + ")";
      return putRecord(record);
    }, function () {
      // No network: the record simply stays waiting.
    });
  }

  function syncAll() {
    if (syncing) { return Promise.resolve(); }
    syncing = true;
    return allRecords()
      .then(function (records) {
        var waiting = records.filter(function (r) { return r.state === "waiting" && r.user === cfg.user; });
        if (!waiting.length) { return; }
        return freshToken().then(function (token) {
          return waiting.reduce(function (chain, record) {
            return chain.then(function () { return send(record, token); });
          }, Promise.resolve());
        }, function () {});
      })
      .catch(function () {})
      .then(function () { syncing = false; showNetwork(); return render(); });
  }

  // ---- the list on the phone ---------------------------------------------------------
  function button(text, onClick, href) {
    var el = document.createElement(href ? "a" : "button");
    el.className = "button small secondary";
    el.textContent = text;
    if (href) { el.href = href; } else { el.type = "button"; el.addEventListener("click", onClick); }
    return el;
  }

  function item(record) {
    var li = document.createElement("li");
    li.className = "card queue-item is-" + record.state;
    li.dataset.clientId = record.id;
    var title = document.createElement("strong");
    title.textContent = record.title;
    var state = document.createElement("span");
    state.className = "badge " + (record.state === "delivered" ? "ok" : "warn");
    state.dataset.state = record.state;
    state.textContent = record.state === "delivered" ? T.delivered : record.state === "refused" ? T.refused : T.waiting;
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = T.savedAt + " " + new Date(record.savedAt).toLocaleString("id-ID") + " · " + record.id.slice(0, 8) +
      (record.files.length ? " · " + record.files.length + " " + T.photos : "");
    li.append(title, state, meta);
    if (record.state === "delivered") {
      var receipt = document.createElement("a");
      receipt.className = "receipt";
      receipt.href = record.url;
      receipt.textContent = T.receipt + ": " + record.receipt;
      li.appendChild(receipt);
    }
    if (record.user !== cfg.user) {
      var other = document.createElement("span");
      other.className = "meta";
      other.textContent = T.otherUser;
      li.appendChild(other);
    }
    if (record.lastError && record.state === "waiting") {
      var last = document.createElement("span");
      last.className = "meta";
      last.textContent = record.lastError;
      li.appendChild(last);
    }
    if (record.state === "refused") {
      var why = document.createElement("div");
      why.className = "error-box";
      why.textContent = record.message || "";
      why.appendChild(errorList(record.errors));
      li.appendChild(why);
    }
    var actions = document.createElement("div");
    actions.className = "item-actions";
    if (record.state === "refused") {
      actions.appendChild(button(T.fix, null, cfg.form + "#perbaiki-" + record.id));
    }
    if (record.state !== "waiting") {
      actions.appendChild(button(T.remove, function () {
        if (record.state === "delivered" || window.confirm(T.confirmRemove)) { deleteRecord(record.id).then(render); }
      }));
    }
    if (actions.childNodes.length) { li.appendChild(actions); }
    return li;
  }

  function render() {
    var lists = document.querySelectorAll("[data-queue]");
    if (!lists.length) { return Promise.resolve(); }
    return allRecords().then(function (records) {
      var cutoff = Date.now() - KEEP_DELIVERED_DAYS * 86400000;
      records.forEach(function (r) {
        if (r.state === "delivered" && Date.parse(r.deliveredAt) < cutoff) { deleteRecord(r.id); }
      });
      lists.forEach(function (list) {
        list.textContent = "";
        records.forEach(function (r) { list.appendChild(item(r)); });
        if (!records.length) {
          var empty = document.createElement("li");
          empty.className = "meta";
          empty.textContent = T.empty;
          list.appendChild(empty);
        }
      });
    });
  }

  document.querySelectorAll("[data-sync-now]").forEach(function (el) { el.addEventListener("click", syncAll); });
  window.addEventListener("online", function () { showNetwork(); syncAll(); });
  window.addEventListener("offline", showNetwork);
  setInterval(syncAll, 30000);
  showNetwork();
  render().then(syncAll);
})();

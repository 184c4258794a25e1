/* IndexedDB, where the phone keeps the outbox and the drafts: nothing typed is lost. */
const DB_NAME = "kimportal-petugas";
export const OUTBOX = "laporan"; // the store's first name, kept so reports queued by older versions stay
export const DRAFTS = "draf";

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(OUTBOX)) { db.createObjectStore(OUTBOX, { keyPath: "id" }); }
      if (!db.objectStoreNames.contains(DRAFTS)) { db.createObjectStore(DRAFTS, { keyPath: "key" }); }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function withStore(name, mode, action) {
  return openDb().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const request = action(tx.objectStore(name));
    tx.oncomplete = () => { db.close(); resolve(request ? request.result : undefined); };
    tx.onerror = () => { db.close(); reject(tx.error); };
    tx.onabort = () => { db.close(); reject(tx.error); };
  }));
}

export function put(store, value) { return withStore(store, "readwrite", (s) => s.put(value)); }
export function get(store, key) { return withStore(store, "readonly", (s) => s.get(key)); }
export function remove(store, key) { return withStore(store, "readwrite", (s) => s.delete(key)); }

export function all(store) { // newest first
  return withStore(store, "readonly", (s) => s.getAll()).then((rows) =>
    (rows || []).sort((a, b) => (a.savedAt < b.savedAt ? 1 : -1)));
}

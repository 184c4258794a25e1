/* KIM Portal service worker for the field officers' area (/petugas/).
 *
 * Loaded by /petugas/sw.js, which sets self.FIELD_SW (scope, static assets, pages to keep).
 * Pages: network first, the last copy from the cache when there is no signal. Every form
 * page of the area is fetched at install (the first visit after logging in), so each form
 * opens offline even if the officer never opened it before. A page never kept falls back
 * to the home page (which then says so); the browser's own offline page is never shown
 * inside the area. The receipt page of each item the outbox (js/field/) delivers is kept as it arrives.
 * Static assets: from the cache (their names change when their content does).
 * POSTs and the JSON session are never cached: the outbox (js/field/outbox.js) queues them itself.
 * The area's script is a set of ES modules, static assets like the others: SW.assets lists each one
 * (field/assets.py), so every form works offline.
 */
"use strict";

var SW = self.FIELD_SW;
var CACHE = "kimportal-petugas-" + SW.version.replace(/[^A-Za-z0-9.]/g, "");

function keepPage(cache, url) {
  return fetch(url, { credentials: "same-origin" }).then(function (response) {
    if (response.ok && !response.redirected) { return cache.put(url, response); }
  }).catch(function () {});
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(SW.assets).then(function () {
        return Promise.all(SW.pages.map(function (url) { return keepPage(cache, url); }));
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        if (key.indexOf("kimportal-petugas-") === 0 && key !== CACHE) { return caches.delete(key); }
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

function networkFirst(request, path) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(path, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(path).then(function (hit) {
        return hit || cache.match(SW.fallback);
      });
    }).then(function (hit) {
      return hit || offlineAnswer();
    });
  });
}

function offlineAnswer() {
  var html = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>KIM Portal</title><p style='font:1.1rem sans-serif;padding:1rem'>" + SW.offline_text + "</p>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// The outbox asks to keep the receipt page of an item it delivered, so it opens without signal.
self.addEventListener("message", function (event) {
  var url = event.data && event.data.keep;
  if (typeof url !== "string" || url.indexOf(SW.scope) !== 0) { return; }
  event.waitUntil(caches.open(CACHE).then(function (cache) { return keepPage(cache, url); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (SW.assets.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  var networkOnly = SW.network_only.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
  if (request.mode !== "navigate" || url.pathname.indexOf(SW.scope) !== 0) { return; }
  if (networkOnly) {
    // The login page needs the network; without it, say so instead of the browser's offline page.
    event.respondWith(fetch(request).catch(offlineAnswer));
    return;
  }
  event.respondWith(networkFirst(request, url.pathname));
});

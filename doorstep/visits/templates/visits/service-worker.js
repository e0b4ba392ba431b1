// Issue 18, poor signal (SAF-3, SAF-4): the visit page's service worker, served by Django at a fixed URL
// ({{ scope }}service-worker.js) so that its scope is {{ scope }}; the static files it names are the ones the static
// storage serves (hashed names in production), so a new release is a new worker with a new cache.
//
// It keeps only the page shell (an offline page with nobody's data) and the visit page's own static files. It never
// caches a page of family data, nor any other answer of the server: a phone may be shared or lost, and a family's
// record kept on it would be read without an audit row, after signing out, by whoever holds it (data protection,
// P-4; the server sends every page with "no-store" for the same reason). Presses made without signal are not held
// here: the page queues them (visits.js) and sends them itself.
const CACHE = "doorstep-visit-shell-{{ version }}";
const SHELL = "{{ shell|escapejs }}";
const ASSETS = [{% for asset in assets %}"{{ asset|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll([SHELL, ...ASSETS]))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith("doorstep-visit-shell-") && key !== CACHE)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;  // a press goes to the server as it is, or is queued by the page
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Pages always from the server, never from a cache; without signal, the shell.
    event.respondWith(fetch(request).catch(() => caches.match(SHELL)));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  }
});

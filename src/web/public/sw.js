// 文苑 service worker. Hand-written, no build step; served by the server at /sw.js so its scope is the whole site.
//
// What it does, and why it does no more:
// - Page navigations go to the network first: pages are personal (account links, CSRF tokens, purchases) and
//   change often, so they are never stored. Only when the network fails is the precached /offline page shown.
// - /static/ files are cache-first: every URL there carries a content hash (?v=…), so a stored copy never goes stale.
// - Everything else (/api/, /d/… downloads, POSTs, avatars, other origins) passes straight through, untouched.

// Bump to drop every cache this worker made (the activate step deletes caches with other names).
const VERSION = 'v1';
const PAGES_CACHE = `wenyuan-pages-${VERSION}`;
const STATIC_CACHE = `wenyuan-static-${VERSION}`;
const OFFLINE_URL = '/offline';

self.addEventListener('install', (event) => {
  event.waitUntil(
    // Offline support is a bonus: a failure here (route missing, server down) must not block the worker.
    precacheOffline()
      .catch(() => {})
      // There is no old page logic to stay compatible with, so the new worker may take over at once.
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([PAGES_CACHE, STATIC_CACHE]);
      for (const name of await caches.keys()) {
        if (name.startsWith('wenyuan-') && !keep.has(name)) await caches.delete(name);
      }
      // Lets navigations start their network request while the worker boots, so network-first costs nothing.
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    event.respondWith(networkFirstPage(event));
  } else if (url.pathname.startsWith('/static/')) {
    event.respondWith(cacheFirstStatic(request));
  }
  // Anything else: no respondWith, so the browser fetches it exactly as if there were no worker.
});

/** Stores /offline plus the stylesheet and script it links, so the fallback page renders styled when offline. */
async function precacheOffline() {
  // Without cookies: the stored copy is the anonymous page, never one with someone's name or CSRF token in it.
  const response = await fetch(OFFLINE_URL, { credentials: 'omit', cache: 'reload' });
  if (!response.ok) throw new Error(`offline page: HTTP ${response.status}`);
  const html = await response.clone().text();
  await (await caches.open(PAGES_CACHE)).put(OFFLINE_URL, response);
  const assets = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  await Promise.all(assets.map((asset) => cacheFirstStatic(new Request(asset)).catch(() => {})));
}

/** Navigation: the live page, or the stored offline page when the network is unreachable. */
async function networkFirstPage(event) {
  try {
    const preloaded = await event.preloadResponse;
    if (preloaded) return preloaded;
    return await fetch(event.request);
  } catch {
    // Only a network failure lands here; an HTTP error page from the server is a real answer and shown as is.
    const offline = await caches.match(OFFLINE_URL, { cacheName: PAGES_CACHE });
    return offline ?? Response.error();
  }
}

/** Static asset: the stored copy if any, else the network (and store a successful answer for next time). */
async function cacheFirstStatic(request) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    await cache.put(request, response.clone());
    await dropOtherVersions(cache, request.url);
  }
  return response;
}

/** Deletes older ?v= copies of the same file, so the cache holds one version per file rather than every deploy's. */
async function dropOtherVersions(cache, url) {
  const { pathname, search } = new URL(url);
  for (const key of await cache.keys()) {
    const old = new URL(key.url);
    if (old.pathname === pathname && old.search !== search) await cache.delete(key);
  }
}

/** Registers the site-wide service worker (served by the server at /sw.js so its scope can be the whole site). */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const register = () => {
    // A failed registration (private mode, http on a LAN address) only loses offline support, never the page.
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
  };
  // Wait for load so the worker's precache requests don't compete with the page's own.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/** How far down the page the back-to-top link appears (with JS; without JS the stylesheet always shows it). */
const SHOW_AFTER_PX = 400;

/** Back to top: smooth scroll (unless reduced motion is asked for) and show the link only once the reader scrolled. */
export function initBackToTop(): void {
  const links = document.querySelectorAll<HTMLAnchorElement>('a[data-back-to-top]');
  if (links.length === 0) return;

  let queued = false;
  const update = () => {
    queued = false;
    const visible = window.scrollY > SHOW_AFTER_PX;
    for (const link of links) link.classList.toggle('is-visible', visible);
  };
  // Scroll fires many times a frame on some devices; one class update per frame is enough.
  window.addEventListener(
    'scroll',
    () => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(update);
      }
    },
    { passive: true },
  );
  update();

  for (const link of links) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      window.scrollTo({ top: 0, behavior: reduce ? 'auto' : 'smooth' });
      // Move keyboard focus to the top too, as following the anchor would have done.
      const target = document.getElementById(link.hash.slice(1)) ?? document.body;
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
    });
  }
}

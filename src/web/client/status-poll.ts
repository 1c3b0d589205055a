/** Statuses the conversion worker is still moving a document out of; anything else needs no polling. */
const PENDING = new Set(['uploaded', 'converting']);
const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 10_000;
/** Past this, the job is stuck or the tab forgotten; the reader can reload to look again. */
const GIVE_UP_AFTER_MS = 10 * 60_000;

/** The JSON of GET /api/documents/:id/status. */
interface StatusReply {
  id: number;
  status: string;
  label: string;
  reason: string | null;
  pages: number | null;
}

/**
 * Live status on the uploader's list: each `[data-doc-status]` still queued or converting is polled until it
 * leaves those states, and its text (the server's label), `data-status` and `status…-<status>` class follow.
 * In the same row (`[data-doc-row]` or `<tr>`), `[data-doc-reason]` gets the rejection reason and
 * `[data-doc-pages]` the page count.
 * Updates happen in place — no reload — so nothing else the reader is doing on the page is lost.
 */
export function initStatusPolling(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-doc-status][data-doc-id]')) watchStatus(el);
}

/** Polls one `[data-doc-status][data-doc-id]` element while its document is queued or converting (see above). */
export function watchStatus(el: HTMLElement): void {
  if (!PENDING.has(el.dataset.status ?? '')) return;
  // Announce the change when it comes, without moving focus.
  el.setAttribute('aria-live', 'polite');
  poll(el, FIRST_DELAY_MS, Date.now());
}

function poll(el: HTMLElement, delay: number, started: number): void {
  window.setTimeout(async () => {
    if (Date.now() - started > GIVE_UP_AFTER_MS) return;
    // A hidden tab waits (cheaply) instead of asking the server; it resumes at the next tick once visible.
    if (document.hidden) return poll(el, delay, started);
    let next = Math.min(delay * 1.5, MAX_DELAY_MS);
    try {
      const res = await fetch(`/api/documents/${encodeURIComponent(el.dataset.docId ?? '')}/status`, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      // Gone or no longer ours (deleted, logged out): there is nothing more to learn.
      if (res.status === 401 || res.status === 403 || res.status === 404) return;
      if (res.ok) {
        const reply = (await res.json()) as StatusReply;
        if (typeof reply.status === 'string' && reply.status !== el.dataset.status) {
          show(el, reply);
          // A new stage started: look again soon rather than at the backed-off pace.
          next = FIRST_DELAY_MS;
        }
        if (!PENDING.has(reply.status)) return;
      }
    } catch {
      // Offline or a server restart: keep trying at the backed-off pace.
    }
    poll(el, next, started);
  }, delay);
}

function show(el: HTMLElement, reply: StatusReply): void {
  const previous = el.dataset.status ?? '';
  if (typeof reply.label === 'string') el.textContent = reply.label;
  el.dataset.status = reply.status;
  // Keep the pill colour in step whatever the view's naming: status-x, status--x, status-pill--x …
  if (previous) {
    for (const name of [...el.classList]) {
      if (name.startsWith('status') && name.endsWith(previous)) {
        el.classList.replace(name, name.slice(0, -previous.length) + reply.status);
      }
    }
  }
  const row = el.closest('[data-doc-row], tr') ?? el.parentElement;
  const pages = row?.querySelector('[data-doc-pages]');
  if (pages && typeof reply.pages === 'number') pages.textContent = String(reply.pages);
  if (reply.reason) {
    let reason = row?.querySelector<HTMLElement>('[data-doc-reason]');
    if (!reason) {
      reason = document.createElement('span');
      reason.className = 'doc-reason';
      reason.setAttribute('data-doc-reason', '');
      el.after(reason);
    }
    reason.textContent = reply.reason;
    reason.hidden = false;
  }
}

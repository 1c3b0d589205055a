/** The JSON answer of POST /d/:id/favorite and /d/:id/unfavorite. */
interface FavoriteReply {
  favorited: boolean;
  countText?: string;
}

/**
 * 收藏 without a reload: a `form[data-favorite-form]` is posted with fetch (its fields, CSRF token included, as the
 * form would send them) and, on success, its action, button label and `data-state` follow the answer. Labels and
 * actions come from the form's data attributes, the count text from the server. Anything unexpected (logged out,
 * refused, offline) falls back to submitting the form, so the server's page says what happened.
 */
export function initFavoriteToggle(): void {
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-favorite-form') || event.defaultPrevented)
      return;
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    // One request at a time per button: a double click is one favorite (the server is idempotent anyway).
    if (button?.disabled) return;
    if (button) button.disabled = true;
    send(form)
      .then((reply) => (reply ? apply(form, button, reply) : form.submit()))
      .catch(() => form.submit())
      .finally(() => {
        if (button) button.disabled = false;
      });
  });
}

async function send(form: HTMLFormElement): Promise<FavoriteReply | undefined> {
  const body = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (typeof v === 'string') body.append(k, v);
  const res = await fetch(form.action, {
    method: 'POST',
    body,
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (!res.ok) return undefined;
  const reply = (await res.json()) as FavoriteReply;
  return typeof reply.favorited === 'boolean' ? reply : undefined;
}

function apply(form: HTMLFormElement, button: HTMLButtonElement | null, reply: FavoriteReply): void {
  const on = reply.favorited;
  const d = form.dataset;
  const state = on ? 'on' : 'off';
  form.action = (on ? d.removeAction : d.addAction) ?? form.action;
  form.dataset.state = state;
  const box = form.closest<HTMLElement>('[data-favorite]');
  if (box) box.dataset.state = state;
  if (button) {
    button.textContent = (on ? d.removeLabel : d.addLabel) ?? button.textContent;
    button.title = (on ? d.removeTitle : d.addTitle) ?? button.title;
    button.setAttribute('aria-pressed', String(on));
    button.classList.toggle('favorite-button--on', on);
  }
  const count = box?.querySelector<HTMLElement>('[data-favorite-count]');
  if (count && reply.countText) count.textContent = reply.countText;
}

/** The JSON of GET /api/suggest. */
interface SuggestReply {
  items: Array<{ text: string; kind: 'query' | 'title'; href: string }>;
}

const DEBOUNCE_MS = 150;

/**
 * Suggestions while typing in a search box marked `data-suggest="<endpoint>"`. The list element
 * (`[data-suggest-list]` in the same form) and its labels come from the server; without script the form
 * simply submits. Arrow keys move through the list, Enter opens the chosen one, Escape closes it.
 */
export function initSearchSuggest(): void {
  for (const input of document.querySelectorAll<HTMLInputElement>('input[data-suggest]')) {
    const form = input.form;
    const list = form?.querySelector<HTMLElement>('[data-suggest-list]');
    if (!form || !list) continue;
    attach(input, list);
  }
}

function attach(input: HTMLInputElement, list: HTMLElement): void {
  const endpoint = input.dataset.suggest!;
  const titleLabel = list.dataset.titleLabel ?? '';
  let timer = 0;
  let active = -1;
  let controller: AbortController | undefined;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  };
  const links = () => [...list.querySelectorAll<HTMLAnchorElement>('a')];
  const mark = (i: number) => {
    const all = links();
    active = (i + all.length) % all.length;
    all.forEach((a, k) => {
      a.setAttribute('aria-selected', String(k === active));
    });
    input.setAttribute('aria-activedescendant', all[active]?.id ?? '');
  };

  const render = (items: SuggestReply['items']) => {
    if (items.length === 0) return close();
    list.replaceChildren(
      ...items.map((item, i) => {
        const a = document.createElement('a');
        a.href = item.href;
        a.id = `suggest-${i}`;
        a.setAttribute('role', 'option');
        a.textContent = item.text;
        if (item.kind === 'title' && titleLabel) {
          const tag = document.createElement('span');
          tag.className = 'suggest__kind';
          tag.textContent = titleLabel;
          a.append(tag);
        }
        return a;
      }),
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    active = -1;
  };

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    const q = input.value.trim();
    if (!q) return close();
    timer = window.setTimeout(async () => {
      controller?.abort();
      controller = new AbortController();
      try {
        const res = await fetch(`${endpoint}?q=${encodeURIComponent(q)}`, { signal: controller.signal });
        if (!res.ok) return close();
        const body = (await res.json()) as SuggestReply;
        if (input.value.trim() === q) render(body.items);
      } catch {
        // Aborted by a newer keystroke, or offline: the form still submits.
      }
    }, DEBOUNCE_MS);
  });

  input.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      mark(active + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      links()[active]?.click();
    } else if (e.key === 'Escape') close();
  });
  input.addEventListener('blur', () => window.setTimeout(close, 150));
}

import { watchStatus } from './status-poll.ts';

/** One chosen file in the queue and the row that shows it. */
interface Item {
  file: File;
  row: HTMLLIElement;
  title: HTMLInputElement;
  bar: HTMLProgressElement;
  line: HTMLElement;
  state: 'waiting' | 'sending' | 'sent' | 'failed';
}

/**
 * The upload page with script: several files at once, each sent as its own request (the same POST /upload the plain
 * form makes, answered in JSON) with a progress bar, a title of its own, and then its conversion status, polled
 * until it is published or refused with the reason. Sentences come from the form's data-t-* attributes.
 */
export function initUploadQueue(): void {
  const found = document.querySelector<HTMLFormElement>('form[data-upload-form]');
  const fileInput = found?.querySelector<HTMLInputElement>('input[type=file][name=file]');
  const button = found?.querySelector<HTMLButtonElement>('button[type=submit]');
  if (!found || !fileInput || !button || typeof FormData === 'undefined') return;
  const form: HTMLFormElement = found;
  const input: HTMLInputElement = fileInput;
  const submit: HTMLButtonElement = button;
  const say = (key: string, params: Record<string, string | number> = {}) =>
    (form.dataset[key] ?? '').replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
  const maxBytes = Number(form.dataset.maxBytes) || Number.POSITIVE_INFINITY;
  const csrf = form.querySelector<HTMLInputElement>('input[name=_csrf]')?.value ?? '';
  const singleTitle = form.querySelector<HTMLElement>('.upload__single-title');
  const singleTitleInput = singleTitle?.querySelector<HTMLInputElement>('input');
  const submitLabel = submit.textContent ?? '';

  input.multiple = true;
  const label = input.id ? form.querySelector(`label[for="${input.id}"]`) : null;
  if (label && input.dataset.labelMulti) label.textContent = input.dataset.labelMulti;

  const list = document.createElement('ol');
  list.className = 'upload-queue';
  list.setAttribute('aria-label', say('tQueue'));
  list.setAttribute('data-upload-queue', '');
  input.closest('.field')?.after(list);
  const done = document.createElement('p');
  done.className = 'status-notice';
  done.setAttribute('role', 'status');
  done.hidden = true;
  list.after(done);

  let items: Item[] = [];
  let busy = false;

  const refresh = () => {
    const pending = items.filter((i) => i.state === 'waiting' || i.state === 'failed').length;
    submit.textContent = pending > 1 ? say('tSubmitMany', { n: pending }) : submitLabel;
    submit.disabled = busy;
    // With files in the queue each has its own title; the form's single title field would only confuse.
    if (singleTitle) singleTitle.hidden = items.length > 0;
    input.required = items.length === 0;
  };

  input.addEventListener('change', () => {
    // A new choice replaces the files not sent yet; sent ones stay listed with their status.
    for (const item of items) if (item.state === 'waiting' || item.state === 'failed') item.row.remove();
    items = items.filter((i) => i.state === 'sending' || i.state === 'sent');
    const first = items.length === 0;
    Array.from(input.files ?? []).forEach((file, n) => {
      const item = makeItem(file, n === 0 && first ? (singleTitleInput?.value ?? '') : '');
      items.push(item);
      list.append(item.row);
      if (file.size > maxBytes) fail(item, say('tTooLarge'));
    });
    done.hidden = true;
    refresh();
  });

  function makeItem(file: File, title: string): Item {
    const row = document.createElement('li');
    row.className = 'upload-queue__item';
    row.setAttribute('data-doc-row', '');
    const name = document.createElement('span');
    name.className = 'upload-queue__name';
    name.textContent = file.name;
    const id = `upload-q-${Math.random().toString(36).slice(2)}`;
    const titleLabel = document.createElement('label');
    titleLabel.htmlFor = id;
    titleLabel.textContent = say('tTitle');
    const titleInput = document.createElement('input');
    titleInput.id = id;
    titleInput.maxLength = 100;
    titleInput.value = title;
    titleInput.placeholder = say('tTitleHint');
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', file.name);
    const line = document.createElement('span');
    line.className = 'upload-queue__status';
    line.textContent = say('tWaiting');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button button--small';
    remove.textContent = say('tRemove');
    const item: Item = { file, row, title: titleInput, bar, line, state: 'waiting' };
    remove.addEventListener('click', () => {
      row.remove();
      items = items.filter((i) => i !== item);
      if (items.length === 0) input.value = '';
      refresh();
    });
    row.append(name, titleLabel, titleInput, bar, line, remove);
    return item;
  }

  function fail(item: Item, reason: string) {
    item.state = 'failed';
    item.line.textContent = say('tFailed', { reason });
    item.line.className = 'upload-queue__status upload-queue__status--failed';
    item.row.dataset.state = 'failed';
  }

  function send(item: Item): Promise<void> {
    return new Promise((resolve) => {
      const data = new FormData();
      // The token first, as the plain form sends it; the header carries it too.
      data.append('_csrf', csrf);
      for (const [k, v] of new FormData(form)) if (k !== '_csrf' && k !== 'file' && k !== 'title') data.append(k, v);
      data.append('title', item.title.value);
      data.append('file', item.file, item.file.name);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('accept', 'application/json');
      xhr.setRequestHeader('x-csrf-token', csrf);
      item.state = 'sending';
      item.row.dataset.state = 'sending';
      item.title.readOnly = true;
      item.row.querySelector('button')?.remove();
      xhr.upload.onprogress = (e) => {
        if (!e.lengthComputable) return;
        const percent = Math.min(100, Math.round((e.loaded / e.total) * 100));
        item.bar.value = percent;
        item.line.textContent = say('tSending', { percent });
      };
      xhr.onerror = () => {
        fail(item, say('tNetwork'));
        item.title.readOnly = false;
        resolve();
      };
      xhr.onload = () => {
        let reply: { id?: number; error?: { message?: string } } = {};
        try {
          reply = JSON.parse(xhr.responseText);
        } catch {
          // An answer that is not JSON (a proxy's page): the status line says what is known.
        }
        if (xhr.status === 201 && typeof reply.id === 'number') {
          sent(item, reply.id);
        } else {
          fail(item, reply.error?.message ?? String(xhr.status));
          item.title.readOnly = false;
        }
        resolve();
      };
      xhr.send(data);
    });
  }

  function sent(item: Item, id: number) {
    item.state = 'sent';
    item.row.dataset.state = 'sent';
    item.bar.value = 100;
    // The conversion status, polled (status-poll.ts) until published or refused with the reason.
    item.line.className = 'status status--uploaded';
    item.line.textContent = say('tSent');
    item.line.dataset.docStatus = '';
    item.line.dataset.docId = String(id);
    item.line.dataset.status = 'uploaded';
    const link = document.createElement('a');
    link.href = `/d/${id}`;
    link.textContent = say('tView');
    item.row.append(link);
    watchStatus(item.line);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy || !form.reportValidity()) return;
    busy = true;
    done.hidden = true;
    refresh();
    for (const item of items) if (item.state === 'waiting' || item.state === 'failed') await send(item);
    busy = false;
    input.value = '';
    refresh();
    if (items.length > 0 && items.every((i) => i.state === 'sent')) {
      done.textContent = say('tDone');
      done.hidden = false;
    }
  });
}

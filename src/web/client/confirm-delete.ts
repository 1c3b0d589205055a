/** The pieces of the one confirmation dialog shared by every delete link on the page. */
interface ConfirmDialog {
  dialog: HTMLDialogElement;
  form: HTMLFormElement;
  title: HTMLElement;
  /** The explanation the no-JS confirmation page gives (what deleting does, what buyers keep). */
  text: HTMLElement;
  csrf: HTMLInputElement;
  ok: HTMLButtonElement;
  cancel: HTMLButtonElement;
}

let shared: ConfirmDialog | null = null;
let opener: HTMLElement | null = null;

/**
 * 确认删除: a delete link opens a modal <dialog> instead of the confirmation page. Its OK button submits a real
 * POST form with the CSRF token, so the server sees exactly what the no-JS confirmation page would have sent.
 */
export function initConfirmDelete(): void {
  // Browsers without <dialog> keep following the link to the server's confirmation page.
  if (typeof HTMLDialogElement !== 'function' || !('showModal' in HTMLDialogElement.prototype)) return;
  // Delegated, so links added later (or many in a list) need no listener of their own.
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    // Modified clicks open the confirmation page in a new tab, as the reader asked.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.<HTMLAnchorElement>('a[data-confirm-delete]');
    if (!link?.dataset.action) return;
    event.preventDefault();
    open(link);
  });
}

function open(link: HTMLAnchorElement): void {
  shared ??= createDialog();
  const ui = shared;
  const data = link.dataset;
  ui.title.textContent = data.confirmTitle ?? link.textContent ?? '';
  ui.text.textContent = data.confirmText ?? '';
  ui.text.hidden = !data.confirmText;
  ui.ok.textContent = data.confirmOk ?? link.textContent ?? '';
  ui.cancel.textContent = data.confirmCancel ?? '';
  ui.form.action = data.action ?? link.href;
  ui.csrf.value = data.csrf ?? '';
  // Re-enable after a previous submit, e.g. when the page comes back from the back/forward cache.
  ui.ok.disabled = false;
  opener = link;
  ui.dialog.showModal();
  // The safe choice gets focus, so a stray Enter never deletes anything.
  ui.cancel.focus();
}

function createDialog(): ConfirmDialog {
  const dialog = document.createElement('dialog');
  dialog.className = 'confirm-dialog';
  dialog.setAttribute('role', 'alertdialog');
  dialog.setAttribute('aria-labelledby', 'confirm-dialog-title');

  const form = document.createElement('form');
  form.method = 'post';
  form.className = 'confirm-dialog__body';

  const title = document.createElement('h2');
  title.id = 'confirm-dialog-title';
  title.className = 'confirm-dialog__title';

  const text = document.createElement('p');
  text.id = 'confirm-dialog-text';
  text.className = 'confirm-dialog__text';
  dialog.setAttribute('aria-describedby', 'confirm-dialog-text');

  const csrf = document.createElement('input');
  csrf.type = 'hidden';
  csrf.name = '_csrf';

  const actions = document.createElement('div');
  actions.className = 'confirm-dialog__actions';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'button';
  cancel.setAttribute('data-confirm-cancel-button', '');
  const ok = document.createElement('button');
  ok.type = 'submit';
  ok.className = 'button button--danger';
  ok.setAttribute('data-confirm-ok-button', '');
  actions.append(cancel, ok);
  form.append(title, text, csrf, actions);
  dialog.append(form);
  document.body.append(dialog);

  cancel.addEventListener('click', () => dialog.close());
  // A click on the backdrop lands on the dialog itself (the form fills its box): treat it as cancel.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  // One POST per confirmation, however impatient the clicking.
  form.addEventListener('submit', () => {
    ok.disabled = true;
  });
  // Escape closes natively; either way, hand focus back to the link that opened the dialog.
  dialog.addEventListener('close', () => {
    opener?.focus();
    opener = null;
  });
  return { dialog, form, title, text, csrf, ok, cancel };
}

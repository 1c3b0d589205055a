/**
 * After a refused submit the page comes back with an error summary (web/views/form.tsx): move focus there so a
 * keyboard or screen-reader user starts at what went wrong; its links lead to the fields.
 */
export function focusErrorSummary(): void {
  const summary = document.querySelector<HTMLElement>('[data-error-summary]');
  if (!summary) return;
  summary.focus();
  summary.addEventListener('click', (e) => {
    const link = (e.target as Element).closest?.('a[href^="#"]');
    const field = link && document.getElementById(link.getAttribute('href')!.slice(1));
    if (!field) return;
    e.preventDefault();
    field.focus();
  });
}

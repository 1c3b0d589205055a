/**
 * Entry of the client bundle (public/build/app.js). Every page works without it; each island below only
 * enhances markup the server already rendered, finding it by data attribute and reading its text from there.
 */
import { initBackToTop } from './back-to-top.ts';
import { initConfirmDelete } from './confirm-delete.ts';
import { focusErrorSummary } from './error-summary.ts';
import { initFavoriteToggle } from './favorite-toggle.ts';
import { initInstallPrompt } from './install-prompt.ts';
import { initSearchSuggest } from './search-suggest.ts';
import { registerServiceWorker } from './service-worker.ts';
import { initStatusPolling } from './status-poll.ts';
import { initUploadQueue } from './upload-queue.ts';

// First, so the stylesheet can switch to the behaviours that need script (e.g. hide back-to-top until scrolled).
document.documentElement.classList.add('js');

// One broken island must not take the others down with it.
for (const init of [
  initInstallPrompt,
  registerServiceWorker,
  initConfirmDelete,
  initBackToTop,
  initStatusPolling,
  initSearchSuggest,
  initFavoriteToggle,
  initUploadQueue,
  focusErrorSummary,
]) {
  try {
    init();
  } catch (err) {
    console.error(err);
  }
}

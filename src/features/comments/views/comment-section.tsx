import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { RefusalNotice } from '../../../web/views/form.tsx';
import type { CommentSection } from '../service.ts';
import { CommentForm, commentFormId, ThreadItem } from './comment-items.tsx';

/** The ids of the comment forms this section renders: the new thread's and each reply form. */
const shownForms = (section: CommentSection) => [
  commentFormId(),
  ...section.threads
    .flatMap((th) => [th.comment, ...th.replies])
    .filter((c) => c.canReply && c.body !== null)
    .map((c) => commentFormId(c.id)),
];

/**
 * The comments of a document: the form (or a login link), the threads newest first, and the way to older ones.
 * Rendered on the document page (first page; also the cached anonymous page, which has no forms) and on
 * /d/:id/comments. `state` comes back after a refused post (in its form; a reply whose form is not on this page
 * has its sentence said above the list).
 */
export function CommentSectionView({
  ctx,
  section,
  state,
}: {
  ctx: PageContext;
  section: CommentSection;
  state?: FormState | undefined;
}) {
  const { documentId } = section;
  // The document page shows the first page; the others live on /d/:id/comments.
  const list = `/d/${documentId}/comments`;
  const loginNext = encodeURIComponent(`/d/${documentId}#comments`);
  return (
    <section class="card comments" id="comments" aria-labelledby="comments-title">
      <h2 id="comments-title">{t('comment.titleCount', { n: section.total })}</h2>
      <RefusalNotice state={state} shown={shownForms(section)} />
      {ctx.user && ctx.csrfToken ? (
        <CommentForm ctx={ctx} documentId={documentId} state={state} />
      ) : (
        <p class="comments__login">
          <a href={`/login?next=${loginNext}`} rel="nofollow">
            {t('comment.login')}
          </a>{' '}
          {t('comment.loginToComment')}
        </p>
      )}
      {section.threads.length === 0 ? (
        <p class="empty">{t('comment.none')}</p>
      ) : (
        <ol class="comment-list">
          {section.threads.map((th) => (
            <ThreadItem key={th.comment.id} ctx={ctx} documentId={documentId} thread={th} showAllLink state={state} />
          ))}
        </ol>
      )}
      <nav class="pager" aria-label={t('comment.allComments')}>
        {section.page > 1 && <a href={`${list}?page=${section.page - 1}`}>{t('comment.prev')}</a>}
        {section.hasMore && <a href={`${list}?page=${section.page + 1}`}>{t('comment.morePages')}</a>}
      </nav>
    </section>
  );
}

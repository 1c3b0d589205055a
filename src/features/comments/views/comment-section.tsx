import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { CommentSection } from '../service.ts';
import { CommentForm, ThreadItem } from './comment-items.tsx';

/**
 * The comments of a document: the form (or a login link), the threads newest first, and the way to older ones.
 * Rendered on the document page (first page; also the cached anonymous page, which has no forms) and on
 * /d/:id/comments. `error` and `draft` come back after a refused post.
 */
export function CommentSectionView({
  ctx,
  section,
  error,
  draft,
}: {
  ctx: PageContext;
  section: CommentSection;
  error?: string | undefined;
  draft?: string | undefined;
}) {
  const { documentId } = section;
  // The document page shows the first page; the others live on /d/:id/comments.
  const list = `/d/${documentId}/comments`;
  const loginNext = encodeURIComponent(`/d/${documentId}#comments`);
  return (
    <section class="card comments" id="comments" aria-labelledby="comments-title">
      <h2 id="comments-title">{t('comment.titleCount', { n: section.total })}</h2>
      {error && (
        <p class="form__errors" role="alert">
          {error}
        </p>
      )}
      {ctx.user && ctx.csrfToken ? (
        <CommentForm ctx={ctx} documentId={documentId} draft={draft} id="comment-body" />
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
            <ThreadItem key={th.comment.id} ctx={ctx} documentId={documentId} thread={th} showAllLink />
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

import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { RefusalNotice } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import type { CommentSection, ThreadView } from '../service.ts';
import { commentFormsOf, ThreadItem } from './comment-items.tsx';
import { CommentSectionView } from './comment-section.tsx';

type Doc = { id: number; title: string };

/** /d/:id/comments: every page of a document's comments (also where a refused post comes back with its text). */
export function CommentsPage(props: {
  ctx: PageContext;
  doc: Doc;
  section: CommentSection;
  /** The refused post, shown again. */
  state?: FormState | undefined;
}) {
  const { ctx, doc } = props;
  return (
    <Layout
      ctx={ctx}
      title={t('comment.pageTitle', { title: doc.title })}
      head={<meta name="robots" content="noindex" />}
    >
      <nav class="breadcrumb">
        <a href={`/d/${doc.id}`}>{t('comment.backToDocument')}</a>
      </nav>
      <h1 class="page-title">{t('comment.pageTitle', { title: doc.title })}</h1>
      <CommentSectionView ctx={ctx} section={props.section} state={props.state} />
    </Layout>
  );
}

/**
 * /d/:id/comments/:thread: one thread with all its replies (paged), where notifications lead — and where a refused
 * 删除, 隐藏 or 取消隐藏 comes back: beside the reason in its form, or alone at the top when that form is gone.
 */
export function ThreadPage({
  ctx,
  doc,
  thread,
  page,
  hasMore,
  state,
}: {
  ctx: PageContext;
  doc: Doc;
  thread: ThreadView;
  page: number;
  hasMore: boolean;
  state?: FormState | undefined;
}) {
  const shown = [thread.comment, ...thread.replies].flatMap(commentFormsOf);
  const base = `/d/${doc.id}/comments/${thread.comment.id}`;
  return (
    <Layout
      ctx={ctx}
      title={t('comment.threadTitle', { title: doc.title })}
      head={<meta name="robots" content="noindex" />}
    >
      <nav class="breadcrumb">
        <a href={`/d/${doc.id}`}>{t('comment.backToDocument')}</a> ›{' '}
        <a href={`/d/${doc.id}/comments`}>{t('comment.allComments')}</a>
      </nav>
      <section class="card comments" id="comments" aria-labelledby="thread-title">
        <h1 id="thread-title" class="page-title">
          {t('comment.threadTitle', { title: doc.title })}
        </h1>
        <RefusalNotice state={state} shown={shown} />
        <ol class="comment-list">
          <ThreadItem ctx={ctx} documentId={doc.id} thread={thread} showAllLink={false} state={state} />
        </ol>
        <nav class="pager">
          {page > 1 && <a href={`${base}?page=${page - 1}`}>{t('comment.prev')}</a>}
          {hasMore && <a href={`${base}?page=${page + 1}`}>{t('comment.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}

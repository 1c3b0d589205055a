import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Avatar } from '../../documents/views/uploader-card.tsx';
import { COMMENT_MAX_CHARS, type CommentView, type ThreadView } from '../service.ts';

/** The form that posts a thread (no `replyTo`) or a reply; plain text, sent as typed, escaped wherever shown. */
export function CommentForm({
  ctx,
  documentId,
  replyTo,
  draft,
  id,
}: {
  ctx: PageContext;
  documentId: number;
  replyTo?: CommentView;
  draft?: string | undefined;
  id: string;
}) {
  return (
    <form class="form comment-form" method="post" action={`/d/${documentId}/comments`}>
      <input type="hidden" name="_csrf" value={ctx.csrfToken} />
      {replyTo && <input type="hidden" name="replyTo" value={String(replyTo.id)} />}
      <div class="field">
        <label for={id}>{replyTo ? t('comment.replyTo', { name: replyTo.authorName }) : t('comment.label')}</label>
        <textarea
          id={id}
          name="body"
          rows={replyTo ? 2 : 3}
          required
          maxLength={COMMENT_MAX_CHARS}
          placeholder={t('comment.placeholder')}
        >
          {draft ?? ''}
        </textarea>
      </div>
      <button type="submit" class="button button--primary">
        {replyTo ? t('comment.replySubmit') : t('comment.submit')}
      </button>
    </form>
  );
}

/** One thread: its comment, the replies shown, and a link to the rest. */
export function ThreadItem({
  ctx,
  documentId,
  thread,
  showAllLink,
}: {
  ctx: PageContext;
  documentId: number;
  thread: ThreadView;
  showAllLink: boolean;
}) {
  const more = thread.replyCount - thread.replies.length;
  return (
    <li class="comment-thread">
      <CommentItem ctx={ctx} documentId={documentId} c={thread.comment} />
      {thread.replies.length > 0 && (
        <ol class="comment-replies">
          {thread.replies.map((r) => (
            <li key={r.id}>
              <CommentItem ctx={ctx} documentId={documentId} c={r} />
            </li>
          ))}
        </ol>
      )}
      {showAllLink && more > 0 && (
        <p class="comment-thread__more">
          <a href={`/d/${documentId}/comments/${thread.comment.id}`}>
            {t('comment.viewAllReplies', { n: thread.replyCount })}
          </a>
        </p>
      )}
    </li>
  );
}

/** One comment, or its placeholder when this viewer may not read it (deleted; hidden for everyone but staff). */
export function CommentItem({ ctx, documentId, c }: { ctx: PageContext; documentId: number; c: CommentView }) {
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  const next = <input type="hidden" name="next" value={ctx.path} />;
  const when = (
    <time class="muted" dateTime={new Date(c.createdAt).toISOString()}>
      {formatDateTime(c.createdAt)}
    </time>
  );
  if (c.body === null) {
    return (
      <article class="comment comment--placeholder" id={`comment-${c.id}`}>
        <p class="comment__placeholder">
          {c.state === 'deleted' ? t('comment.deleted') : t('comment.hiddenPlaceholder')}
        </p>
      </article>
    );
  }
  return (
    <article class={c.state === 'hidden' ? 'comment comment--hidden' : 'comment'} id={`comment-${c.id}`}>
      <p class="comment__meta">
        <a class="comment__author" href={`/u/${c.authorId}`}>
          <Avatar user={{ id: c.authorId, name: c.authorName, avatarKey: c.authorAvatarKey }} size={24} />
          {c.authorName}
        </a>
        {c.replyToName && <span class="comment__reply-to"> {t('comment.replyTo', { name: c.replyToName })}</span>}{' '}
        {when}
        {c.state === 'hidden' && <span class="comment__staff-note"> {t('comment.hiddenStaffNote')}</span>}
      </p>
      <p class="comment__body">{c.body}</p>
      <div class="comment__actions">
        {c.canReply && ctx.csrfToken && (
          <details class="comment__reply">
            <summary>{t('comment.reply')}</summary>
            <CommentForm ctx={ctx} documentId={documentId} replyTo={c} id={`reply-${c.id}`} />
          </details>
        )}
        {c.canReport && (
          <a class="comment__report" href={`/comments/${c.id}/report`} rel="nofollow">
            {t('comment.report')}
          </a>
        )}
        {c.canDelete && ctx.csrfToken && (
          <form method="post" action={`/comments/${c.id}/delete`} class="form--inline">
            {csrf}
            {next}
            <button type="submit" class="link-button">
              {t('comment.delete')}
            </button>
          </form>
        )}
        {c.canModerate &&
          ctx.csrfToken &&
          (c.state === 'hidden' ? (
            <form method="post" action={`/comments/${c.id}/unhide`} class="form--inline">
              {csrf}
              {next}
              <button type="submit" class="link-button">
                {t('comment.unhide')}
              </button>
            </form>
          ) : (
            <details class="comment__hide">
              <summary>{t('comment.hide')}</summary>
              <form method="post" action={`/comments/${c.id}/hide`} class="form">
                {csrf}
                {next}
                <div class="field">
                  <label for={`hide-${c.id}`}>{t('comment.hideReason')}</label>
                  <input id={`hide-${c.id}`} name="reason" maxLength={500} />
                </div>
                <button type="submit" class="button button--danger">
                  {t('comment.hide')}
                </button>
              </form>
            </details>
          ))}
      </div>
    </article>
  );
}

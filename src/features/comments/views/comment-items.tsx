import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Form, Submit, TextAreaField, TextField } from '../../../web/views/form.tsx';
import { Avatar } from '../../documents/views/uploader-card.tsx';
import { COMMENT_MAX_CHARS, type CommentView, type ThreadView } from '../service.ts';

/** The form id of a new thread (`comment-body`) or of the reply to comment `id` (`reply-<id>-body`). */
export const commentFormId = (replyTo?: number) => (replyTo === undefined ? 'comment' : `reply-${replyTo}`);

/** The form id of a comment's 删除, 隐藏 or 取消隐藏 (`comment-hide-<id>`). */
export const commentActionFormId = (action: 'delete' | 'hide' | 'unhide', id: number) => `comment-${action}-${id}`;

/** The forms a comment offers its viewer (a refusal for any other is the sentence alone at the top of the page). */
export function commentFormsOf(c: CommentView): string[] {
  if (c.body === null) return [];
  return [
    ...(c.canReply ? [commentFormId(c.id)] : []),
    ...(c.canDelete ? [commentActionFormId('delete', c.id)] : []),
    ...(c.canModerate ? [commentActionFormId(c.state === 'hidden' ? 'unhide' : 'hide', c.id)] : []),
  ];
}

/**
 * The form that posts a thread (no `replyTo`) or a reply; plain text, sent as typed, escaped wherever shown. `state`
 * is the refused last post (this form's if its id matches: the text comes back with the sentence).
 */
export function CommentForm({
  ctx,
  documentId,
  replyTo,
  state,
}: {
  ctx: PageContext;
  documentId: number;
  replyTo?: CommentView;
  state?: FormState | undefined;
}) {
  const id = commentFormId(replyTo?.id);
  return (
    <Form id={id} action={`/d/${documentId}/comments`} csrf={ctx.csrfToken} state={state} class="form comment-form">
      {replyTo && <input type="hidden" name="replyTo" value={String(replyTo.id)} />}
      <TextAreaField
        form={id}
        name="body"
        label={replyTo ? t('comment.replyTo', { name: replyTo.authorName }) : t('comment.label')}
        state={state}
        rows={replyTo ? 2 : 3}
        required
        maxLength={COMMENT_MAX_CHARS}
        placeholder={t('comment.placeholder')}
      />
      <Submit label={replyTo ? t('comment.replySubmit') : t('comment.submit')} />
    </Form>
  );
}

/** One thread: its comment, the replies shown, and a link to the rest. */
export function ThreadItem({
  ctx,
  documentId,
  thread,
  showAllLink,
  state,
}: {
  ctx: PageContext;
  documentId: number;
  thread: ThreadView;
  showAllLink: boolean;
  state?: FormState | undefined;
}) {
  const more = thread.replyCount - thread.replies.length;
  return (
    <li class="comment-thread">
      <CommentItem ctx={ctx} documentId={documentId} c={thread.comment} state={state} />
      {thread.replies.length > 0 && (
        <ol class="comment-replies">
          {thread.replies.map((r) => (
            <li key={r.id}>
              <CommentItem ctx={ctx} documentId={documentId} c={r} state={state} />
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
export function CommentItem({
  ctx,
  documentId,
  c,
  state,
}: {
  ctx: PageContext;
  documentId: number;
  c: CommentView;
  state?: FormState | undefined;
}) {
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
          <details class="comment__reply" open={state?.form === commentFormId(c.id)}>
            <summary>{t('comment.reply')}</summary>
            <CommentForm ctx={ctx} documentId={documentId} replyTo={c} state={state} />
          </details>
        )}
        {c.canReport && (
          <a class="comment__report" href={`/comments/${c.id}/report`} rel="nofollow">
            {t('comment.report')}
          </a>
        )}
        {c.canDelete && ctx.csrfToken && (
          <Form
            id={commentActionFormId('delete', c.id)}
            action={`/comments/${c.id}/delete`}
            csrf={ctx.csrfToken}
            state={state}
            class="form--inline"
          >
            {next}
            <button type="submit" class="link-button">
              {t('comment.delete')}
            </button>
          </Form>
        )}
        {c.canModerate &&
          ctx.csrfToken &&
          (c.state === 'hidden' ? (
            <Form
              id={commentActionFormId('unhide', c.id)}
              action={`/comments/${c.id}/unhide`}
              csrf={ctx.csrfToken}
              state={state}
              class="form--inline"
            >
              {next}
              <button type="submit" class="link-button">
                {t('comment.unhide')}
              </button>
            </Form>
          ) : (
            <details class="comment__hide" open={state?.form === commentActionFormId('hide', c.id)}>
              <summary>{t('comment.hide')}</summary>
              <Form
                id={commentActionFormId('hide', c.id)}
                action={`/comments/${c.id}/hide`}
                csrf={ctx.csrfToken}
                state={state}
              >
                {next}
                <TextField
                  form={commentActionFormId('hide', c.id)}
                  name="reason"
                  label={t('comment.hideReason')}
                  state={state}
                  maxLength={500}
                />
                <Submit kind="danger" label={t('comment.hide')} />
              </Form>
            </details>
          ))}
      </div>
    </article>
  );
}

import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatBytes, formatDateTime } from '../../../web/format.ts';
import { SCREENSHOT_MAX_BYTES } from '../screenshot.ts';
import type { getConversation } from '../service.ts';
import { BODY_MAX, SUBJECT_MAX } from '../service.ts';

type Message = Awaited<ReturnType<typeof getConversation>>['messages'][number];

/** The messages of a conversation, oldest first; `staff` shows staff members' names (users just see 客服). */
export function MessageList({ messages, staff }: { messages: readonly Message[]; staff: boolean }) {
  return (
    <ol class="support-messages">
      {messages.map((m) => {
        const who = m.from_staff
          ? staff
            ? t('support.staffName', { name: m.author_name })
            : t('support.staff')
          : staff
            ? m.author_name
            : t('support.you');
        return (
          <li
            key={m.id}
            id={`m-${m.id}`}
            class={m.from_staff ? 'support-message support-message--staff' : 'support-message'}
          >
            <p class="support-message__meta">
              <strong>{who}</strong>{' '}
              <time class="muted" dateTime={new Date(m.created_at).toISOString()}>
                {formatDateTime(m.created_at)}
              </time>
            </p>
            {m.body && <p class="support-message__body">{m.body}</p>}
            {m.image_key && (
              <a href={`/support/images/${m.id}`} class="support-message__image">
                <img
                  src={`/support/images/${m.id}`}
                  width={m.image_width ?? undefined}
                  height={m.image_height ?? undefined}
                  alt={t('support.screenshotAlt', { width: m.image_width ?? 0, height: m.image_height ?? 0 })}
                  loading="lazy"
                />
              </a>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * The user's form: a new conversation (subject + text + screenshot) or a follow-up (text and/or screenshot).
 * Multipart, so the CSRF token rides in the URL as on the other upload forms.
 */
export function UserMessageForm({
  ctx,
  action,
  withSubject,
  draft,
}: {
  ctx: PageContext;
  action: string;
  withSubject: boolean;
  draft?: { subject?: string | undefined; body?: string | undefined } | undefined;
}) {
  const url = `${action}?_csrf=${encodeURIComponent(ctx.csrfToken ?? '')}`;
  return (
    <form class="form support-form" method="post" action={url} enctype="multipart/form-data">
      {withSubject && (
        <div class="field">
          <label for="support-subject">{t('support.subject')}</label>
          <input
            id="support-subject"
            name="subject"
            required
            maxLength={SUBJECT_MAX}
            value={draft?.subject ?? ''}
            placeholder={t('support.subjectHint', { max: SUBJECT_MAX })}
          />
        </div>
      )}
      <div class="field">
        <label for="support-body">{withSubject ? t('support.body') : t('support.replyLabel')}</label>
        <textarea
          id="support-body"
          name="body"
          rows={withSubject ? 6 : 3}
          required={withSubject}
          maxLength={BODY_MAX}
          placeholder={t('support.bodyHint', { max: BODY_MAX })}
        >
          {draft?.body ?? ''}
        </textarea>
      </div>
      <div class="field">
        <label for="support-screenshot">{t('support.screenshot', { max: formatBytes(SCREENSHOT_MAX_BYTES) })}</label>
        <input
          id="support-screenshot"
          name="screenshot"
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
        />
      </div>
      <button type="submit" class="button button--primary">
        {t('support.send')}
      </button>
    </form>
  );
}

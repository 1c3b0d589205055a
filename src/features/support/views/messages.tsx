import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatBytes, formatDateTime } from '../../../web/format.ts';
import { FileField, Form, Submit, TextAreaField, TextField } from '../../../web/views/form.tsx';
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

/** The user's forms: a new conversation (fields `support-subject`, …) and a follow-up (`support-reply-body`, …). */
export const SUPPORT_FORM = 'support';
export const SUPPORT_REPLY_FORM = 'support-reply';

/**
 * The user's form: a new conversation (subject + text + screenshot) or a follow-up (text and/or screenshot).
 * Multipart, with the CSRF token as its first field; `state` is the refused last submit (the screenshot must be
 * chosen again).
 */
export function UserMessageForm({
  ctx,
  action,
  withSubject,
  state,
}: {
  ctx: PageContext;
  action: string;
  withSubject: boolean;
  state?: FormState | undefined;
}) {
  const f = withSubject ? SUPPORT_FORM : SUPPORT_REPLY_FORM;
  return (
    <Form id={f} action={action} csrf={ctx.csrfToken} state={state} multipart class="form support-form">
      {withSubject && (
        <TextField
          form={f}
          name="subject"
          label={t('support.subject')}
          state={state}
          required
          maxLength={SUBJECT_MAX}
          placeholder={t('support.subjectHint', { max: SUBJECT_MAX })}
        />
      )}
      <TextAreaField
        form={f}
        name="body"
        label={withSubject ? t('support.body') : t('support.replyLabel')}
        state={state}
        rows={withSubject ? 6 : 3}
        required={withSubject}
        maxLength={BODY_MAX}
        placeholder={t('support.bodyHint', { max: BODY_MAX })}
      />
      <FileField
        form={f}
        name="screenshot"
        label={t('support.screenshot', { max: formatBytes(SCREENSHOT_MAX_BYTES) })}
        state={state}
        accept="image/png,image/jpeg,image/webp,image/gif"
      />
      <Submit label={t('support.send')} />
    </Form>
  );
}

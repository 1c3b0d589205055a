import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Form, RefusalNotice, Submit, TextField } from '../../../web/views/form.tsx';
import { AuthCard, CodeField, NewPasswordFields, Notice } from './form-parts.tsx';

/** The account's contact as the security pages show it. */
export interface ContactView {
  readonly channel: 'email' | 'sms';
  readonly identifier: string;
  readonly verifiedAt: number | null;
  /** The site can send on this channel. */
  readonly ready: boolean;
}

const channelName = (c: ContactView['channel']) => t(c === 'email' ? 'account.channel.email' : 'account.channel.phone');

/** 账号安全: the login, whether it is verified, and the ways to change password, verify, and 实名认证. */
export function SecurityPage({ ctx, contact }: { ctx: PageContext; contact: ContactView }) {
  const channel = channelName(contact.channel);
  return (
    <AuthCard ctx={ctx} title={t('security.title')}>
      <p>{t('security.login', { identifier: contact.identifier })}</p>
      <p>
        {contact.verifiedAt !== null
          ? t('security.contactVerified', { channel, date: formatDateTime(contact.verifiedAt) })
          : t('security.contactUnverified', { channel })}
      </p>
      <ul class="link-list">
        <li>
          <a href="/settings/password">{t('security.changePassword')}</a>
        </li>
        <li>
          <a href="/settings/verify">{t('security.verifyContact')}</a>
        </li>
        <li>
          <a href="/account/verification">{t('security.realName')}</a>
        </li>
        <li>
          <a href="/settings/profile">{t('security.profile')}</a>
        </li>
        <li>
          <a href="/settings/tokens">{t('security.apiTokens')}</a>
        </li>
      </ul>
    </AuthCard>
  );
}

/** The id of the 修改密码 form. */
export const PASSWORD_CHANGE_FORM = 'password-change';

/** 修改密码 (form `password-change`): a refusal puts its sentence beside the old or the new password. */
export function ChangePasswordPage({ ctx, state }: { ctx: PageContext; state?: FormState | undefined }) {
  const form = PASSWORD_CHANGE_FORM;
  return (
    <AuthCard ctx={ctx} title={t('password.change.title')}>
      <Form id={form} action="/settings/password" csrf={ctx.csrfToken} state={state}>
        <TextField
          form={form}
          name="oldPassword"
          label={t('password.change.old')}
          state={state}
          type="password"
          required
          autoComplete="current-password"
        />
        <NewPasswordFields form={form} state={state} />
        <Submit label={t('password.change.submit')} />
      </Form>
      <p>
        <a href="/password/forgot">{t('password.forgotLink')}</a>
      </p>
    </AuthCard>
  );
}

/** The ids of the verification forms: the SMS code, the send (or resend) button, the emailed link's button. */
export const CONTACT_CODE_FORM = 'contact-code';
export const CONTACT_SEND_FORM = 'contact-send';
export const VERIFY_EMAIL_FORM = 'verify-email';

/**
 * 验证邮箱/手机: already verified; or unavailable (and how the operator enables it); or the send button — and after
 * a send, what was sent and, for a phone, the code form (`contact-code`: a wrong code is the sentence beside it).
 */
export function VerifyContactPage(props: {
  ctx: PageContext;
  contact: ContactView;
  unavailable?: string | undefined;
  sent?: boolean;
  state?: FormState | undefined;
}) {
  const { ctx, contact, unavailable, sent, state } = props;
  const channel = channelName(contact.channel);
  const to = contact.identifier;
  const email = contact.channel === 'email';
  const open = contact.verifiedAt === null && !unavailable;
  const codeForm = open && !email && sent;
  const shown = open ? (codeForm ? [CONTACT_CODE_FORM, CONTACT_SEND_FORM] : [CONTACT_SEND_FORM]) : [];
  return (
    <AuthCard ctx={ctx} title={t('account.verify.title')}>
      <RefusalNotice state={state} shown={shown} />
      {contact.verifiedAt !== null ? (
        <Notice text={t('account.verify.already', { channel, to })} />
      ) : unavailable ? (
        <Notice text={unavailable} warn />
      ) : (
        <>
          <p class="muted">{t('account.verify.why')}</p>
          {sent ? (
            <Notice text={t(email ? 'account.verify.sentEmail' : 'account.verify.sentSms', { to })} />
          ) : (
            <p>{t(email ? 'account.verify.introEmail' : 'account.verify.introPhone', { to })}</p>
          )}
          {codeForm && (
            <Form id={CONTACT_CODE_FORM} action="/settings/verify/code" csrf={ctx.csrfToken} state={state}>
              <CodeField form={CONTACT_CODE_FORM} state={state} />
              <Submit label={t('account.verify.submitCode')} />
            </Form>
          )}
          <Form id={CONTACT_SEND_FORM} action="/settings/verify/send" csrf={ctx.csrfToken} state={state}>
            <Submit
              kind={sent ? 'plain' : 'primary'}
              label={
                sent ? t('account.verify.resend') : t(email ? 'account.verify.sendEmail' : 'account.verify.sendSms')
              }
            />
          </Form>
        </>
      )}
      <p>
        <a href="/settings/security">{t('security.title')}</a>
      </p>
    </AuthCard>
  );
}

/** 确认验证邮箱 from the emailed link: a button posting the token (form `verify-email`); a dead link says why. */
export function ConfirmEmailPage(props: { ctx: PageContext; token: string; to?: string; state?: FormState }) {
  const { ctx, token, to, state } = props;
  return (
    <AuthCard ctx={ctx} title={t('account.verify.confirmTitle')}>
      <RefusalNotice state={state} shown={[]} />
      {to !== undefined && !state ? (
        <Form id={VERIFY_EMAIL_FORM} action="/verify/email" csrf={ctx.csrfToken}>
          <input type="hidden" name="token" value={token} />
          <p>{t('account.verify.confirmText', { to })}</p>
          <Submit label={t('account.verify.confirmButton')} />
        </Form>
      ) : (
        <p>
          <a href="/settings/verify">{t('security.verifyContact')}</a>
        </p>
      )}
    </AuthCard>
  );
}

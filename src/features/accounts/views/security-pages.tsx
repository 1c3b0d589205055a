import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { CodeField, Csrf, FormError, NewPasswordFields, Notice } from './form-parts.tsx';

const noindex = <meta name="robots" content="noindex" />;

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
    <Layout ctx={ctx} title={t('security.title')} head={noindex}>
      <section class="card auth">
        <h1>{t('security.title')}</h1>
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
      </section>
    </Layout>
  );
}

/** 修改密码. */
export function ChangePasswordPage({ ctx, error }: { ctx: PageContext; error?: string | undefined }) {
  return (
    <Layout ctx={ctx} title={t('password.change.title')} head={noindex}>
      <section class="card auth">
        <h1>{t('password.change.title')}</h1>
        <FormError error={error} />
        <form class="form" method="post" action="/settings/password">
          <Csrf token={ctx.csrfToken} />
          <div class="field">
            <label for="oldPassword">{t('password.change.old')}</label>
            <input id="oldPassword" name="oldPassword" type="password" required autoComplete="current-password" />
          </div>
          <NewPasswordFields />
          <button type="submit" class="button button--primary">
            {t('password.change.submit')}
          </button>
        </form>
        <p>
          <a href="/password/forgot">{t('password.forgotLink')}</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * 验证邮箱/手机: already verified; or unavailable (and how the operator enables it); or the send button — and after
 * a send, what was sent and, for a phone, the code form.
 */
export function VerifyContactPage(props: {
  ctx: PageContext;
  contact: ContactView;
  unavailable?: string | undefined;
  sent?: boolean;
  error?: string | undefined;
}) {
  const { ctx, contact, unavailable, sent, error } = props;
  const channel = channelName(contact.channel);
  const to = contact.identifier;
  const email = contact.channel === 'email';
  return (
    <Layout ctx={ctx} title={t('account.verify.title')} head={noindex}>
      <section class="card auth">
        <h1>{t('account.verify.title')}</h1>
        <FormError error={error} />
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
            {!email && sent && (
              <form class="form" method="post" action="/settings/verify/code">
                <Csrf token={ctx.csrfToken} />
                <CodeField />
                <button type="submit" class="button button--primary">
                  {t('account.verify.submitCode')}
                </button>
              </form>
            )}
            <form class="form" method="post" action="/settings/verify/send">
              <Csrf token={ctx.csrfToken} />
              <button type="submit" class={sent ? 'button' : 'button button--primary'}>
                {sent ? t('account.verify.resend') : t(email ? 'account.verify.sendEmail' : 'account.verify.sendSms')}
              </button>
            </form>
          </>
        )}
        <p>
          <a href="/settings/security">{t('security.title')}</a>
        </p>
      </section>
    </Layout>
  );
}

/** 确认验证邮箱 from the emailed link: a button posting the token; a dead link says why. */
export function ConfirmEmailPage(props: { ctx: PageContext; token: string; to?: string; error?: string }) {
  const { ctx, token, to, error } = props;
  return (
    <Layout ctx={ctx} title={t('account.verify.confirmTitle')} head={noindex}>
      <section class="card auth">
        <h1>{t('account.verify.confirmTitle')}</h1>
        <FormError error={error} />
        {to !== undefined && !error ? (
          <form class="form" method="post" action="/verify/email">
            <Csrf token={ctx.csrfToken} />
            <input type="hidden" name="token" value={token} />
            <p>{t('account.verify.confirmText', { to })}</p>
            <button type="submit" class="button button--primary">
              {t('account.verify.confirmButton')}
            </button>
          </form>
        ) : (
          <p>
            <a href="/settings/verify">{t('security.verifyContact')}</a>
          </p>
        )}
      </section>
    </Layout>
  );
}

import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { CodeField, Csrf, FormError, NewPasswordFields, Notice } from './form-parts.tsx';

const noindex = <meta name="robots" content="noindex" />;

/** 找回密码: the identifier form, with a plain word on every channel the site cannot send on. */
export function ForgotPage(props: {
  ctx: PageContext;
  notes: readonly string[];
  identifier?: string | undefined;
  error?: string | undefined;
}) {
  const { ctx, notes, identifier, error } = props;
  return (
    <Layout ctx={ctx} title={t('password.forgot.title')} head={noindex}>
      <section class="card auth">
        <h1>{t('password.forgot.title')}</h1>
        {notes.map((n) => (
          <Notice key={n} text={n} warn />
        ))}
        <p class="muted">{t('password.forgot.intro')}</p>
        <FormError error={error} />
        <form class="form" method="post" action="/password/forgot">
          <Csrf token={ctx.csrfToken} />
          <div class="field">
            <label for="identifier">{t('auth.identifier')}</label>
            <input id="identifier" name="identifier" required autoComplete="username" value={identifier ?? ''} />
          </div>
          <button type="submit" class="button button--primary">
            {t('password.forgot.submit')}
          </button>
        </form>
        <p>
          <a href="/login">{t('auth.haveAccount')}</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * The answer to a reset request: the same page whether or not the account exists. For a phone it carries the code
 * and new-password form (also shown again, with the error, after a wrong code).
 */
export function ForgotSentPage(props: {
  ctx: PageContext;
  channel: 'email' | 'sms';
  to: string;
  error?: string | undefined;
}) {
  const { ctx, channel, to, error } = props;
  return (
    <Layout ctx={ctx} title={t('password.forgot.sentTitle')} head={noindex}>
      <section class="card auth">
        <h1>{t(channel === 'email' ? 'password.forgot.sentTitle' : 'password.reset.title')}</h1>
        <Notice text={t(channel === 'email' ? 'password.forgot.sentEmail' : 'password.forgot.sentSms', { to })} />
        <FormError error={error} />
        {channel === 'sms' && (
          <form class="form" method="post" action="/password/reset">
            <Csrf token={ctx.csrfToken} />
            <input type="hidden" name="identifier" value={to} />
            <CodeField />
            <NewPasswordFields />
            <button type="submit" class="button button--primary">
              {t('password.reset.submit')}
            </button>
          </form>
        )}
        <p>
          <a href="/password/forgot">{t('password.forgot.again')}</a>
        </p>
      </section>
    </Layout>
  );
}

/** 设置新密码 from the emailed link; a dead link shows why and the way to ask again. */
export function ResetPage(props: { ctx: PageContext; token: string; error?: string | undefined; dead?: boolean }) {
  const { ctx, token, error, dead } = props;
  return (
    <Layout ctx={ctx} title={t('password.reset.title')} head={noindex}>
      <section class="card auth">
        <h1>{t('password.reset.title')}</h1>
        <FormError error={error} />
        {dead ? (
          <p>
            <a class="button" href="/password/forgot">
              {t('password.forgot.again')}
            </a>
          </p>
        ) : (
          <form class="form" method="post" action="/password/reset">
            <Csrf token={ctx.csrfToken} />
            <input type="hidden" name="token" value={token} />
            <NewPasswordFields />
            <button type="submit" class="button button--primary">
              {t('password.reset.submit')}
            </button>
          </form>
        )}
      </section>
    </Layout>
  );
}

import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { CodeField, Csrf, FormError, Notice } from './form-parts.tsx';

/** Form values echoed back after a failed submit (never the password). */
export interface AuthFormState {
  identifier?: string;
  displayName?: string;
  error?: string;
  next?: string;
  /** Plain sentences about channels the site cannot verify (register page). */
  notes?: readonly string[];
}

/** 登录 */
export function LoginPage({ ctx, state }: { ctx: PageContext; state: AuthFormState }) {
  return (
    <Layout ctx={ctx} title={t('auth.loginTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card auth">
        <h1>{t('auth.loginTitle')}</h1>
        <FormError error={state.error} />
        <form class="form" method="post" action="/login">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <input type="hidden" name="next" value={state.next ?? '/'} />
          <div class="field">
            <label for="identifier">{t('auth.identifier')}</label>
            <input id="identifier" name="identifier" required autoComplete="username" value={state.identifier ?? ''} />
          </div>
          <div class="field">
            <label for="password">{t('auth.password')}</label>
            <input id="password" name="password" type="password" required autoComplete="current-password" />
          </div>
          <button type="submit" class="button button--primary">
            {t('auth.submitLogin')}
          </button>
        </form>
        <p>
          <a href="/password/forgot">{t('password.forgotLink')}</a>
        </p>
        <p>
          <a href={`/register?next=${encodeURIComponent(state.next ?? '/')}`}>{t('auth.noAccount')}</a>
        </p>
      </section>
    </Layout>
  );
}

/** 注册 */
export function RegisterPage({ ctx, state }: { ctx: PageContext; state: AuthFormState }) {
  return (
    <Layout ctx={ctx} title={t('auth.registerTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card auth">
        <h1>{t('auth.registerTitle')}</h1>
        {state.notes?.map((n) => (
          <Notice key={n} text={n} warn />
        ))}
        <FormError error={state.error} />
        <form class="form" method="post" action="/register">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <input type="hidden" name="next" value={state.next ?? '/'} />
          <div class="field">
            <label for="identifier">{t('auth.identifier')}</label>
            <input id="identifier" name="identifier" required autoComplete="username" value={state.identifier ?? ''} />
          </div>
          <div class="field">
            <label for="displayName">{t('auth.displayName')}</label>
            <input
              id="displayName"
              name="displayName"
              required
              minLength={2}
              maxLength={20}
              value={state.displayName ?? ''}
            />
          </div>
          <div class="field">
            <label for="password">{t('auth.password')}</label>
            <input
              id="password"
              name="password"
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
              aria-describedby="password-rules"
            />
            <p class="field__hint" id="password-rules">
              {t('password.rules')}
            </p>
          </div>
          <div class="field">
            <label for="passwordConfirm">{t('auth.passwordConfirm')}</label>
            <input
              id="passwordConfirm"
              name="passwordConfirm"
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
            />
          </div>
          <button type="submit" class="button button--primary">
            {t('auth.submitRegister')}
          </button>
        </form>
        <p>
          <a href={`/login?next=${encodeURIComponent(state.next ?? '/')}`}>{t('auth.haveAccount')}</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * 请完成验证: the answer to a registration when the site can send — the same page whether or not the identifier is
 * taken. For a phone it carries the code form; for an email the link in the mail finishes the registration.
 */
export function RegisterSentPage(props: {
  ctx: PageContext;
  channel: 'email' | 'sms';
  to: string;
  next: string;
  error?: string | undefined;
}) {
  const { ctx, channel, to, next, error } = props;
  return (
    <Layout ctx={ctx} title={t('account.register.sentTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card auth">
        <h1>{t('account.register.sentTitle')}</h1>
        <Notice text={t(channel === 'email' ? 'account.register.sentEmail' : 'account.register.sentSms', { to })} />
        <FormError error={error} />
        {channel === 'sms' && (
          <form class="form" method="post" action="/register/confirm">
            <Csrf token={ctx.csrfToken} />
            <input type="hidden" name="identifier" value={to} />
            <input type="hidden" name="next" value={next} />
            <CodeField />
            <button type="submit" class="button button--primary">
              {t('account.register.confirmButton')}
            </button>
          </form>
        )}
        <p>
          <a href={`/register?next=${encodeURIComponent(next)}`}>{t('account.register.retry')}</a>
        </p>
      </section>
    </Layout>
  );
}

/** 完成注册 from the emailed link: a button that posts the token (opening a link never changes anything). */
export function RegisterConfirmPage(props: { ctx: PageContext; token: string; to?: string; error?: string }) {
  const { ctx, token, to, error } = props;
  return (
    <Layout ctx={ctx} title={t('account.register.confirmTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card auth">
        <h1>{t('account.register.confirmTitle')}</h1>
        <FormError error={error} />
        {to !== undefined && !error ? (
          <form class="form" method="post" action="/register/confirm">
            <Csrf token={ctx.csrfToken} />
            <input type="hidden" name="token" value={token} />
            <p>{t('account.register.confirmText', { to })}</p>
            <button type="submit" class="button button--primary">
              {t('account.register.confirmButton')}
            </button>
          </form>
        ) : (
          <p>
            <a href="/register">{t('account.register.retry')}</a>
          </p>
        )}
      </section>
    </Layout>
  );
}

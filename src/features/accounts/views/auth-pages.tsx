import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';

/** Form values echoed back after a failed submit (never the password). */
export interface AuthFormState {
  identifier?: string;
  displayName?: string;
  error?: string;
  next?: string;
}

function FormError({ error }: { error?: string | undefined }) {
  return error ? (
    <p class="form__errors" role="alert">
      {error}
    </p>
  ) : null;
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
            <input id="password" name="password" type="password" required minLength={8} autoComplete="new-password" />
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

import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Form, RefusalNotice, Submit, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { CodeField, Notice } from './form-parts.tsx';

/** The ids of the registration's confirmation forms: the SMS code, and the emailed link's button. */
export const REGISTER_CODE_FORM = 'register-code';
export const REGISTER_LINK_FORM = 'register-confirm';

/** What the login and register pages show: where to go next, notes about channels, and a refused submit. */
export interface AuthFormState {
  next?: string;
  /** Plain sentences about channels the site cannot verify (register page). */
  notes?: readonly string[];
  /** The refused submit (web/form-state.ts): the sentence, beside its field when it names one, and what was typed. */
  form?: FormState;
}

/** 登录 (form `login`): a refusal never says which of the two was wrong, so its sentence stays in the summary. */
export function LoginPage({ ctx, state }: { ctx: PageContext; state: AuthFormState }) {
  const form = 'login';
  return (
    <Layout ctx={ctx} title={t('auth.loginTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card auth">
        <h1>{t('auth.loginTitle')}</h1>
        <Form id={form} action="/login" csrf={ctx.csrfToken} state={state.form}>
          <input type="hidden" name="next" value={state.next ?? '/'} />
          <TextField
            form={form}
            name="identifier"
            label={t('auth.identifier')}
            state={state.form}
            required
            autoComplete="username"
          />
          <TextField
            form={form}
            name="password"
            label={t('auth.password')}
            state={state.form}
            type="password"
            required
            autoComplete="current-password"
          />
          <Submit label={t('auth.submitLogin')} />
        </Form>
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

/** 注册 (form `register`) */
export function RegisterPage({ ctx, state }: { ctx: PageContext; state: AuthFormState }) {
  const form = 'register';
  return (
    <Layout ctx={ctx} title={t('auth.registerTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card auth">
        <h1>{t('auth.registerTitle')}</h1>
        {state.notes?.map((n) => (
          <Notice key={n} text={n} warn />
        ))}
        <Form id={form} action="/register" csrf={ctx.csrfToken} state={state.form}>
          <input type="hidden" name="next" value={state.next ?? '/'} />
          <TextField
            form={form}
            name="identifier"
            label={t('auth.identifier')}
            state={state.form}
            required
            autoComplete="username"
          />
          <TextField
            form={form}
            name="displayName"
            label={t('auth.displayName')}
            state={state.form}
            required
            minLength={2}
            maxLength={20}
          />
          <TextField
            form={form}
            name="password"
            label={t('auth.password')}
            hint={t('password.rules')}
            state={state.form}
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
          />
          <TextField
            form={form}
            name="passwordConfirm"
            label={t('auth.passwordConfirm')}
            state={state.form}
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
          />
          <Submit label={t('auth.submitRegister')} />
        </Form>
        <p>
          <a href={`/login?next=${encodeURIComponent(state.next ?? '/')}`}>{t('auth.haveAccount')}</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * 请完成验证: the answer to a registration when the site can send — the same page whether or not the identifier is
 * taken. For a phone it carries the code form (`register-code`: a wrong code is the sentence beside it); for an email
 * the link in the mail finishes the registration.
 */
export function RegisterSentPage(props: {
  ctx: PageContext;
  channel: 'email' | 'sms';
  to: string;
  next: string;
  state?: FormState | undefined;
}) {
  const { ctx, channel, to, next, state } = props;
  const form = REGISTER_CODE_FORM;
  return (
    <Layout ctx={ctx} title={t('account.register.sentTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card auth">
        <h1>{t('account.register.sentTitle')}</h1>
        <Notice text={t(channel === 'email' ? 'account.register.sentEmail' : 'account.register.sentSms', { to })} />
        <RefusalNotice state={state} shown={channel === 'sms' ? [form] : []} />
        {channel === 'sms' && (
          <Form id={form} action="/register/confirm" csrf={ctx.csrfToken} state={state}>
            <input type="hidden" name="identifier" value={to} />
            <input type="hidden" name="next" value={next} />
            <CodeField form={form} state={state} />
            <Submit label={t('account.register.confirmButton')} />
          </Form>
        )}
        <p>
          <a href={`/register?next=${encodeURIComponent(next)}`}>{t('account.register.retry')}</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * 完成注册 from the emailed link: a button that posts the token (form `register-confirm`; opening a link never
 * changes anything). A dead link is the sentence alone and the way to register again.
 */
export function RegisterConfirmPage(props: {
  ctx: PageContext;
  token: string;
  to?: string;
  state?: FormState | undefined;
}) {
  const { ctx, token, to, state } = props;
  const form = REGISTER_LINK_FORM;
  const live = to !== undefined && !state;
  return (
    <Layout ctx={ctx} title={t('account.register.confirmTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card auth">
        <h1>{t('account.register.confirmTitle')}</h1>
        <RefusalNotice state={state} shown={[]} />
        {live ? (
          <Form id={form} action="/register/confirm" csrf={ctx.csrfToken}>
            <input type="hidden" name="token" value={token} />
            <p>{t('account.register.confirmText', { to })}</p>
            <Submit label={t('account.register.confirmButton')} />
          </Form>
        ) : (
          <p>
            <a href="/register">{t('account.register.retry')}</a>
          </p>
        )}
      </section>
    </Layout>
  );
}

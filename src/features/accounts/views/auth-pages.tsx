import type { ComponentChildren } from 'preact';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Form, RefusalNotice, Submit, TextField } from '../../../web/views/form.tsx';
import { AuthCard, CodeField, NewPasswordFields, Notice } from './form-parts.tsx';

/** The ids of the registration's confirmation forms: the SMS code, and the emailed link's button. */
export const REGISTER_CODE_FORM = 'register-code';
export const REGISTER_LINK_FORM = 'register-confirm';

/** The register form's password pair: 密码 and 确认密码. */
const REGISTER_PASSWORD_LABELS = { password: 'auth.password', confirm: 'auth.passwordConfirm' } as const;

/** `path` with where to go after it as `?next=`. */
const withNext = (path: string, next: string) => `${path}?next=${encodeURIComponent(next)}`;

/**
 * The 登录 and 注册 form (form `login` posts to /login, `register` to /register): where to go next, the identifier,
 * the page's own fields, the button.
 */
function IdentifierForm(props: {
  ctx: PageContext;
  form: 'login' | 'register';
  state: AuthFormState;
  submit: string;
  children: ComponentChildren;
}) {
  const { form, state } = props;
  return (
    <Form id={form} action={`/${form}`} csrf={props.ctx.csrfToken} state={state.form}>
      <input type="hidden" name="next" value={state.next ?? '/'} />
      <TextField
        form={form}
        name="identifier"
        label={t('auth.identifier')}
        state={state.form}
        required
        autoComplete="username"
      />
      {props.children}
      <Submit label={props.submit} />
    </Form>
  );
}

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
    <AuthCard ctx={ctx} title={t('auth.loginTitle')}>
      <IdentifierForm ctx={ctx} form={form} state={state} submit={t('auth.submitLogin')}>
        <TextField
          form={form}
          name="password"
          label={t('auth.password')}
          state={state.form}
          type="password"
          required
          autoComplete="current-password"
        />
      </IdentifierForm>
      <p>
        <a href="/password/forgot">{t('password.forgotLink')}</a>
      </p>
      <p>
        <a href={withNext('/register', state.next ?? '/')}>{t('auth.noAccount')}</a>
      </p>
    </AuthCard>
  );
}

/** 注册 (form `register`) */
export function RegisterPage({ ctx, state }: { ctx: PageContext; state: AuthFormState }) {
  const form = 'register';
  return (
    <AuthCard ctx={ctx} title={t('auth.registerTitle')}>
      {state.notes?.map((n) => (
        <Notice key={n} text={n} warn />
      ))}
      <IdentifierForm ctx={ctx} form={form} state={state} submit={t('auth.submitRegister')}>
        <TextField
          form={form}
          name="displayName"
          label={t('auth.displayName')}
          state={state.form}
          required
          minLength={2}
          maxLength={20}
        />
        <NewPasswordFields form={form} state={state.form} labels={REGISTER_PASSWORD_LABELS} maxLength={null} />
      </IdentifierForm>
      <p>
        <a href={withNext('/login', state.next ?? '/')}>{t('auth.haveAccount')}</a>
      </p>
    </AuthCard>
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
    <AuthCard ctx={ctx} title={t('account.register.sentTitle')}>
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
        <a href={withNext('/register', next)}>{t('account.register.retry')}</a>
      </p>
    </AuthCard>
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
    <AuthCard ctx={ctx} title={t('account.register.confirmTitle')}>
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
    </AuthCard>
  );
}

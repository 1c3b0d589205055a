import type { ComponentChildren } from 'preact';
import { type MessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';

/**
 * An account page (登录, 注册, 找回密码, 账号安全…): kept out of search engines, in the narrow auth card, with the
 * title as its heading unless the page gives another one.
 */
export function AuthCard(props: { ctx: PageContext; title: string; heading?: string; children: ComponentChildren }) {
  return (
    <Layout ctx={props.ctx} title={props.title} head={<meta name="robots" content="noindex" />}>
      <section class="card auth">
        <h1>{props.heading ?? props.title}</h1>
        {props.children}
      </section>
    </Layout>
  );
}

/** A plain notice: what was sent, what is unavailable (`warn` in the amber of pending states). */
export function Notice({ text, warn }: { text: string; warn?: boolean }) {
  return (
    <p class={warn ? 'status-notice status-notice--review' : 'status-notice'} role="status">
      {text}
    </p>
  );
}

/** The labels of a new password and its confirmation: 新密码 and 确认新密码 (registration's are 密码 and 确认密码). */
interface PasswordLabels {
  readonly password: MessageKey;
  readonly confirm: MessageKey;
}
const NEW_PASSWORD_LABELS: PasswordLabels = { password: 'password.reset.new', confirm: 'password.reset.confirm' };

/**
 * New password and its confirmation in form `form`, with the rules spelled out (never written back). The register
 * form gives its own labels and no `maxlength` (`maxLength` null), as it always had.
 */
export function NewPasswordFields({
  form,
  state,
  labels = NEW_PASSWORD_LABELS,
  maxLength = 128,
}: {
  form: string;
  state?: FormState | undefined;
  labels?: PasswordLabels;
  maxLength?: number | null;
}) {
  const both = {
    form,
    state,
    type: 'password',
    required: true,
    minLength: 8,
    maxLength: maxLength ?? undefined,
    autoComplete: 'new-password',
  } as const;
  return (
    <>
      <TextField {...both} name="password" label={t(labels.password)} hint={t('password.rules')} />
      <TextField {...both} name="passwordConfirm" label={t(labels.confirm)} />
    </>
  );
}

/**
 * The 6-digit code field of form `form` (numeric keyboard on phones, one-time-code autofill). A code is never
 * written back: the state's values reach it without one (`withoutCode`).
 */
export function CodeField({ form, state }: { form: string; state?: FormState | undefined }) {
  return (
    <TextField
      form={form}
      name="code"
      label={t('account.verify.code')}
      state={state && withoutCode(state)}
      required
      inputMode="numeric"
      pattern="[0-9]{6}"
      maxLength={6}
      autoComplete="one-time-code"
    />
  );
}

/** A refused form's state without the code typed (a one-time secret, like a password, is typed again). */
export function withoutCode(state: FormState): FormState {
  const { code: _code, ...values } = state.values;
  return { ...state, values };
}

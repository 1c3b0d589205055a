import { t } from '../../../i18n/t.ts';
import type { FormState } from '../../../web/form-state.ts';
import { TextField } from '../../../web/views/form.tsx';

/** A plain notice: what was sent, what is unavailable (`warn` in the amber of pending states). */
export function Notice({ text, warn }: { text: string; warn?: boolean }) {
  return (
    <p class={warn ? 'status-notice status-notice--review' : 'status-notice'} role="status">
      {text}
    </p>
  );
}

/** New password and its confirmation in form `form`, with the rules spelled out (never written back). */
export function NewPasswordFields({ form, state }: { form: string; state?: FormState | undefined }) {
  return (
    <>
      <TextField
        form={form}
        name="password"
        label={t('password.reset.new')}
        hint={t('password.rules')}
        state={state}
        type="password"
        required
        minLength={8}
        maxLength={128}
        autoComplete="new-password"
      />
      <TextField
        form={form}
        name="passwordConfirm"
        label={t('password.reset.confirm')}
        state={state}
        type="password"
        required
        minLength={8}
        maxLength={128}
        autoComplete="new-password"
      />
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

import { t } from '../../../i18n/t.ts';

/** A form's error line (role=alert so screen readers announce it). */
export function FormError({ error }: { error?: string | undefined }) {
  return error ? (
    <p class="form__errors" role="alert">
      {error}
    </p>
  ) : null;
}

/** A plain notice: what was sent, what is unavailable (`warn` in the amber of pending states). */
export function Notice({ text, warn }: { text: string; warn?: boolean }) {
  return (
    <p class={warn ? 'status-notice status-notice--review' : 'status-notice'} role="status">
      {text}
    </p>
  );
}

/** The CSRF field every form posts. */
export function Csrf({ token }: { token: string | undefined }) {
  return <input type="hidden" name="_csrf" value={token ?? ''} />;
}

/** New password and its confirmation, with the rules spelled out. */
export function NewPasswordFields() {
  return (
    <>
      <div class="field">
        <label for="password">{t('password.reset.new')}</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          minLength={8}
          maxLength={128}
          autoComplete="new-password"
          aria-describedby="password-rules"
        />
        <p class="field__hint" id="password-rules">
          {t('password.rules')}
        </p>
      </div>
      <div class="field">
        <label for="passwordConfirm">{t('password.reset.confirm')}</label>
        <input
          id="passwordConfirm"
          name="passwordConfirm"
          type="password"
          required
          minLength={8}
          maxLength={128}
          autoComplete="new-password"
        />
      </div>
    </>
  );
}

/** The 6-digit code field (numeric keyboard on phones, one-time-code autofill). */
export function CodeField() {
  return (
    <div class="field">
      <label for="code">{t('account.verify.code')}</label>
      <input
        id="code"
        name="code"
        required
        inputMode="numeric"
        pattern="[0-9]{6}"
        maxLength={6}
        autoComplete="one-time-code"
      />
    </div>
  );
}

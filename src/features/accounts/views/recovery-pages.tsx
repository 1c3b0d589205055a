import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Form, RefusalNotice, Submit, TextField } from '../../../web/views/form.tsx';
import { AuthCard, CodeField, NewPasswordFields, Notice } from './form-parts.tsx';

/** The ids of the recovery forms: the identifier, the emailed link's new password, the SMS code's new password. */
export const FORGOT_FORM = 'password-forgot';
export const RESET_LINK_FORM = 'password-reset';
export const RESET_CODE_FORM = 'password-reset-code';

/** 找回密码 (form `password-forgot`): a plain word on every channel the site cannot send on; the identifier kept. */
export function ForgotPage(props: { ctx: PageContext; notes: readonly string[]; state?: FormState | undefined }) {
  const { ctx, notes, state } = props;
  const form = FORGOT_FORM;
  return (
    <AuthCard ctx={ctx} title={t('password.forgot.title')}>
      {notes.map((n) => (
        <Notice key={n} text={n} warn />
      ))}
      <p class="muted">{t('password.forgot.intro')}</p>
      <Form id={form} action="/password/forgot" csrf={ctx.csrfToken} state={state}>
        <TextField
          form={form}
          name="identifier"
          label={t('auth.identifier')}
          state={state}
          required
          autoComplete="username"
        />
        <Submit label={t('password.forgot.submit')} />
      </Form>
      <p>
        <a href="/login">{t('auth.haveAccount')}</a>
      </p>
    </AuthCard>
  );
}

/**
 * The answer to a reset request: the same page whether or not the account exists. For a phone it carries the code
 * and new-password form (`password-reset-code`, also shown again after a wrong code, the sentence beside it).
 */
export function ForgotSentPage(props: {
  ctx: PageContext;
  channel: 'email' | 'sms';
  to: string;
  state?: FormState | undefined;
}) {
  const { ctx, channel, to, state } = props;
  const form = RESET_CODE_FORM;
  return (
    <AuthCard
      ctx={ctx}
      title={t('password.forgot.sentTitle')}
      heading={t(channel === 'email' ? 'password.forgot.sentTitle' : 'password.reset.title')}
    >
      <Notice text={t(channel === 'email' ? 'password.forgot.sentEmail' : 'password.forgot.sentSms', { to })} />
      {channel === 'sms' && (
        <Form id={form} action="/password/reset" csrf={ctx.csrfToken} state={state}>
          <input type="hidden" name="identifier" value={to} />
          <CodeField form={form} state={state} />
          <NewPasswordFields form={form} state={state} />
          <Submit label={t('password.reset.submit')} />
        </Form>
      )}
      <p>
        <a href="/password/forgot">{t('password.forgot.again')}</a>
      </p>
    </AuthCard>
  );
}

/**
 * 设置新密码 from the emailed link (form `password-reset`); a dead link shows why (the form is gone) and the way to
 * ask again.
 */
export function ResetPage(props: { ctx: PageContext; token: string; state?: FormState | undefined; dead?: boolean }) {
  const { ctx, token, state, dead } = props;
  const form = RESET_LINK_FORM;
  return (
    <AuthCard ctx={ctx} title={t('password.reset.title')}>
      <RefusalNotice state={state} shown={dead ? [] : [form]} />
      {dead ? (
        <p>
          <a class="button" href="/password/forgot">
            {t('password.forgot.again')}
          </a>
        </p>
      ) : (
        <Form id={form} action="/password/reset" csrf={ctx.csrfToken} state={state}>
          <input type="hidden" name="token" value={token} />
          <NewPasswordFields form={form} state={state} />
          <Submit label={t('password.reset.submit')} />
        </Form>
      )}
    </AuthCard>
  );
}

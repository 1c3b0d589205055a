import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatBytes, formatDateTime } from '../../../web/format.ts';
import { CheckboxField, FileField, Form, Submit, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import type { MaskedVerification } from '../sealed.ts';
import { type getMyVerification, PHOTO_MAX_BYTES } from '../service.ts';

type State = Awaited<ReturnType<typeof getMyVerification>>;

/** The sentence under the status: what happens next, or why it was refused. */
function hint(v: MaskedVerification): string {
  switch (v.status) {
    case 'pending':
      return t('verification.pendingHint');
    case 'approved':
      return t('verification.approvedHint');
    case 'rejected':
      return t('verification.rejectedHint', { reason: v.reason });
    case 'revoked':
      return t('verification.revokedHint', { reason: v.reason });
  }
}

/** The submission form's id (its fields are `verification-legalName`, …). */
export const VERIFICATION_FORM = 'verification';

/**
 * /account/verification: the user's status (masked), and the form when they may submit (never while a submission
 * is pending or once approved). `form` is the refused last post: the name comes back, the number never does (the
 * field asks for it again), and the photo must be chosen again.
 */
export function VerificationPage({
  ctx,
  state,
  form,
}: {
  ctx: PageContext;
  state: State;
  form?: FormState | undefined;
}) {
  const v = state.latest;
  const status = state.verified ? 'approved' : (v?.status ?? 'none');
  const f = VERIFICATION_FORM;
  return (
    <Layout ctx={ctx} title={t('verification.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="verification-title">
        <h1 id="verification-title">{t('verification.title')}</h1>
        <p class="muted">{t('verification.intro')}</p>
        <p>
          <strong data-verification-status={status}>
            {t('verification.status', { status: t(`verification.status.${status}`) })}
          </strong>
        </p>
        {v && (
          <>
            <dl class="verification-summary">
              <dt>{t('verification.name')}</dt>
              <dd>{v.name ?? t('verification.undecryptable')}</dd>
              <dt>{t('verification.number')}</dt>
              <dd>{v.number ?? t('verification.undecryptable')}</dd>
              <dt>{t('verification.photo')}</dt>
              <dd>{v.hasPhoto ? t('verification.photoAttached') : t('verification.photoNone')}</dd>
            </dl>
            <p class="muted">{t('verification.submittedOn', { date: formatDateTime(v.submittedAt) })}</p>
            <p>{hint(v)}</p>
          </>
        )}
      </section>
      {state.canSubmit && (
        <section class="card" aria-labelledby="verification-form-title">
          <h2 id="verification-form-title">
            {v ? t('verification.form.resubmitTitle') : t('verification.form.title')}
          </h2>
          <Form id={f} action="/account/verification" csrf={ctx.csrfToken} state={form} multipart>
            <TextField
              form={f}
              name="legalName"
              label={t('verification.form.name')}
              state={form}
              required
              maxLength={40}
              autoComplete="name"
            />
            <TextField
              form={f}
              name="idNumber"
              label={t('verification.form.number')}
              state={form}
              hint={t('verification.form.numberHint')}
              required
              maxLength={40}
              autoComplete="off"
              spellcheck={false}
            />
            <FileField
              form={f}
              name="photo"
              label={t('verification.form.photo')}
              state={form}
              hint={t('verification.form.photoHint', { max: formatBytes(PHOTO_MAX_BYTES) })}
              accept="image/jpeg,image/png,image/webp"
            />
            <CheckboxField form={f} name="consent" label={t('verification.form.consent')} state={form} required />
            <Submit label={t('verification.form.submit')} />
          </Form>
        </section>
      )}
    </Layout>
  );
}

import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatBytes, formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { type getMyVerification, type MaskedVerification, PHOTO_MAX_BYTES } from '../service.ts';

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

/**
 * /account/verification: the user's status (masked), and the form when they may submit (never while a submission
 * is pending or once approved). `error` is the refusal of the last post; the number typed is never echoed back.
 */
export function VerificationPage({
  ctx,
  state,
  error,
  legalName,
}: {
  ctx: PageContext;
  state: State;
  error?: string | undefined;
  legalName?: string | undefined;
}) {
  const v = state.latest;
  const status = state.verified ? 'approved' : (v?.status ?? 'none');
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
          {error && (
            <p class="form__errors" role="alert">
              {error}
            </p>
          )}
          <form
            class="form"
            method="post"
            action={`/account/verification?_csrf=${encodeURIComponent(ctx.csrfToken ?? '')}`}
            enctype="multipart/form-data"
          >
            <div class="field">
              <label for="legalName">{t('verification.form.name')}</label>
              <input id="legalName" name="legalName" required maxLength={40} autoComplete="name" value={legalName} />
            </div>
            <div class="field">
              <label for="idNumber">{t('verification.form.number')}</label>
              <input
                id="idNumber"
                name="idNumber"
                required
                maxLength={40}
                autoComplete="off"
                spellcheck={false}
                aria-describedby="idNumber-hint"
              />
              <p class="field__hint" id="idNumber-hint">
                {t('verification.form.numberHint')}
              </p>
            </div>
            <div class="field">
              <label for="photo">{t('verification.form.photo')}</label>
              <input
                id="photo"
                name="photo"
                type="file"
                accept="image/jpeg,image/png,image/webp"
                aria-describedby="photo-hint"
              />
              <p class="field__hint" id="photo-hint">
                {t('verification.form.photoHint', { max: formatBytes(PHOTO_MAX_BYTES) })}
              </p>
            </div>
            <div class="field">
              <label>
                <input type="checkbox" name="consent" value="1" required /> {t('verification.form.consent')}
              </label>
            </div>
            <button type="submit" class="button button--primary">
              {t('verification.form.submit')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

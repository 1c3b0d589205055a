import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import type { RevealedVerification } from '../decisions.ts';

/** The one response that shows a submission unmasked (an admin's audited reveal); sent with no-store. */
export function RevealPage({ ctx, revealed }: { ctx: PageContext; revealed: RevealedVerification }) {
  return (
    <Layout ctx={ctx} title={t('verification.reveal.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/verifications" />
      <section class="card" aria-labelledby="reveal-title">
        <h1 id="reveal-title">{t('verification.reveal.title')}</h1>
        <p class="form__errors" role="alert">
          {t('verification.reveal.warning')}
        </p>
        <p>{t('verification.reveal.user', { name: revealed.displayName })}</p>
        <dl class="verification-summary">
          <dt>{t('verification.admin.col.status')}</dt>
          <dd>{t(`verification.status.${revealed.status}`)}</dd>
          <dt>{t('verification.name')}</dt>
          <dd>{revealed.name ?? t('verification.undecryptable')}</dd>
          <dt>{t('verification.number')}</dt>
          <dd class="mono">{revealed.number ?? t('verification.undecryptable')}</dd>
          {revealed.photo && (
            <>
              <dt>{t('verification.photo')}</dt>
              <dd>
                <img src={revealed.photo.dataUrl} alt={t('verification.photo')} class="verification-photo" />
              </dd>
            </>
          )}
        </dl>
        <p>
          <a href="/admin/verifications">{t('verification.reveal.back')}</a>
        </p>
      </section>
    </Layout>
  );
}

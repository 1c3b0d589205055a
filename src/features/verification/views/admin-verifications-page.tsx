import type { VerificationStatus } from '../../../db/schema.ts';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import { canAdminister } from '../../moderation/policy.ts';
import { type listVerifications, VERIFICATION_STATUSES } from '../service.ts';

type List = Awaited<ReturnType<typeof listVerifications>>;

/**
 * 实名审核 (/admin/verifications): submissions by status, masked for everyone. Moderators approve or reject pending
 * ones; admins may also revoke an approval and reveal a submission (a POST with a reason, audited).
 */
export function AdminVerificationsPage({
  ctx,
  status,
  list,
}: {
  ctx: PageContext;
  status: VerificationStatus;
  list: List;
}) {
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  const admin = canAdminister(ctx.user);
  const pageLink = (p: number) => `/admin/verifications?${new URLSearchParams({ status, page: String(p) })}`;
  return (
    <Layout ctx={ctx} title={t('verification.admin.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/verifications" />
      <section class="card" aria-labelledby="verifications-title">
        <h1 id="verifications-title">{t('verification.admin.title')}</h1>
        <p class="muted">{t('verification.admin.intro')}</p>
        <nav class="tabs" aria-label={t('verification.admin.filter')}>
          {VERIFICATION_STATUSES.map((s) => (
            <a key={s} href={`/admin/verifications?status=${s}`} aria-current={s === status ? 'page' : undefined}>
              {t(`verification.status.${s}`)}
            </a>
          ))}
        </nav>
        {list.total === 0 ? (
          <p class="empty">{t('verification.admin.empty')}</p>
        ) : (
          <>
            <p>{t('verification.admin.count', { n: list.total })}</p>
            <table class="ledger-table verification-table">
              <thead>
                <tr>
                  <th scope="col">{t('verification.admin.col.user')}</th>
                  <th scope="col">{t('verification.admin.col.name')}</th>
                  <th scope="col">{t('verification.admin.col.number')}</th>
                  <th scope="col">{t('verification.admin.col.photo')}</th>
                  <th scope="col">{t('verification.admin.col.submitted')}</th>
                  <th scope="col">{t('verification.admin.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.rows.map((v) => (
                  <tr key={v.id} id={`verification-${v.id}`}>
                    <td>
                      <a href={`/admin/users/${v.userId}`}>{v.displayName}</a> <span class="muted">#{v.userId}</span>
                    </td>
                    <td>{v.name ?? t('verification.undecryptable')}</td>
                    <td>
                      <span class="mono">{v.number ?? t('verification.undecryptable')}</span>
                      {v.sameNumberUsers > 0 && (
                        <p class="field__error">{t('verification.admin.sameNumber', { n: v.sameNumberUsers })}</p>
                      )}
                    </td>
                    <td>{v.hasPhoto ? t('verification.admin.photoYes') : t('verification.admin.photoNo')}</td>
                    <td>
                      {formatDateTime(v.submittedAt)}
                      {v.reason && <p class="muted">{t('verification.admin.reason', { reason: v.reason })}</p>}
                    </td>
                    <td>
                      {v.status === 'pending' && (
                        <>
                          <form method="post" action={`/admin/verifications/${v.id}/approve`} class="form--inline">
                            {csrf}
                            <button type="submit" class="button button--primary">
                              {t('verification.admin.approve')}
                            </button>
                          </form>
                          <form method="post" action={`/admin/verifications/${v.id}/reject`} class="form--inline">
                            {csrf}
                            <input
                              name="reason"
                              required
                              minLength={2}
                              maxLength={200}
                              aria-label={t('verification.admin.rejectReason')}
                              placeholder={t('verification.admin.rejectReason')}
                            />
                            <button type="submit" class="button">
                              {t('verification.admin.reject')}
                            </button>
                          </form>
                        </>
                      )}
                      {admin && v.status === 'approved' && (
                        <form method="post" action={`/admin/verifications/${v.id}/revoke`} class="form--inline">
                          {csrf}
                          <input
                            name="reason"
                            required
                            minLength={2}
                            maxLength={200}
                            aria-label={t('verification.admin.revokeReason')}
                            placeholder={t('verification.admin.revokeReason')}
                          />
                          <button type="submit" class="button">
                            {t('verification.admin.revoke')}
                          </button>
                        </form>
                      )}
                      {admin && (
                        <form method="post" action={`/admin/verifications/${v.id}/reveal`} class="form--inline">
                          {csrf}
                          <input
                            name="reason"
                            required
                            minLength={2}
                            maxLength={200}
                            aria-label={t('verification.admin.revealReason')}
                            placeholder={t('verification.admin.revealReason')}
                          />
                          <button type="submit" class="button">
                            {t('verification.admin.reveal')}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager">
              {list.page > 1 && <a href={pageLink(list.page - 1)}>{t('credits.prev')}</a>}
              {list.page < list.pages && <a href={pageLink(list.page + 1)}>{t('credits.next')}</a>}
            </nav>
          </>
        )}
      </section>
    </Layout>
  );
}

import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { reasonLabel } from '../../reports/views/admin-reports-page.tsx';
import type { SiteSettings } from '../../site/service.ts';
import type { listOpenReports, listRecentUsers } from '../service.ts';

type Reports = Awaited<ReturnType<typeof listOpenReports>>;
type Users = Awaited<ReturnType<typeof listRecentUsers>>;

const Csrf = ({ ctx }: { ctx: PageContext }) => <input type="hidden" name="_csrf" value={ctx.csrfToken} />;

/**
 * The operator console: links to finance and the review queue; preview rule, customer service, categories, badges,
 * reports, per-document preview.
 */
export function AdminPage({
  ctx,
  site,
  reports,
  users,
  heldForReview,
}: {
  ctx: PageContext;
  site: SiteSettings;
  reports: Reports;
  users: Users;
  /** Documents held as near duplicates, waiting at /admin/review. */
  heldForReview: number;
}) {
  return (
    <Layout ctx={ctx} title={t('nav.admin')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('nav.admin')}</h1>
        <p>
          <a class="button" href="/admin/finance">
            {t('credits.adminLink')}
          </a>
        </p>
        <p>
          <a class="button" href="/admin/review">
            {t('review.adminLink', { n: heldForReview })}
          </a>
        </p>
        <p>
          <a class="button" href="/admin/support">
            {t('support.admin.dashboardLink', { n: ctx.staffBadges?.['/admin/support'] ?? 0 })}
          </a>
        </p>
        <h2>{t('admin.preview')}</h2>
        <form class="form" method="post" action="/admin/settings">
          <Csrf ctx={ctx} />
          <div class="field">
            <label for="previewMode">{t('admin.previewMode')}</label>
            <select id="previewMode" name="previewMode">
              <option value="pages" selected={site.previewMode === 'pages'}>
                {t('admin.previewPages')}
              </option>
              <option value="percent" selected={site.previewMode === 'percent'}>
                {t('admin.previewPercent')}
              </option>
            </select>
          </div>
          <div class="field">
            <label for="previewValue">{t('admin.previewValue')}</label>
            <input id="previewValue" name="previewValue" type="number" min={1} value={String(site.previewValue)} />
          </div>
          <div class="field">
            <label for="previewMaxPercent">{t('admin.previewMaxPercent')}</label>
            <input
              id="previewMaxPercent"
              name="previewMaxPercent"
              type="number"
              min={1}
              max={100}
              value={String(site.previewMaxPercent)}
            />
          </div>
          <div class="field">
            <label for="minChars">{t('admin.minChars')}</label>
            <input id="minChars" name="minChars" type="number" min={1} max={100000} value={String(site.minChars)} />
            <p class="field__hint">{t('admin.minCharsHint')}</p>
          </div>
          <h2>{t('service.title')}</h2>
          <div class="field">
            <label for="serviceText">{t('admin.serviceText')}</label>
            <textarea id="serviceText" name="serviceText" rows={2} maxLength={500}>
              {site.serviceText}
            </textarea>
          </div>
          <div class="field">
            <label for="serviceWechat">{t('admin.serviceWechat')}</label>
            <input id="serviceWechat" name="serviceWechat" maxLength={100} value={site.serviceWechat} />
          </div>
          <button type="submit" class="button button--primary">
            {t('common.save')}
          </button>
        </form>
        <form
          class="form"
          method="post"
          action={`/admin/service-qr?_csrf=${encodeURIComponent(ctx.csrfToken ?? '')}`}
          enctype="multipart/form-data"
        >
          <div class="field">
            <label for="qr">{t('admin.serviceQr')}</label>
            <input id="qr" name="file" type="file" accept="image/png,image/jpeg,image/webp" required />
          </div>
          <button type="submit" class="button">
            {t('admin.uploadQr')}
          </button>
        </form>
      </section>

      <section class="card">
        <h2>{t('admin.documentPreview')}</h2>
        <form class="form form--inline" method="post" action="/admin/document-preview">
          <Csrf ctx={ctx} />
          <label>
            {t('admin.documentId')} <input name="documentId" type="number" min={1} required />
          </label>
          <label>
            {t('admin.previewMode')}{' '}
            <select name="mode">
              <option value="">{t('admin.previewDefault')}</option>
              <option value="pages">{t('admin.previewPages')}</option>
              <option value="percent">{t('admin.previewPercent')}</option>
            </select>
          </label>
          <label>
            {t('admin.previewValue')} <input name="value" type="number" min={1} />
          </label>
          <button type="submit" class="button">
            {t('common.save')}
          </button>
        </form>
      </section>

      <section class="card">
        <h2>{t('nav.categories')}</h2>
        <ul class="admin-list">
          {site.categories.map((c) => (
            <li key={c.id}>
              <form class="form form--inline" method="post" action={`/admin/categories/${c.id}`}>
                <Csrf ctx={ctx} />
                <code>{c.slug}</code>
                <input name="name" value={c.name} maxLength={20} required aria-label={t('admin.categoryName')} />
                <input name="sortOrder" type="number" value={String(c.sort_order)} aria-label={t('admin.sortOrder')} />
                <button type="submit" class="button">
                  {t('common.save')}
                </button>
              </form>
            </li>
          ))}
        </ul>
        <form class="form form--inline" method="post" action="/admin/categories">
          <Csrf ctx={ctx} />
          <input name="slug" placeholder="slug" pattern="[a-z0-9-]+" required aria-label={t('admin.categorySlug')} />
          <input name="name" placeholder={t('admin.categoryName')} maxLength={20} required />
          <input name="sortOrder" type="number" value="100" aria-label={t('admin.sortOrder')} />
          <button type="submit" class="button">
            {t('admin.addCategory')}
          </button>
        </form>
      </section>

      <section class="card">
        <h2>{t('admin.reports')}</h2>
        <p>
          <a class="button" href="/admin/reports">
            {t('reports.admin.openList')}
          </a>
        </p>
        {reports.length === 0 ? (
          <p class="empty">{t('admin.noReports')}</p>
        ) : (
          <ul class="admin-list">
            {reports.map((r) => (
              <li key={r.id}>
                <a href={`/admin/reports#report-${r.id}`}>{r.title}</a> · {reasonLabel(r.reason)} · {r.reporter} ·{' '}
                {formatDate(r.created_at)}
                {r.detail && <p class="muted">{r.detail}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card">
        <h2>{t('admin.users')}</h2>
        <p class="muted">{t('verification.badgeNote')}</p>
        <ul class="admin-list">
          {users.map((u) => (
            <li key={u.id}>
              <form class="form form--inline" method="post" action={`/admin/users/${u.id}/badges`}>
                <Csrf ctx={ctx} />
                <a href={`/u/${u.id}`}>{u.display_name}</a> <span class="muted">{u.email ?? u.phone}</span>
                {u.real_name_verified === 1 && <span class="badge badge--verified">{t('user.verified')}</span>}
                <label>
                  <input type="checkbox" name="provider" value="1" checked={u.is_provider === 1} /> {t('user.provider')}
                </label>
                <button type="submit" class="button">
                  {t('common.save')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

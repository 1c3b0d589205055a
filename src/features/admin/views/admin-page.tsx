import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDate } from '../../../web/format.ts';
import {
  CheckboxField,
  FileField,
  Form,
  SelectField,
  Submit,
  TextAreaField,
  TextField,
} from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { reasonLabel } from '../../reports/views/admin-reports-page.tsx';
import type { SiteSettings } from '../../site/service.ts';
import type { listOpenReports, listRecentUsers } from '../service.ts';

type Reports = Awaited<ReturnType<typeof listOpenReports>>;
type Users = Awaited<ReturnType<typeof listRecentUsers>>;

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
  state,
}: {
  ctx: PageContext;
  /**
   * A refused form of this page, shown again (settings, service-qr, doc-preview, category-<id>, category-new,
   * badges-<user id>).
   */
  state?: FormState | undefined;
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
        <Form id="settings" action="/admin/settings" csrf={ctx.csrfToken} state={state}>
          <SelectField
            form="settings"
            name="previewMode"
            label={t('admin.previewMode')}
            state={state}
            value={site.previewMode}
            options={[
              { value: 'pages', label: t('admin.previewPages') },
              { value: 'percent', label: t('admin.previewPercent') },
            ]}
          />
          <TextField
            form="settings"
            name="previewValue"
            label={t('admin.previewValue')}
            state={state}
            value={site.previewValue}
            type="number"
            min={1}
          />
          <TextField
            form="settings"
            name="previewMaxPercent"
            label={t('admin.previewMaxPercent')}
            state={state}
            value={site.previewMaxPercent}
            type="number"
            min={1}
            max={100}
          />
          <TextField
            form="settings"
            name="minChars"
            label={t('admin.minChars')}
            state={state}
            value={site.minChars}
            type="number"
            min={1}
            max={100000}
            hint={t('admin.minCharsHint')}
          />
          <h2>{t('service.title')}</h2>
          <TextAreaField
            form="settings"
            name="serviceText"
            label={t('admin.serviceText')}
            state={state}
            value={site.serviceText}
            rows={2}
            maxLength={500}
          />
          <TextField
            form="settings"
            name="serviceWechat"
            label={t('admin.serviceWechat')}
            state={state}
            value={site.serviceWechat}
            maxLength={100}
          />
          <Submit label={t('common.save')} />
        </Form>
        <Form id="service-qr" action="/admin/service-qr" csrf={ctx.csrfToken} state={state} multipart>
          <FileField
            form="service-qr"
            name="file"
            label={t('admin.serviceQr')}
            state={state}
            accept="image/png,image/jpeg,image/webp"
            required
          />
          <Submit kind="plain" label={t('admin.uploadQr')} />
        </Form>
      </section>

      <section class="card">
        <h2>{t('admin.documentPreview')}</h2>
        <Form
          id="doc-preview"
          class="form form--inline"
          action="/admin/document-preview"
          csrf={ctx.csrfToken}
          state={state}
        >
          <TextField
            form="doc-preview"
            name="documentId"
            label={t('admin.documentId')}
            state={state}
            type="number"
            min={1}
            required
          />
          <SelectField
            form="doc-preview"
            name="mode"
            label={t('admin.previewMode')}
            state={state}
            options={[
              { value: '', label: t('admin.previewDefault') },
              { value: 'pages', label: t('admin.previewPages') },
              { value: 'percent', label: t('admin.previewPercent') },
            ]}
          />
          <TextField
            form="doc-preview"
            name="value"
            label={t('admin.previewValue')}
            state={state}
            type="number"
            min={1}
          />
          <Submit kind="plain" label={t('common.save')} />
        </Form>
      </section>

      <section class="card">
        <h2>{t('nav.categories')}</h2>
        <p class="muted">{t('admin.sortOrderHint')}</p>
        <ul class="admin-list">
          {site.categories.map((c) => {
            const id = `category-${c.id}`;
            return (
              <li key={c.id}>
                <Form
                  id={id}
                  class="form form--inline"
                  action={`/admin/categories/${c.id}`}
                  csrf={ctx.csrfToken}
                  state={state}
                  aria-label={t('admin.categoryRow', { name: c.name })}
                >
                  <span class="category-slug">
                    {t('admin.slugLabel')} <code>{c.slug}</code>
                  </span>
                  <TextField
                    form={id}
                    name="name"
                    label={t('admin.categoryName')}
                    state={state}
                    value={c.name}
                    maxLength={20}
                    required
                  />
                  <TextField
                    form={id}
                    name="sortOrder"
                    label={t('admin.sortOrder')}
                    state={state}
                    value={c.sort_order}
                    type="number"
                  />
                  <Submit kind="plain" label={t('common.save')} />
                </Form>
              </li>
            );
          })}
        </ul>
        <h3>{t('admin.categoryNew')}</h3>
        <Form id="category-new" class="form" action="/admin/categories" csrf={ctx.csrfToken} state={state}>
          <TextField
            form="category-new"
            name="slug"
            label={t('admin.categorySlug')}
            state={state}
            hint={t('admin.categorySlugHint')}
            pattern="[a-z0-9-]+"
            required
          />
          <TextField
            form="category-new"
            name="name"
            label={t('admin.categoryName')}
            state={state}
            maxLength={20}
            required
          />
          <TextField
            form="category-new"
            name="sortOrder"
            label={t('admin.sortOrder')}
            state={state}
            value={100}
            type="number"
            hint={t('admin.sortOrderHint')}
          />
          <Submit kind="plain" label={t('admin.addCategory')} />
        </Form>
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
              <Form
                id={`badges-${u.id}`}
                action={`/admin/users/${u.id}/badges`}
                csrf={ctx.csrfToken}
                state={state}
                class="form form--inline"
              >
                <a href={`/u/${u.id}`}>{u.display_name}</a> <span class="muted">{u.email ?? u.phone}</span>
                {u.real_name_verified === 1 && <span class="badge badge--verified">{t('user.verified')}</span>}
                <CheckboxField
                  form={`badges-${u.id}`}
                  name="provider"
                  label={t('user.provider')}
                  state={state}
                  checked={u.is_provider === 1}
                />
                <Submit kind="plain" label={t('common.save')} />
              </Form>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

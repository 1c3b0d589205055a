import { isMessageKey, type MessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import type { AuditFilter, listAudit } from '../service.ts';

type Result = Awaited<ReturnType<typeof listAudit>>;

/** A human label for an audit action or target type (never the internal code when the catalog knows it). */
export const auditLabel = (prefix: 'audit.action' | 'audit.target', code: string) =>
  isMessageKey(`${prefix}.${code}`) ? t(`${prefix}.${code}` as MessageKey) : code;

/** A before/after snapshot as short `field: value` lines. */
function Snapshot({ json }: { json: string | null }) {
  if (!json) return <span class="muted">—</span>;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return <code>{json}</code>;
  }
  if (!value || typeof value !== 'object') return <code>{String(value)}</code>;
  return (
    <dl class="audit-snapshot">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** /admin/audit: filters (who, what, target, dates) and the entries, newest first. */
export function AuditPage({
  ctx,
  result,
  actions,
  filter,
  page,
}: {
  ctx: PageContext;
  result: Result;
  actions: readonly string[];
  filter: AuditFilter;
  page: number;
}) {
  const params = (p: number) => {
    const s = new URLSearchParams();
    if (filter.actorId) s.set('actor', String(filter.actorId));
    if (filter.action) s.set('action', filter.action);
    if (filter.targetType) s.set('type', filter.targetType);
    if (filter.targetId) s.set('target', String(filter.targetId));
    if (filter.from) s.set('from', filter.from);
    if (filter.to) s.set('to', filter.to);
    s.set('page', String(p));
    return `/admin/audit?${s}`;
  };
  return (
    <Layout ctx={ctx} title={t('audit.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/audit" />
      <section class="card" aria-labelledby="audit-title">
        <h1 id="audit-title">{t('audit.title')}</h1>
        <p class="muted">{t('audit.intro')}</p>
        <form class="form form--filters" method="get" action="/admin/audit">
          <label>
            {t('audit.filter.actor')}
            <input name="actor" inputMode="numeric" value={filter.actorId ? String(filter.actorId) : ''} />
          </label>
          <label>
            {t('audit.filter.action')}
            <select name="action">
              <option value="">{t('audit.filter.any')}</option>
              {actions.map((a) => (
                <option key={a} value={a} selected={a === filter.action}>
                  {auditLabel('audit.action', a)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('audit.filter.target')}
            <input name="target" inputMode="numeric" value={filter.targetId ? String(filter.targetId) : ''} />
          </label>
          <label>
            {t('audit.filter.from')}
            <input name="from" type="date" value={filter.from ?? ''} />
          </label>
          <label>
            {t('audit.filter.to')}
            <input name="to" type="date" value={filter.to ?? ''} />
          </label>
          <button type="submit" class="button">
            {t('audit.filter.submit')}
          </button>
        </form>
        {result.rows.length === 0 ? (
          <p class="empty">{t('audit.empty')}</p>
        ) : (
          <table class="ledger-table audit-table">
            <thead>
              <tr>
                <th scope="col">{t('audit.col.time')}</th>
                <th scope="col">{t('audit.col.actor')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.target')}</th>
                <th scope="col">{t('audit.col.before')}</th>
                <th scope="col">{t('audit.col.after')}</th>
                <th scope="col">{t('audit.col.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.id} data-action={r.action}>
                  <td>{formatDateTime(Number(r.created_at))}</td>
                  <td>
                    {r.actor_name ?? t('audit.system')}
                    {r.actor_id ? ` (#${r.actor_id}, ${auditLabel('audit.target', `role.${r.actor_role}`)})` : ''}
                  </td>
                  <td>{auditLabel('audit.action', r.action)}</td>
                  <td>
                    {auditLabel('audit.target', r.target_type)}
                    {r.target_id ? ` #${r.target_id}` : ''}
                  </td>
                  <td>
                    <Snapshot json={r.before} />
                  </td>
                  <td>
                    <Snapshot json={r.after} />
                  </td>
                  <td>{r.reason || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav class="pager">
          {page > 1 && <a href={params(page - 1)}>{t('credits.prev')}</a>}
          {result.hasMore && <a href={params(page + 1)}>{t('credits.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}

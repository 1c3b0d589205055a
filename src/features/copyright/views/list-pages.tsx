import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import type { listFilingQueue, listMyFilings } from '../read.ts';

type Mine = Awaited<ReturnType<typeof listMyFilings>>;
type Queue = Awaited<ReturnType<typeof listFilingQueue>>;
const noindex = <meta name="robots" content="noindex" />;

function FilingTable({ rows }: { rows: Mine['filed'] }) {
  if (rows.length === 0) return <p class="empty">{t('copyright.mine.empty')}</p>;
  return (
    <table class="ledger-table">
      <thead>
        <tr>
          <th scope="col">{t('copyright.col.id')}</th>
          <th scope="col">{t('copyright.col.kind')}</th>
          <th scope="col">{t('copyright.col.work')}</th>
          <th scope="col">{t('copyright.col.status')}</th>
          <th scope="col">{t('copyright.col.updated')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              <a href={`/copyright/notices/${r.id}`}>#{r.id}</a>
            </td>
            <td>{t(`copyright.kind.${r.kind}`)}</td>
            <td>{r.work_title}</td>
            <td>{t(`copyright.status.${r.status}`)}</td>
            <td>{formatDateTime(Number(r.updated_at))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /copyright/notices: what the user filed, and what was filed about documents they uploaded. */
export function MyFilingsPage({ ctx, mine }: { ctx: PageContext; mine: Mine }) {
  return (
    <Layout ctx={ctx} title={t('copyright.mine.title')} head={noindex}>
      <section class="card" aria-labelledby="mine-title">
        <h1 id="mine-title">{t('copyright.mine.title')}</h1>
        <p>
          <a href="/copyright">{t('copyright.mine.new')}</a>
        </p>
        <h2>{t('copyright.mine.filed')}</h2>
        <FilingTable rows={mine.filed} />
        <h2>{t('copyright.mine.concerning')}</h2>
        <FilingTable rows={mine.concerning} />
      </section>
    </Layout>
  );
}

/** /admin/notices: the staff queue of notices and claims, with their proof and what waits for a decision. */
export function FilingQueuePage(props: { ctx: PageContext; queue: Queue; filter: 'open' | 'all'; page: number }) {
  const { ctx, queue, filter, page } = props;
  const link = (f: string, p: number) => `/admin/notices?${new URLSearchParams({ filter: f, page: String(p) })}`;
  return (
    <Layout ctx={ctx} title={t('copyright.staff.title')} head={noindex}>
      <StaffNav ctx={ctx} current="/admin/notices" />
      <section class="card" aria-labelledby="queue-title">
        <h1 id="queue-title">{t('copyright.staff.title')}</h1>
        <nav class="sort-nav">
          <a href={link('open', 1)} aria-current={filter === 'open' ? 'page' : undefined}>
            {t('copyright.staff.filter.open')}
          </a>
          <a href={link('all', 1)} aria-current={filter === 'all' ? 'page' : undefined}>
            {t('copyright.staff.filter.all')}
          </a>
        </nav>
        {queue.rows.length === 0 ? (
          <p class="empty">{t('copyright.staff.empty')}</p>
        ) : (
          <ul class="admin-list">
            {queue.rows.map((r) => (
              <li key={r.id}>
                <h2>
                  <a href={`/admin/notices/${r.id}`}>
                    {t('copyright.page.title', { kind: t(`copyright.kind.${r.kind}`), id: r.id })}
                  </a>{' '}
                  <span class="status">{t(`copyright.status.${r.status}`)}</span>
                </h2>
                <dl class="facts">
                  <dt>{t('copyright.staff.col.holder')}</dt>
                  <dd>{r.holder_name}</dd>
                  <dt>{t('copyright.staff.col.filer')}</dt>
                  <dd>{r.filer_name}</dd>
                  <dt>{t('copyright.col.work')}</dt>
                  <dd>{r.work_title}</dd>
                  <dt>{t('copyright.page.proof')}</dt>
                  <dd class="preview-text">{[...r.proof_text].slice(0, 300).join('')}</dd>
                  <dt>{t('copyright.staff.col.documents')}</dt>
                  <dd>
                    {r.documents}
                    {r.countered > 0 && <strong> · {t('copyright.staff.countered', { n: r.countered })}</strong>}
                  </dd>
                  <dt>{t('copyright.staff.col.files')}</dt>
                  <dd>{r.files}</dd>
                  <dt>{t('copyright.staff.col.filed')}</dt>
                  <dd>{formatDateTime(Number(r.created_at))}</dd>
                </dl>
                <p>
                  <a class="button" href={`/admin/notices/${r.id}`}>
                    {t('copyright.staff.open')}
                  </a>
                </p>
              </li>
            ))}
          </ul>
        )}
        <nav class="pager">
          {page > 1 && <a href={link(filter, page - 1)}>{t('credits.prev')}</a>}
          {queue.hasMore && <a href={link(filter, page + 1)}>{t('credits.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}

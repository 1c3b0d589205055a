import { isMessageKey, type MessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import { PunishFields } from '../../moderation/views/punish-fields.tsx';
import type { listReports, ReportRow } from '../decisions.ts';

type ReportList = Awaited<ReturnType<typeof listReports>>;

/** A catalog label for a code, or the code itself when the catalog has none (never happens for known codes). */
const label = (key: string) => (isMessageKey(key) ? t(key as MessageKey) : key);
/** The human label of a report reason (`takedown.code.<reason>`). */
export const reasonLabel = (reason: string) => label(`takedown.code.${reason}`);

/** /admin/reports: the open queue (oldest first) with the four decisions, or the closed reports with outcomes. */
export function AdminReportsPage({ ctx, list, closed }: { ctx: PageContext; list: ReportList; closed: boolean }) {
  const link = (p: number) =>
    `/admin/reports?${new URLSearchParams({ ...(closed ? { status: 'closed' } : {}), page: String(p) })}`;
  return (
    <Layout ctx={ctx} title={t('reports.admin.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/reports" />
      <section class="card" aria-labelledby="reports-title">
        <h1 id="reports-title">{t('reports.admin.title')}</h1>
        <p class="muted">{t('reports.admin.intro')}</p>
        <nav class="sort-nav">
          <a href="/admin/reports" aria-current={closed ? undefined : 'page'}>
            {t('reports.admin.tab.open', { n: list.openCount })}
          </a>
          <a href="/admin/reports?status=closed" aria-current={closed ? 'page' : undefined}>
            {t('reports.admin.tab.closed')}
          </a>
        </nav>
        {list.rows.length === 0 ? (
          <p class="empty">{closed ? t('reports.admin.emptyClosed') : t('reports.admin.empty')}</p>
        ) : (
          <ol class="admin-list report-list">
            {list.rows.map((r) => (
              <ReportItem key={r.id} ctx={ctx} r={r} />
            ))}
          </ol>
        )}
        <nav class="pager">
          {list.page > 1 && <a href={link(list.page - 1)}>{t('reports.admin.prev')}</a>}
          {list.hasMore && <a href={link(list.page + 1)}>{t('reports.admin.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}

function ReportItem({ ctx, r }: { ctx: PageContext; r: ReportRow }) {
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  const base = `/admin/reports/${r.id}`;
  if (r.comment_id !== null) return <CommentReportItem ctx={ctx} r={r} />;
  return (
    <li id={`report-${r.id}`}>
      <dl class="facts">
        <dt>{t('reports.admin.document')}</dt>
        <dd>
          <a href={`/d/${r.document_id}`}>
            {r.document_title}.{r.document_format}
          </a>{' '}
          <span class="muted">
            #{r.document_id} · {t('reports.admin.documentState')}：{label(`status.${r.document_status}`)}
          </span>
        </dd>
        <dt>{t('reports.admin.uploader')}</dt>
        <dd>
          <a href={`/admin/users/${r.owner_id}`}>{r.owner_name}</a> <span class="muted">#{r.owner_id}</span>
        </dd>
        <dt>{t('reports.admin.reporter')}</dt>
        <dd>
          <a href={`/admin/users/${r.reporter_id}`}>{r.reporter_name}</a> <span class="muted">#{r.reporter_id}</span>
        </dd>
        <dt>{t('reports.admin.reason')}</dt>
        <dd class="report-reason">{reasonLabel(r.reason)}</dd>
        <dt>{t('reports.admin.detail')}</dt>
        <dd class="report-detail">{r.detail || t('reports.admin.noDetail')}</dd>
        <dt>{t('reports.admin.filedAt')}</dt>
        <dd>{formatDateTime(Number(r.created_at))}</dd>
        {r.status !== 'open' && (
          <>
            <dt>{t('reports.admin.outcome')}</dt>
            <dd class="report-outcome">
              {label(`reports.status.${r.status}`)} · {r.decision ? label(`reports.decision.${r.decision}`) : ''}
              {r.decision_reason ? ` · ${r.decision_reason}` : ''}
            </dd>
            <dt>{t('reports.admin.resolvedBy')}</dt>
            <dd>
              {r.resolver_name ?? t('audit.system')}
              {r.resolved_at ? ` · ${formatDateTime(Number(r.resolved_at))}` : ''}
            </dd>
          </>
        )}
      </dl>
      {r.status === 'open' && (
        <div class="report-actions">
          <details>
            <summary>{t('reports.admin.takedown')}</summary>
            <form class="form" method="post" action={`${base}/takedown`}>
              {csrf}
              <p>{t('reports.admin.takedownCode', { reason: reasonLabel(r.reason) })}</p>
              <div class="field">
                <label for={`note-${r.id}`}>{t('reports.admin.takedownNote')}</label>
                <input id={`note-${r.id}`} name="note" maxLength={500} />
              </div>
              <button type="submit" class="button button--danger">
                {t('reports.admin.takedown')}
              </button>
            </form>
          </details>
          <details>
            <summary>{t('reports.admin.dismiss')}</summary>
            <form class="form" method="post" action={`${base}/dismiss`}>
              {csrf}
              <div class="field">
                <label for={`dismiss-${r.id}`}>{t('reports.admin.dismissReason')}</label>
                <input id={`dismiss-${r.id}`} name="reason" required minLength={2} maxLength={500} />
              </div>
              <button type="submit" class="button">
                {t('reports.admin.dismiss')}
              </button>
            </form>
          </details>
          <details>
            <summary>{t('reports.admin.warn')}</summary>
            <form class="form" method="post" action={`${base}/warn`}>
              {csrf}
              <div class="field">
                <label for={`warn-${r.id}`}>{t('reports.admin.warnMessage')}</label>
                <textarea id={`warn-${r.id}`} name="message" rows={2} required minLength={2} maxLength={500} />
              </div>
              <button type="submit" class="button">
                {t('reports.admin.warn')}
              </button>
            </form>
          </details>
          <details>
            <summary>{t('reports.admin.punish')}</summary>
            <form class="form" method="post" action={`${base}/punish`}>
              {csrf}
              <PunishFields ids={{ days: `days-${r.id}`, reason: `punish-${r.id}` }} />
              <button type="submit" class="button button--danger">
                {t('reports.admin.punish')}
              </button>{' '}
              <a href={`/admin/users/${r.owner_id}`}>{t('reports.admin.punishPage')}</a>
            </form>
          </details>
        </div>
      )}
    </li>
  );
}

/** A report on a comment: the comment's text (escaped) and author; the decisions are 隐藏评论 and 驳回. */
function CommentReportItem({ ctx, r }: { ctx: PageContext; r: ReportRow }) {
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  const base = `/admin/reports/${r.id}`;
  return (
    <li id={`report-${r.id}`} class="report--comment">
      <dl class="facts">
        <dt>{t('reports.admin.document')}</dt>
        <dd>
          <a href={`/d/${r.document_id}`}>{r.document_title}</a>{' '}
          <span class="muted">
            #{r.document_id} · {t('reports.admin.documentState')}：{label(`status.${r.document_status}`)}
          </span>
        </dd>
        <dt>{t('reports.admin.comment')}</dt>
        <dd class="report-comment comment__body">
          {r.comment_body}
          {r.comment_hidden_at !== null && <span class="muted"> {t('reports.admin.commentHidden')}</span>}
          {r.comment_deleted_at !== null && <span class="muted"> {t('reports.admin.commentDeleted')}</span>}
        </dd>
        <dt>{t('reports.admin.commentAuthor')}</dt>
        <dd>
          <a href={`/admin/users/${r.comment_author_id}`}>{r.comment_author_name}</a>{' '}
          <span class="muted">#{r.comment_author_id}</span>
        </dd>
        <dt>{t('reports.admin.reporter')}</dt>
        <dd>
          <a href={`/admin/users/${r.reporter_id}`}>{r.reporter_name}</a> <span class="muted">#{r.reporter_id}</span>
        </dd>
        <dt>{t('reports.admin.reason')}</dt>
        <dd class="report-reason">{reasonLabel(r.reason)}</dd>
        <dt>{t('reports.admin.detail')}</dt>
        <dd class="report-detail">{r.detail || t('reports.admin.noDetail')}</dd>
        <dt>{t('reports.admin.filedAt')}</dt>
        <dd>{formatDateTime(Number(r.created_at))}</dd>
        {r.status !== 'open' && (
          <>
            <dt>{t('reports.admin.outcome')}</dt>
            <dd class="report-outcome">
              {label(`reports.status.${r.status}`)} · {r.decision ? label(`reports.decision.${r.decision}`) : ''}
              {r.decision_reason ? ` · ${r.decision_reason}` : ''}
            </dd>
          </>
        )}
      </dl>
      {r.status === 'open' && (
        <div class="report-actions">
          <details>
            <summary>{t('reports.admin.hideComment')}</summary>
            <form class="form" method="post" action={`${base}/hide-comment`}>
              {csrf}
              <div class="field">
                <label for={`hide-${r.id}`}>{t('reports.admin.hideCommentReason')}</label>
                <input id={`hide-${r.id}`} name="reason" maxLength={500} />
              </div>
              <button type="submit" class="button button--danger">
                {t('reports.admin.hideComment')}
              </button>
            </form>
          </details>
          <details>
            <summary>{t('reports.admin.dismiss')}</summary>
            <form class="form" method="post" action={`${base}/dismiss`}>
              {csrf}
              <div class="field">
                <label for={`dismiss-${r.id}`}>{t('reports.admin.dismissReason')}</label>
                <input id={`dismiss-${r.id}`} name="reason" required minLength={2} maxLength={500} />
              </div>
              <button type="submit" class="button">
                {t('reports.admin.dismiss')}
              </button>
            </form>
          </details>
          <a href={`/admin/users/${r.comment_author_id}`}>{t('reports.admin.punishCommenter')}</a>
        </div>
      )}
    </li>
  );
}

import type { ComponentChildren } from 'preact';
import { isMessageKey, type MessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Form, RefusalNotice, Submit, TextAreaField, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import { PunishFields } from '../../moderation/views/punish-fields.tsx';
import type { listReports, ReportRow } from '../decisions.ts';

type ReportList = Awaited<ReturnType<typeof listReports>>;

/** A catalog label for a code, or the code itself when the catalog has none (never happens for known codes). */
const label = (key: string) => (isMessageKey(key) ? t(key as MessageKey) : key);
/** The human label of a report reason (`takedown.code.<reason>`). */
export const reasonLabel = (reason: string) => label(`takedown.code.${reason}`);

/**
 * /admin/reports: the open queue (oldest first) with the four decisions, or the closed reports with outcomes. A
 * refused decision comes back in its form, opened, with what was typed.
 */
export function AdminReportsPage({
  ctx,
  list,
  closed,
  state,
}: {
  ctx: PageContext;
  list: ReportList;
  closed: boolean;
  state?: FormState | undefined;
}) {
  const link = (p: number) =>
    `/admin/reports?${new URLSearchParams({ ...(closed ? { status: 'closed' } : {}), page: String(p) })}`;
  return (
    <Layout ctx={ctx} title={t('reports.admin.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/reports" />
      <section class="card" aria-labelledby="reports-title">
        <h1 id="reports-title">{t('reports.admin.title')}</h1>
        <p class="muted">{t('reports.admin.intro')}</p>
        <RefusalNotice state={state} shown={list.rows.flatMap(formsOf)} />
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
              <ReportItem key={r.id} ctx={ctx} r={r} state={state} />
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

/** The decisions on a report, each its own form (`<decision>-<report id>`, posted to /admin/reports/:id/<decision>). */
export type DecisionKind = 'takedown' | 'dismiss' | 'warn' | 'punish' | 'hide-comment';
export const reportFormId = (kind: DecisionKind, reportId: number | string) => `${kind}-${reportId}`;

/** The forms an open report offers (a refusal for any other is shown alone, above the list). */
const formsOf = (r: ReportRow): string[] =>
  r.status !== 'open'
    ? []
    : (r.comment_id !== null
        ? (['hide-comment', 'dismiss'] as const)
        : (['takedown', 'dismiss', 'warn', 'punish'] as const)
      ).map((k) => reportFormId(k, r.id));

/** One decision: a disclosure holding its form, opened when that form was just refused. */
function Decision(props: {
  ctx: PageContext;
  r: ReportRow;
  kind: DecisionKind;
  state: FormState | undefined;
  summary: string;
  children: ComponentChildren;
}) {
  const id = reportFormId(props.kind, props.r.id);
  return (
    <details open={props.state?.form === id}>
      <summary>{props.summary}</summary>
      <Form
        id={id}
        action={`/admin/reports/${props.r.id}/${props.kind}`}
        csrf={props.ctx.csrfToken}
        state={props.state}
      >
        {props.children}
      </Form>
    </details>
  );
}

/** 驳回, on a report of either kind: the reason the reporter reads. */
function DismissDecision({ ctx, r, state }: { ctx: PageContext; r: ReportRow; state: FormState | undefined }) {
  return (
    <Decision ctx={ctx} r={r} kind="dismiss" state={state} summary={t('reports.admin.dismiss')}>
      <TextField
        form={reportFormId('dismiss', r.id)}
        name="reason"
        label={t('reports.admin.dismissReason')}
        state={state}
        required
        minLength={2}
        maxLength={500}
      />
      <Submit kind="plain" label={t('reports.admin.dismiss')} />
    </Decision>
  );
}

function ReportItem({ ctx, r, state }: { ctx: PageContext; r: ReportRow; state: FormState | undefined }) {
  const formOf = (kind: DecisionKind) => reportFormId(kind, r.id);
  if (r.comment_id !== null) return <CommentReportItem ctx={ctx} r={r} state={state} />;
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
          <Decision ctx={ctx} r={r} kind="takedown" state={state} summary={t('reports.admin.takedown')}>
            <p>{t('reports.admin.takedownCode', { reason: reasonLabel(r.reason) })}</p>
            <TextField
              form={formOf('takedown')}
              name="note"
              label={t('reports.admin.takedownNote')}
              state={state}
              maxLength={500}
            />
            <Submit kind="danger" label={t('reports.admin.takedown')} />
          </Decision>
          <DismissDecision ctx={ctx} r={r} state={state} />
          <Decision ctx={ctx} r={r} kind="warn" state={state} summary={t('reports.admin.warn')}>
            <TextAreaField
              form={formOf('warn')}
              name="message"
              label={t('reports.admin.warnMessage')}
              state={state}
              rows={2}
              required
              minLength={2}
              maxLength={500}
            />
            <Submit kind="plain" label={t('reports.admin.warn')} />
          </Decision>
          <Decision ctx={ctx} r={r} kind="punish" state={state} summary={t('reports.admin.punish')}>
            <PunishFields form={formOf('punish')} state={state} />
            <Submit kind="danger" label={t('reports.admin.punish')} />{' '}
            <a href={`/admin/users/${r.owner_id}`}>{t('reports.admin.punishPage')}</a>
          </Decision>
        </div>
      )}
    </li>
  );
}

/** A report on a comment: the comment's text (escaped) and author; the decisions are 隐藏评论 and 驳回. */
function CommentReportItem({ ctx, r, state }: { ctx: PageContext; r: ReportRow; state: FormState | undefined }) {
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
          <Decision ctx={ctx} r={r} kind="hide-comment" state={state} summary={t('reports.admin.hideComment')}>
            <TextField
              form={reportFormId('hide-comment', r.id)}
              name="reason"
              label={t('reports.admin.hideCommentReason')}
              state={state}
              maxLength={500}
            />
            <Submit kind="danger" label={t('reports.admin.hideComment')} />
          </Decision>
          <DismissDecision ctx={ctx} r={r} state={state} />
          <a href={`/admin/users/${r.comment_author_id}`}>{t('reports.admin.punishCommenter')}</a>
        </div>
      )}
    </li>
  );
}

// Reports → decisions (/admin/reports). A moderator dismisses a report (with a reason the reporter reads), takes the
// document down (the report's reason is the takedown code; every open report on the document closes as actioned),
// warns the uploader (a 站内信 with the moderator's words) or punishes them (ban/mute through the moderation
// service). Each decision closes the report exactly once — a second decision on a closed report is 409 and changes
// nothing — notifies the reporter and the uploader, and is audited.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { isTakedownCode, takeDownDocument } from '../documents/takedown.ts';
import { canModerate } from '../moderation/policy.ts';
import { punishUser } from '../moderation/service.ts';
import { notify } from '../notifications/service.ts';
import { closeReport } from './closing.ts';

type Actor = Pick<SessionUser, 'id' | 'role'>;
type DecisionDeps = Pick<Deps, 'database' | 'search' | 'log'>;

const PAGE_SIZE = 20;
const TEXT_MAX = 500;

/**
 * A report as /admin/reports shows it, with its document, uploader, reporter and outcome; a report on a comment also
 * carries the comment's text, state and author (null columns for a report on the document itself).
 */
function reportQuery(deps: Pick<Deps, 'database'>) {
  return deps.database.db
    .selectFrom('reports as r')
    .innerJoin('documents as d', 'd.id', 'r.document_id')
    .innerJoin('users as o', 'o.id', 'd.owner_id')
    .innerJoin('users as u', 'u.id', 'r.reporter_id')
    .leftJoin('users as m', 'm.id', 'r.resolved_by')
    .leftJoin('comments as cm', 'cm.id', 'r.comment_id')
    .leftJoin('users as ca', 'ca.id', 'cm.user_id')
    .select([
      'r.id',
      'r.reason',
      'r.detail',
      'r.status',
      'r.created_at',
      'r.decision',
      'r.decision_reason',
      'r.resolved_at',
      'd.id as document_id',
      'd.title as document_title',
      'd.format as document_format',
      'd.status as document_status',
      'd.owner_id',
      'o.display_name as owner_name',
      'o.role as owner_role',
      'r.reporter_id',
      'u.display_name as reporter_name',
      'm.display_name as resolver_name',
      'r.comment_id',
      'cm.body as comment_body',
      'cm.hidden_at as comment_hidden_at',
      'cm.deleted_at as comment_deleted_at',
      'cm.user_id as comment_author_id',
      'ca.display_name as comment_author_name',
    ]);
}

/** One row of /admin/reports. */
export type ReportRow = Awaited<ReturnType<ReturnType<typeof reportQuery>['execute']>>[number];

/** Open reports oldest first (the queue), or closed ones most recently decided first; paged. */
export async function listReports(deps: Pick<Deps, 'database'>, filter: { closed: boolean; page: number }) {
  const page = Math.min(10_000, Math.max(1, filter.page));
  let q = reportQuery(deps);
  q = filter.closed
    ? q.where('r.status', '<>', 'open').orderBy('r.resolved_at', 'desc').orderBy('r.id', 'desc')
    : q.where('r.status', '=', 'open').orderBy('r.id', 'asc');
  const rows = await q
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
  const open = await deps.database.db
    .selectFrom('reports')
    .select(sql<number>`count(*)`.as('n'))
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return { rows: rows.slice(0, PAGE_SIZE), hasMore: rows.length > PAGE_SIZE, page, openCount: Number(open.n) };
}

/** The number of open reports (for /admin). */
export async function countOpenReports(deps: Pick<Deps, 'database'>): Promise<number> {
  return (await listReports(deps, { closed: false, page: 1 })).openCount;
}

/**
 * One report, 404 when missing; 409 (with its status in words) when it is closed already. The decisions on the
 * document (take down, warn or punish its uploader) are 409 for a report on a comment (`target: 'document'`).
 */
export async function openReport(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  reportId: number,
  target: 'document' | 'comment' | 'any' = 'document',
): Promise<ReportRow> {
  if (!canModerate(actor)) throw forbidden();
  const row = await reportQuery(deps).where('r.id', '=', reportId).executeTakeFirst();
  if (!row) throw notFound();
  if (row.status !== 'open') throw alreadyClosed(row.status);
  if (target !== 'any' && (row.comment_id === null) !== (target === 'document'))
    throw conflict(target === 'document' ? 'reports.notForComment' : 'reports.notAComment');
  return row;
}

/** 409 for a report decided already, with its status in words. */
export const alreadyClosed = (status: string) =>
  conflict('reports.alreadyClosed', {
    status: t(status === 'actioned' ? 'reports.status.actioned' : 'reports.status.dismissed'),
  });

/** A decision's required words, 2–500 characters; a refusal names the form field `field`. */
function requiredText(
  raw: string,
  key: 'reports.dismissReasonRequired' | 'reports.warnMessageRequired',
  field: string,
): string {
  const text = raw.normalize('NFC').trim();
  const n = [...text].length;
  if (n < 2 || n > TEXT_MAX) throw badRequest(key).on(field);
  return text;
}

/** Dismisses a report with a reason the reporter reads; the uploader is told it was not upheld. */
export async function dismissReport(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  input: { reportId: number; reason: string; ip: string },
): Promise<void> {
  const report = await openReport(deps, actor, input.reportId, 'any');
  const reason = requiredText(input.reason, 'reports.dismissReasonRequired', 'reason');
  const onComment = report.comment_id !== null;
  await deps.database.db.transaction().execute(async (trx) => {
    const closed = await closeReport(trx, {
      reportId: report.id,
      status: 'dismissed',
      decision: 'dismiss',
      reason,
      by: actor.id,
    });
    if (!closed) throw alreadyClosed('dismissed');
    await notify(trx, {
      userId: Number(report.reporter_id),
      kind: onComment ? 'report.commentDismissed' : 'report.dismissed',
      params: { id: report.id, title: report.document_title, reason },
      link: '/notifications',
    });
    // The uploader hears only of reports on their document, not of reports on someone's comment under it.
    if (!onComment)
      await notify(trx, {
        userId: Number(report.owner_id),
        kind: 'report.dismissedUploader',
        params: { title: report.document_title },
        link: `/d/${report.document_id}`,
      });
    await recordAudit(trx, {
      actor,
      action: 'report.dismiss',
      targetType: 'report',
      targetId: report.id,
      before: { status: 'open' },
      after: { status: 'dismissed', document: report.document_id, comment: report.comment_id ?? undefined },
      reason,
      ip: input.ip,
    });
  });
}

/**
 * Takes the reported document down with the report's reason as the takedown code and `report:<id>` as its cause.
 * The takedown closes every open report on the document as actioned (each reporter notified) and notifies the
 * uploader with the reason and the counter-notice path.
 */
export async function takeDownReported(
  deps: DecisionDeps,
  actor: Actor,
  input: { reportId: number; note: string; ip: string },
): Promise<void> {
  const report = await openReport(deps, actor, input.reportId);
  const note = input.note.normalize('NFC').trim();
  if ([...note].length > TEXT_MAX) throw badRequest('reports.noteTooLong').on('note');
  const code = isTakedownCode(report.reason) ? report.reason : 'other';
  try {
    await takeDownDocument(deps, actor, {
      documentId: Number(report.document_id),
      code,
      ref: `report:${report.id}`,
      note,
      ip: input.ip,
    });
  } catch (err) {
    // The document went (taken down or deleted) between the read and the takedown: its reports closed with it.
    if (err instanceof AppError && err.status === 409) {
      const now = await reportQuery(deps).where('r.id', '=', report.id).executeTakeFirst();
      if (now && now.status !== 'open') throw alreadyClosed(now.status);
    }
    throw err;
  }
}

/** Warns the uploader with the moderator's words (a 站内信) and closes the report as actioned. */
export async function warnUploader(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  input: { reportId: number; message: string; ip: string },
): Promise<void> {
  const report = await openReport(deps, actor, input.reportId);
  const message = requiredText(input.message, 'reports.warnMessageRequired', 'message');
  await deps.database.db.transaction().execute(async (trx) => {
    const closed = await closeReport(trx, {
      reportId: report.id,
      status: 'actioned',
      decision: 'warn',
      reason: message,
      by: actor.id,
    });
    if (!closed) throw alreadyClosed('actioned');
    await notify(trx, {
      userId: Number(report.owner_id),
      kind: 'report.warning',
      params: { title: report.document_title, message },
      link: `/d/${report.document_id}`,
    });
    await notify(trx, {
      userId: Number(report.reporter_id),
      kind: 'report.warned',
      params: { id: report.id, title: report.document_title },
      link: '/notifications',
    });
    await recordAudit(trx, {
      actor,
      action: 'report.warn',
      targetType: 'report',
      targetId: report.id,
      before: { status: 'open' },
      after: { status: 'actioned', decision: 'warn', document: report.document_id, uploader: report.owner_id },
      reason: message,
      ip: input.ip,
    });
  });
}

/**
 * Punishes the uploader (ban or mute, through the moderation service: its own checks, notification and audit
 * entry) and closes the report as actioned. The report is checked first, so a closed report punishes nobody.
 */
export async function punishReportedUploader(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  input: { reportId: number; kind: string; days: number; reason: string; ip: string },
): Promise<void> {
  const report = await openReport(deps, actor, input.reportId);
  await punishUser(deps, actor, {
    userId: Number(report.owner_id),
    kind: input.kind,
    days: input.days,
    reason: input.reason,
    ip: input.ip,
  });
  const reason = input.reason.normalize('NFC').trim();
  await deps.database.db.transaction().execute(async (trx) => {
    // Another moderator closed it meanwhile: the punishment stands (it was validated and recorded on its own).
    const closed = await closeReport(trx, {
      reportId: report.id,
      status: 'actioned',
      decision: 'punish',
      reason,
      by: actor.id,
    });
    if (!closed) return;
    await notify(trx, {
      userId: Number(report.reporter_id),
      kind: 'report.punished',
      params: { id: report.id, title: report.document_title },
      link: '/notifications',
    });
    await notify(trx, {
      userId: Number(report.owner_id),
      kind: 'report.uploaderPunished',
      params: { title: report.document_title },
      link: '/notifications',
    });
    await recordAudit(trx, {
      actor,
      action: 'report.punish',
      targetType: 'report',
      targetId: report.id,
      before: { status: 'open' },
      after: { status: 'actioned', decision: 'punish', kind: input.kind, uploader: report.owner_id },
      reason,
      ip: input.ip,
    });
  });
}

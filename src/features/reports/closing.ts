// Closing reports: the guarded update every decision goes through (an open report closes exactly once; a second
// decision finds it closed and answers 409), and the bulk close when the document itself goes — taken down (the
// reports were right: `actioned`) or deleted by its uploader (`dismissed`, "文档已被上传者删除"). Every closed report
// tells its reporter what became of it. Only the database layer and the notification/audit services are used here,
// so the takedown service can call it inside its own transaction.
import type { Kysely } from 'kysely';
import type { DB, ReportStatus } from '../../db/schema.ts';
import { t } from '../../i18n/t.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { notify } from '../notifications/service.ts';

/** How a report was closed; labels are `reports.decision.<decision>`. */
export type ReportDecision =
  | 'dismiss'
  | 'takedown'
  | 'warn'
  | 'punish'
  | 'uploader_deleted'
  | 'staff_deleted'
  | 'duplicate'
  | 'hide_comment';

/** Closes one open report; false when it was not open any more (someone decided first). */
export async function closeReport(
  db: Kysely<DB>,
  input: {
    reportId: number;
    status: Exclude<ReportStatus, 'open'>;
    decision: ReportDecision;
    reason: string;
    by: number | null;
  },
): Promise<boolean> {
  const res = await db
    .updateTable('reports')
    .set({
      status: input.status,
      decision: input.decision,
      decision_reason: input.reason || null,
      resolved_by: input.by,
      resolved_at: Date.now(),
    })
    .where('id', '=', input.reportId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Closes every open report on a document because of what happened to the document, notifying each reporter and
 * auditing each report. Returns the ids closed.
 */
export async function closeOpenReportsOfDocument(
  db: Kysely<DB>,
  input: {
    documentId: number;
    title: string;
    decision: 'takedown' | 'uploader_deleted' | 'staff_deleted';
    actor: Pick<SessionUser, 'id' | 'role'> | undefined;
    reason?: string;
    ip?: string;
  },
): Promise<number[]> {
  const open = await db
    .selectFrom('reports')
    .select(['id', 'reporter_id'])
    .where('document_id', '=', input.documentId)
    .where('status', '=', 'open')
    // Reports on comments stay open: the comment is judged on its own (and shown again if the document returns).
    .where('comment_id', 'is', null)
    .orderBy('id')
    .execute();
  const status = input.decision === 'takedown' ? 'actioned' : 'dismissed';
  const reason =
    input.decision === 'takedown'
      ? (input.reason ?? '')
      : t(input.decision === 'uploader_deleted' ? 'reports.reason.uploaderDeleted' : 'reports.reason.staffDeleted');
  const closed: number[] = [];
  for (const r of open) {
    const id = Number(r.id);
    if (
      !(await closeReport(db, { reportId: id, status, decision: input.decision, reason, by: input.actor?.id ?? null }))
    )
      continue;
    closed.push(id);
    await notify(db, {
      userId: Number(r.reporter_id),
      kind: input.decision === 'takedown' ? 'report.takenDown' : 'report.documentDeleted',
      params: { id, title: input.title, reason },
      link: '/notifications',
    });
    await recordAudit(db, {
      actor: input.actor,
      action: `report.${input.decision === 'takedown' ? 'takedown' : 'close'}`,
      targetType: 'report',
      targetId: id,
      before: { status: 'open' },
      after: { status, decision: input.decision, document: input.documentId },
      reason,
      ip: input.ip ?? '',
    });
  }
  return closed;
}

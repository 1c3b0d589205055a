// Reports on comments: a reader reports a comment (one open report per reader and comment — its own partial unique
// index); in /admin/reports a moderator hides it (every open report on that comment closes as actioned, each
// reporter and the author told, all audited) or dismisses the report (decisions.ts, as for documents).
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { getReportableComment, hideCommentInTransaction } from '../comments/moderation.ts';
import { assertNotMuted } from '../moderation/policy.ts';
import { notify } from '../notifications/service.ts';
import { closeReport } from './closing.ts';
import { alreadyClosed, openReport } from './decisions.ts';
import { reportDetail } from './service.ts';

type Actor = Pick<SessionUser, 'id' | 'role'>;

/** What a reader may say is wrong with a comment, in this order (labels `takedown.code.<reason>`). */
export const COMMENT_REPORT_REASONS = ['spam', 'abuse', 'porn', 'privacy', 'illegal', 'other'] as const;

/** The comment being reported (its text and document, for the form); 404 when deleted, hidden or not public. */
export async function getCommentReportTarget(deps: Pick<Deps, 'database'>, commentId: number) {
  const c = await getReportableComment(deps, commentId);
  if (c.hidden_at !== null) throw conflict('comment.alreadyHidden');
  return c;
}

/** Files a report on a comment; 409 while the reader's earlier report on it is open. */
export async function fileCommentReport(
  deps: Pick<Deps, 'database'>,
  reporter: SessionUser,
  input: { commentId: number; reason: string; detail: string },
): Promise<number> {
  assertNotMuted(reporter);
  const comment = await getCommentReportTarget(deps, input.commentId);
  const detail = reportDetail(COMMENT_REPORT_REASONS, input);
  const row = await deps.database.db
    .insertInto('reports')
    .values({
      document_id: comment.document_id,
      comment_id: comment.id,
      reporter_id: reporter.id,
      reason: input.reason,
      detail,
      status: 'open',
      created_at: Date.now(),
    })
    .onConflict((oc) => oc.columns(['reporter_id', 'comment_id']).where('status', '=', sql.lit('open')).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) throw conflict('report.comment.duplicate');
  return Number(row.id);
}

/**
 * 隐藏评论 from a report: hides the comment (audited, the author notified) and closes every open report on it as
 * actioned, telling each reporter. A comment hidden meanwhile from its page still closes the reports.
 */
export async function hideReportedComment(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  input: { reportId: number; reason: string; ip: string },
): Promise<void> {
  const report = await openReport(deps, actor, input.reportId, 'comment');
  const reason = input.reason.normalize('NFC').trim();
  if ([...reason].length > 500) throw badRequest('reports.noteTooLong').on('reason');
  const commentId = Number(report.comment_id);
  await deps.database.db.transaction().execute(async (trx) => {
    const open = await trx
      .selectFrom('reports')
      .select(['id', 'reporter_id'])
      .where('comment_id', '=', commentId)
      .where('status', '=', 'open')
      .orderBy('id')
      .execute();
    if (!open.some((r) => Number(r.id) === report.id)) throw alreadyClosed('actioned');
    // Already hidden (from its page) or deleted by its author since: the reports still close as actioned.
    await hideCommentInTransaction(trx, actor, {
      commentId,
      title: report.document_title,
      reason,
      ip: input.ip,
      ref: `report:${report.id}`,
    });
    for (const r of open) {
      const id = Number(r.id);
      const closed = await closeReport(trx, {
        reportId: id,
        status: 'actioned',
        decision: 'hide_comment',
        reason,
        by: actor.id,
      });
      if (!closed) {
        if (id === report.id) throw alreadyClosed('actioned');
        continue;
      }
      await notify(trx, {
        userId: Number(r.reporter_id),
        kind: 'report.commentHidden',
        params: { id, title: report.document_title },
        link: '/notifications',
      });
      await recordAudit(trx, {
        actor,
        action: 'report.hide_comment',
        targetType: 'report',
        targetId: id,
        before: { status: 'open' },
        after: { status: 'actioned', decision: 'hide_comment', comment: commentId, document: report.document_id },
        reason,
        ip: input.ip,
      });
    }
  });
}

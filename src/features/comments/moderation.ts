// Staff hide and unhide comments. A hidden comment shows "该评论已被管理员隐藏" to everyone but staff, who still read
// it (with the 取消隐藏 button). Each change is audited and the author is told, in the same transaction; the page's
// revision is bumped so the cached anonymous page follows at once. The reports feature hides a reported comment
// through `hideCommentInTransaction`, inside its own decision transaction.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { canModerate } from '../moderation/policy.ts';
import { notify } from '../notifications/service.ts';
import * as repo from './repo.ts';

type Actor = Pick<SessionUser, 'id' | 'role'>;
const REASON_MAX = 500;

/** A comment as a report shows it: its text, author, document and state; 404 when missing or deleted. */
export async function getReportableComment(deps: Pick<Deps, 'database'>, commentId: number) {
  const row = await repo.findComment(deps.database.db, commentId);
  if (!row || row.deleted_at !== null) throw notFound('comment.notFound');
  const doc = await repo.findCommentTarget(deps.database.db, row.document_id);
  if (doc?.status !== 'published') throw notFound('comment.notFound');
  return { ...row, document_title: doc.title };
}

/**
 * Hides a comment inside the caller's transaction: guarded (false when it was hidden or deleted already), audited as
 * `comment.hide`, the author notified, the page revision bumped.
 */
export async function hideCommentInTransaction(
  trx: Kysely<DB>,
  actor: Actor,
  input: { commentId: number; title: string; reason: string; ip: string; ref?: string },
): Promise<boolean> {
  const comment = await repo.findComment(trx, input.commentId);
  if (!comment || comment.deleted_at !== null) return false;
  if (!(await repo.setHidden(trx, comment.id, actor.id, Date.now()))) return false;
  await repo.bumpDocumentRev(trx, comment.document_id);
  await notify(trx, {
    userId: comment.user_id,
    kind: input.reason ? 'comment.hiddenWithReason' : 'comment.hidden',
    params: { title: input.title, reason: input.reason },
    link: `/d/${comment.document_id}`,
  });
  await recordAudit(trx, {
    actor,
    action: 'comment.hide',
    targetType: 'comment',
    targetId: comment.id,
    before: { hidden: false },
    after: {
      hidden: true,
      document: comment.document_id,
      author: comment.user_id,
      ...(input.ref ? { ref: input.ref } : {}),
    },
    reason: input.reason,
    ip: input.ip,
  });
  return true;
}

/** A moderator hides or unhides a comment (409 when it already is in that state; deleted comments are 404). */
export async function setCommentHidden(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  input: { commentId: number; hidden: boolean; reason: string; ip: string },
): Promise<{ documentId: number; threadId: number }> {
  if (!canModerate(actor)) throw forbidden();
  const reason = input.reason.normalize('NFC').trim();
  if ([...reason].length > REASON_MAX) throw badRequest('comment.reasonTooLong', { max: REASON_MAX }).on('reason');
  const comment = await repo.findComment(deps.database.db, input.commentId);
  if (!comment || comment.deleted_at !== null) throw notFound('comment.notFound');
  const doc = await repo.findCommentTarget(deps.database.db, comment.document_id);
  await deps.database.db.transaction().execute(async (trx) => {
    if (input.hidden) {
      const done = await hideCommentInTransaction(trx, actor, {
        commentId: comment.id,
        title: doc?.title ?? '',
        reason,
        ip: input.ip,
      });
      if (!done) throw conflict('comment.alreadyHidden');
      return;
    }
    if (!(await repo.setHidden(trx, comment.id, null, null))) throw conflict('comment.notHidden');
    await repo.bumpDocumentRev(trx, comment.document_id);
    await recordAudit(trx, {
      actor,
      action: 'comment.unhide',
      targetType: 'comment',
      targetId: comment.id,
      before: { hidden: true },
      after: { hidden: false, document: comment.document_id, author: comment.user_id },
      reason,
      ip: input.ip,
    });
  });
  return {
    documentId: comment.document_id,
    threadId: comment.parent_id === null ? comment.id : Number(comment.parent_id),
  };
}

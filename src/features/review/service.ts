// Decisions on documents the pipeline held for review as near duplicates of another uploader's published document
// (features/documents/pipeline.ts). Approving publishes exactly as the pipeline would have; rejecting tells the
// uploader why. Both record the operator and the time, and both are guarded by the 'review' state, so a second
// decision (another operator, a double click, a deleted document) is a 409, never a second effect.
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { rewardFirstUpload } from '../credits/rewards.ts';
import * as documents from '../documents/repo.ts';
import { announcePublication } from '../following/fanout.ts';
import { notify } from '../notifications/service.ts';
import { syncDocumentIndex } from '../search/service.ts';
import * as repo from './repo.ts';

export const REVIEW_PAGE_SIZE = 20;
export const MAX_REASON_CHARS = 200;

type ReviewDeps = Pick<Deps, 'database' | 'search' | 'queue' | 'config' | 'log'>;

/** One page of the review queue, oldest first. */
export async function listReviewQueue(deps: Pick<Deps, 'database'>, page: number) {
  const { db } = deps.database;
  const [rows, total] = await Promise.all([
    repo.listHeldDocuments(db, REVIEW_PAGE_SIZE, (page - 1) * REVIEW_PAGE_SIZE),
    repo.countHeldDocuments(db),
  ]);
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / REVIEW_PAGE_SIZE)) };
}

/** How many documents wait for a decision (the link on /admin). */
export function countReviewQueue(deps: Pick<Deps, 'database'>): Promise<number> {
  return repo.countHeldDocuments(deps.database.db);
}

/** A document still waiting for review, or the reason it cannot be decided on (404 unknown, 409 not waiting). */
async function pendingSubject(db: Deps['database']['db'], id: number) {
  const doc = await repo.findReviewSubject(db, id);
  if (!doc) throw notFound();
  // Held by the PII screen: that decision comes first, in /admin/privacy.
  if (doc.status !== 'review' || doc.reject_code !== 'duplicate.near') throw conflict('review.notPending');
  return doc;
}

/**
 * Publishes a held document: review → published in one transaction with the provider badge and the page-image
 * job, then indexes it for search and grants the first-upload reward, as the pipeline does on publication.
 * The stored similarity (dup_of, dup_score) is kept for the record.
 */
export async function approveHeldDocument(
  deps: ReviewDeps,
  admin: Pick<SessionUser, 'id' | 'role'>,
  id: number,
  ip = '',
) {
  const { db } = deps.database;
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    const doc = await pendingSubject(trx, id);
    const moved = await documents.transitionDocument(trx, id, ['review'], {
      status: 'published',
      published_at: now,
      reject_code: null,
      reject_params: null,
      reviewed_by: admin.id,
      reviewed_at: now,
    });
    if (!moved) throw conflict('review.notPending');
    await documents.markProvider(trx, doc.owner_id);
    await notify(trx, {
      userId: doc.owner_id,
      kind: 'review.approved',
      params: { title: doc.title },
      link: `/d/${id}`,
    });
    await recordAudit(trx, {
      actor: admin,
      action: 'review.approve',
      targetType: 'document',
      targetId: id,
      before: { status: 'review', dup_of: doc.dup_of },
      after: { status: 'published' },
      ip,
    });
    if (deps.config.convert.pageImages)
      await deps.queue.enqueue('document.pages', { documentId: id }, { trx, dedupeKey: `pages:${id}` });
    await announcePublication(trx, deps.queue, id);
  });
  deps.log.info({ documentId: id, admin: admin.id }, 'held document approved');
  await syncIndex(deps, id);
  await rewardFirstUpload(deps, id);
}

/**
 * Rejects a held document: review → rejected with 'duplicate.rejected', whose parameters name the earlier
 * document and the similarity, plus the operator's reason when one was given (shown to the uploader).
 */
export async function rejectHeldDocument(
  deps: ReviewDeps,
  admin: Pick<SessionUser, 'id' | 'role'>,
  id: number,
  rawReason: string | undefined,
  ip = '',
) {
  const reason = (rawReason ?? '').trim();
  if ([...reason].length > MAX_REASON_CHARS)
    throw badRequest('review.reasonTooLong', { max: MAX_REASON_CHARS }).on('reason');
  const { db } = deps.database;
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    const doc = await pendingSubject(trx, id);
    const held = doc.reject_params ? (JSON.parse(doc.reject_params) as { title?: string }) : {};
    const params = {
      id: Number(doc.dup_of),
      title: doc.earlier_title ?? held.title ?? '',
      score: doc.dup_score ?? 0,
      ...(reason ? { reason } : {}),
    };
    const moved = await documents.transitionDocument(trx, id, ['review'], {
      status: 'rejected',
      reject_code: 'duplicate.rejected',
      reject_params: JSON.stringify(params),
      reviewed_by: admin.id,
      reviewed_at: now,
    });
    if (!moved) throw conflict('review.notPending');
    await notify(trx, {
      userId: doc.owner_id,
      kind: 'review.rejected',
      params: { title: doc.title, reason: reason || '—' },
      link: '/my/documents',
    });
    await recordAudit(trx, {
      actor: admin,
      action: 'review.reject',
      targetType: 'document',
      targetId: id,
      before: { status: 'review', dup_of: doc.dup_of },
      after: { status: 'rejected' },
      reason,
      ip,
    });
  });
  deps.log.info({ documentId: id, admin: admin.id }, 'held document rejected');
  // Held documents are never indexed; this makes sure of it (non-published documents are removed).
  await syncIndex(deps, id);
}

/** A failed index write must not undo the decision: it is logged, and `wenyuan reindex` repairs it. */
function syncIndex(deps: ReviewDeps, id: number): Promise<void> {
  return syncDocumentIndex(deps, id).catch((err) =>
    deps.log.error({ err, documentId: id }, 'search index update failed'),
  );
}

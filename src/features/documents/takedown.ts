// Takedown (下架) and restore: the one way a document leaves every public surface for a reason and comes back.
// Reports, copyright notices and punishments all call these two functions, so a takedown always means the same thing:
// the page answers 451/410 with a notice, search/suggestions/related lists/the sitemap/page images drop it, it stops
// selling, the uploader is told why (with the counter-notice path), the staff action is audited, the first-upload
// reward comes back and the uploader's earnings from it are held (docs/decisions/0010-takedown-and-money.md).
import type { Deps } from '../../deps.ts';
import { AppError, conflict, forbidden, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { holdTakedownEarnings, releaseTakedownEarnings } from '../credits/holds.ts';
import { clawBackUploadReward } from '../credits/rewards.ts';
import { canModerate } from '../moderation/policy.ts';
import { notify } from '../notifications/service.ts';
import { closeOpenReportsOfDocument } from '../reports/closing.ts';
import { syncDocumentIndex } from '../search/service.ts';
import { invalidateCachedPages } from '../site/service.ts';
import { buyersKeepAccess, isLegalTakedown } from './policy.ts';
import * as repo from './repo.ts';

export { buyersKeepAccess, isLegalTakedown };

/** Why a document was taken down; the labels are `takedown.code.<code>`. `ban`: its uploader was banned. */
export const TAKEDOWN_CODES = [
  'copyright',
  'privacy',
  'secret',
  'spam',
  'porn',
  'mismatch',
  'illegal',
  'other',
  'ban',
] as const;
export type TakedownCode = (typeof TAKEDOWN_CODES)[number];

/** True for a known takedown code. */
export function isTakedownCode(code: unknown): code is TakedownCode {
  return typeof code === 'string' && (TAKEDOWN_CODES as readonly string[]).includes(code);
}

/**
 * What a taken-down document answers everywhere it used to be shown (page, page images, purchase): 451 for a legal
 * takedown, 410 otherwise, with the reason in zh-CN. Carries what the page needs to tell the uploader more.
 */
export class TakenDownError extends AppError {
  readonly documentId: number;
  readonly ownerId: number;
  readonly title: string;
  readonly note: string | null;
  constructor(doc: {
    id: number;
    owner_id: number;
    title: string;
    takedown_code: string | null;
    takedown_note: string | null;
  }) {
    const code = isTakedownCode(doc.takedown_code) ? doc.takedown_code : 'other';
    super(
      isLegalTakedown(code) ? 451 : 410,
      'taken_down',
      isLegalTakedown(code) ? 'takedown.page.legal' : 'takedown.page.gone',
      { reason: t(`takedown.code.${code}`) },
    );
    this.name = 'TakenDownError';
    this.documentId = Number(doc.id);
    this.ownerId = Number(doc.owner_id);
    this.title = doc.title;
    this.note = doc.takedown_note;
  }
}

type Actor = Pick<SessionUser, 'id' | 'role'>;
type TakedownDeps = Pick<Deps, 'database' | 'search' | 'log'>;

const NOTE_MAX = 500;
const cleanNote = (note: string | undefined) => (note ?? '').normalize('NFC').trim().slice(0, NOTE_MAX);

/**
 * Takes a document down.
 *
 * 1. One transaction: `published | review → taken_down` (guarded: 409 when it is already taken down, deleted or not
 *    public yet), with when/why/what-caused-it/note and the status it came from; the site revision is bumped so no
 *    cached page (its own, or another document's related list) still shows it; every open report on it closes as
 *    actioned (each reporter notified); the uploader is notified with the reason and the counter-notice path; the
 *    action is audited.
 * 2. After commit: out of the search index (results, suggestions, related lists), the first-upload reward clawed
 *    back, the uploader's earnings from it held. These are idempotent; a failure is logged and repaired by re-running
 *    (`wenyuan reindex`, or the same takedown's money step on restore/retake).
 */
export async function takeDownDocument(
  deps: TakedownDeps,
  actor: Actor,
  input: { documentId: number; code: TakedownCode; ref?: string; note?: string; ip: string },
): Promise<void> {
  if (!canModerate(actor)) throw forbidden();
  if (!isTakedownCode(input.code)) throw notFound();
  const { db } = deps.database;
  const note = cleanNote(input.note);
  const now = Date.now();
  const doc = await db.transaction().execute(async (trx) => {
    const before = await repo.findDocumentById(trx, input.documentId);
    if (!before) throw notFound();
    if (before.status === 'taken_down') throw conflict('takedown.alreadyTakenDown');
    if (before.status === 'deleted') throw conflict('takedown.deleted');
    if (before.status !== 'published' && before.status !== 'review') throw conflict('takedown.notPublic');
    const moved = await repo.transitionDocument(trx, before.id, [before.status], {
      status: 'taken_down',
      taken_down_at: now,
      takedown_code: input.code,
      takedown_ref: input.ref ?? null,
      takedown_note: note || null,
      takedown_from: before.status,
    });
    // Someone else moved it between the read and the update (another moderator, the uploader deleting it).
    if (!moved) throw conflict('takedown.alreadyTakenDown');
    await invalidateCachedPages(trx);
    // The reports on it were right, whatever caused the takedown: all of them close as actioned.
    await closeOpenReportsOfDocument(trx, {
      documentId: before.id,
      title: before.title,
      decision: 'takedown',
      actor,
      reason: t(`takedown.code.${input.code}`),
      ip: input.ip,
    });
    await notify(trx, {
      userId: before.owner_id,
      kind: note ? 'takedown.withNote' : 'takedown',
      params: { title: before.title, reason: t(`takedown.code.${input.code}`), note },
      link: `/d/${before.id}/counter-notice`,
    });
    await recordAudit(trx, {
      actor,
      action: 'document.takedown',
      targetType: 'document',
      targetId: before.id,
      before: { status: before.status },
      after: { status: 'taken_down', code: input.code, ref: input.ref ?? null },
      reason: note || t(`takedown.code.${input.code}`),
      ip: input.ip,
    });
    return before;
  });
  // 2. Side effects that only follow a committed takedown.
  await syncDocumentIndex(deps, doc.id).catch((err) =>
    deps.log.error({ err, documentId: doc.id }, 'search index removal after takedown failed'),
  );
  await clawBackUploadReward(deps, doc.id);
  const held = await holdTakedownEarnings(deps, doc.id);
  if (held > 0) {
    await notify(db, {
      userId: doc.owner_id,
      kind: 'takedown.earningsHeld',
      params: { title: doc.title, amount: held },
      link: '/account/earnings',
    });
  }
}

/**
 * Restores a taken-down document to the status it was taken down from (published, or review for a near duplicate
 * still waiting for its decision): notified, audited, re-indexed, cached pages invalidated, held earnings released.
 * The clawed-back first-upload reward is not paid again (one per user, ever). 409 when it is not taken down.
 */
export async function restoreDocument(
  deps: TakedownDeps,
  actor: Actor,
  input: { documentId: number; ref?: string; note?: string; ip: string },
): Promise<void> {
  if (!canModerate(actor)) throw forbidden();
  const { db } = deps.database;
  const note = cleanNote(input.note);
  const doc = await db.transaction().execute(async (trx) => {
    const before = await repo.findDocumentById(trx, input.documentId);
    if (!before) throw notFound();
    if (before.status !== 'taken_down') throw conflict('takedown.notTakenDown');
    const to = before.takedown_from === 'review' ? 'review' : 'published';
    const moved = await repo.transitionDocument(trx, before.id, ['taken_down'], {
      status: to,
      taken_down_at: null,
      takedown_code: null,
      takedown_ref: null,
      takedown_note: null,
      takedown_from: null,
      // A document taken down before it was ever published (from review) keeps published_at null.
    });
    if (!moved) throw conflict('takedown.notTakenDown');
    await invalidateCachedPages(trx);
    await notify(trx, {
      userId: before.owner_id,
      kind: to === 'review' ? 'takedown.restoredToReview' : 'takedown.restored',
      params: { title: before.title, note },
      link: `/d/${before.id}`,
    });
    await recordAudit(trx, {
      actor,
      action: 'document.restore',
      targetType: 'document',
      targetId: before.id,
      before: { status: 'taken_down', code: before.takedown_code, ref: before.takedown_ref },
      after: { status: to, ref: input.ref ?? null },
      reason: note,
      ip: input.ip,
    });
    return before;
  });
  await syncDocumentIndex(deps, doc.id).catch((err) =>
    deps.log.error({ err, documentId: doc.id }, 'search index update after restore failed'),
  );
  await releaseTakedownEarnings(deps, doc.id);
}

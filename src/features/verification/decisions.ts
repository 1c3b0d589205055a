// The staff side of real-name verification (service.ts has the user's): the queue of submissions (masked),
// approve and reject (moderators and admins), revoke and the audited reveal (admins only). Every decision is one
// transaction with the badge, the applicant's notification and the audit entry.
import { fileTypeFromBuffer } from 'file-type';
import type { Kysely } from 'kysely';
import { PiiOpenError } from '../../crypto/pii-cipher.ts';
import type { DB, VerificationStatus } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import { canAdminister, canModerate } from '../moderation/policy.ts';
import { notify } from '../notifications/service.ts';
import * as repo from './repo.ts';
import {
  type Actor,
  masked,
  nameContext,
  numberContext,
  PHOTO_TYPES,
  photoContext,
  type Row,
  type VerificationDeps,
} from './sealed.ts';

export const VERIFICATION_STATUSES: readonly VerificationStatus[] = ['pending', 'approved', 'rejected', 'revoked'];
const PAGE_SIZE = 20;

/** One page of submissions in a status, masked, for moderators and admins. */
export async function listVerifications(deps: VerificationDeps, status: VerificationStatus, page: number) {
  const { db } = deps.database;
  const [rows, total] = await Promise.all([
    repo.listByStatus(db, status, PAGE_SIZE, (page - 1) * PAGE_SIZE),
    repo.countByStatus(db, status),
  ]);
  return {
    rows: rows.map((r) =>
      masked(deps, r, { displayName: r.display_name, hasPhoto: r.has_photo, sameNumberUsers: r.same_number_users }),
    ),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
  };
}

/** How many submissions wait for a decision. */
export function countPendingVerifications(deps: Pick<Deps, 'database'>): Promise<number> {
  return repo.countByStatus(deps.database.db, 'pending');
}

/** A reason staff give (shown to the user or kept in the audit log): 2–200 characters. */
function checkReason(
  raw: string | undefined,
  key: 'verification.reasonRequired' | 'verification.revealReasonRequired',
) {
  const reason = (raw ?? '').normalize('NFC').trim();
  const n = [...reason].length;
  if (n < 2 || n > 200) throw badRequest(key).on('reason');
  return reason;
}

/** The submission to decide on: 404 unknown, 403 for one's own (nobody verifies themselves). */
async function subject(db: Kysely<DB>, actor: Actor, id: number) {
  const v = await repo.findVerification(db, id);
  if (!v) throw notFound();
  if (Number(v.user_id) === actor.id) throw forbidden('verification.selfReview');
  return v;
}

/** The masked forms the audit log records (never the number itself). */
function auditView(deps: VerificationDeps, v: Row) {
  const m = masked(deps, v);
  return { user: m.userId, name: m.name ?? '?', number: m.number ?? '?' };
}

/**
 * Approves a pending submission (moderators and admins): pending → approved, the 实名认证 badge set, the applicant
 * notified, the decision audited — one transaction. 409 when it was already decided or the number has meanwhile
 * been verified on another account.
 */
export async function approveVerification(deps: VerificationDeps, actor: Actor, id: number, ip = '') {
  if (!canModerate(actor)) throw forbidden();
  const { db } = deps.database;
  const now = Date.now();
  try {
    await db.transaction().execute(async (trx) => {
      const v = await subject(trx, actor, id);
      if (v.status !== 'pending') throw conflict('verification.notPending');
      const userId = Number(v.user_id);
      if (await repo.numberApprovedElsewhere(trx, v.id_number_fingerprint, userId))
        throw conflict('verification.numberTaken');
      const moved = await repo.transition(trx, id, 'pending', {
        status: 'approved',
        reviewed_by: actor.id,
        reviewed_at: now,
      });
      if (!moved) throw conflict('verification.notPending');
      await repo.setRealNameVerified(trx, userId, true, now);
      await notify(trx, { userId, kind: 'verification.approved', link: '/account/verification' });
      await recordAudit(trx, {
        actor,
        action: 'verification.approve',
        targetType: 'verification',
        targetId: id,
        before: { status: 'pending', ...auditView(deps, v) },
        after: { status: 'approved', real_name_verified: 1 },
        ip,
      });
    });
  } catch (err) {
    if (repo.isUniqueViolation(err)) throw conflict('verification.numberTaken');
    throw err;
  }
  deps.log.info({ verificationId: id, staff: actor.id }, 'verification approved');
}

/** Rejects a pending submission with a reason the applicant reads (moderators and admins); 409 when decided. */
export async function rejectVerification(
  deps: VerificationDeps,
  actor: Actor,
  id: number,
  rawReason: string | undefined,
  ip = '',
) {
  if (!canModerate(actor)) throw forbidden();
  const reason = checkReason(rawReason, 'verification.reasonRequired');
  const { db } = deps.database;
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    const v = await subject(trx, actor, id);
    if (v.status !== 'pending') throw conflict('verification.notPending');
    const moved = await repo.transition(trx, id, 'pending', {
      status: 'rejected',
      reason,
      reviewed_by: actor.id,
      reviewed_at: now,
    });
    if (!moved) throw conflict('verification.notPending');
    const userId = Number(v.user_id);
    await notify(trx, { userId, kind: 'verification.rejected', params: { reason }, link: '/account/verification' });
    await recordAudit(trx, {
      actor,
      action: 'verification.reject',
      targetType: 'verification',
      targetId: id,
      before: { status: 'pending', ...auditView(deps, v) },
      after: { status: 'rejected' },
      reason,
      ip,
    });
  });
  deps.log.info({ verificationId: id, staff: actor.id }, 'verification rejected');
}

/**
 * Revokes an approved verification (admins only), clearing the 实名认证 badge: new paid uploads and payouts are
 * refused from then on. The user is notified with the reason and may submit again. 409 when not approved.
 */
export async function revokeVerification(
  deps: VerificationDeps,
  actor: Actor,
  id: number,
  rawReason: string | undefined,
  ip = '',
) {
  if (!canAdminister(actor)) throw forbidden();
  const reason = checkReason(rawReason, 'verification.reasonRequired');
  const { db } = deps.database;
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    const v = await subject(trx, actor, id);
    if (v.status !== 'approved') throw conflict('verification.notApproved');
    const moved = await repo.transition(trx, id, 'approved', {
      status: 'revoked',
      reason,
      revoked_by: actor.id,
      revoked_at: now,
    });
    if (!moved) throw conflict('verification.notApproved');
    const userId = Number(v.user_id);
    await repo.setRealNameVerified(trx, userId, false, now);
    await notify(trx, { userId, kind: 'verification.revoked', params: { reason }, link: '/account/verification' });
    await recordAudit(trx, {
      actor,
      action: 'verification.revoke',
      targetType: 'verification',
      targetId: id,
      before: { status: 'approved', real_name_verified: 1, ...auditView(deps, v) },
      after: { status: 'revoked', real_name_verified: 0 },
      reason,
      ip,
    });
  });
  deps.log.info({ verificationId: id, staff: actor.id }, 'verification revoked');
}

/** What an admin sees once after revealing: the full name and number and the photo as a data URL. */
export interface RevealedVerification {
  readonly id: number;
  readonly userId: number;
  readonly displayName: string;
  readonly status: VerificationStatus;
  readonly name: string | undefined;
  readonly number: string | undefined;
  readonly photo: { readonly mime: string; readonly dataUrl: string } | undefined;
}

/**
 * Opens a submission for an admin, who must give a reason. The reveal is audited (who, when, from where, why,
 * which submission, in masked form) before anything is opened; the caller shows the result once, uncached.
 */
export async function revealVerification(
  deps: VerificationDeps,
  actor: Actor,
  id: number,
  rawReason: string | undefined,
  ip = '',
): Promise<RevealedVerification> {
  // Only admins reveal identity numbers (moderators decide on masked data).
  if (!canAdminister(actor)) throw forbidden();
  const reason = checkReason(rawReason, 'verification.revealReasonRequired');
  const { db } = deps.database;
  const v = await repo.findVerification(db, id);
  if (!v) throw notFound();
  const userId = Number(v.user_id);
  await recordAudit(db, {
    actor,
    action: 'verification.reveal',
    targetType: 'verification',
    targetId: id,
    after: { status: v.status, photo: Boolean(v.has_photo), ...auditView(deps, v) },
    reason,
    ip,
  });
  deps.log.info({ verificationId: id, admin: actor.id }, 'verification revealed');
  const open = (sealed: string, context: string) => {
    try {
      return deps.pii.openText(sealed, context);
    } catch (err) {
      if (err instanceof PiiOpenError) return undefined;
      throw err;
    }
  };
  let photo: RevealedVerification['photo'];
  const sealedPhoto = v.has_photo ? await repo.findPhoto(db, id) : undefined;
  if (sealedPhoto) {
    try {
      const bytes = deps.pii.openBytes(sealedPhoto, photoContext(userId));
      const mime = (await fileTypeFromBuffer(bytes))?.mime ?? 'application/octet-stream';
      if (PHOTO_TYPES.includes(mime)) photo = { mime, dataUrl: `data:${mime};base64,${bytes.toString('base64')}` };
    } catch (err) {
      if (!(err instanceof PiiOpenError)) throw err;
    }
  }
  return {
    id,
    userId,
    displayName: v.display_name,
    status: v.status,
    name: open(v.legal_name_sealed, nameContext(userId)),
    number: open(v.id_number_sealed, numberContext(userId)),
    photo,
  };
}

// Real-name verification (实名认证, 网络安全法 §24): a user submits their legal name, 居民身份证号 and optionally a
// photo of the card; staff approve or reject; only an approval sets the 实名认证 badge (users.real_name_verified), and
// only an admin's revocation clears it. Selling paid documents and payouts require the badge.
//
// Identity data is sealed before it reaches the database (crypto/pii-cipher.ts, decision 0011) and leaves the
// service only masked (张** 110101********1234), except through `revealVerification`: an admin's explicit, audited
// action whose result is shown once. Logs carry ids, never identity data; audit entries carry masked forms.
import { fileTypeFromBuffer } from 'file-type';
import type { Kysely } from 'kysely';
import { PiiOpenError } from '../../crypto/pii-cipher.ts';
import type { DB, VerificationStatus } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { formatBytes } from '../../web/format.ts';
import { assertContactVerified } from '../accounts/contact.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { canAdminister, canModerate } from '../moderation/policy.ts';
import { notify } from '../notifications/service.ts';
import { checkIdNumber, maskIdNumber, maskLegalName, normalizeLegalName } from './id-number.ts';
import * as repo from './repo.ts';

type VerificationDeps = Pick<Deps, 'database' | 'pii' | 'log'>;
type Actor = Pick<SessionUser, 'id' | 'role'>;

/** The largest photo of the card accepted (a phone photo, compressed). */
export const PHOTO_MAX_BYTES = 4 * 1024 * 1024;
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const VERIFICATION_STATUSES: readonly VerificationStatus[] = ['pending', 'approved', 'rejected', 'revoked'];
const PAGE_SIZE = 20;
const FINGERPRINT_PURPOSE = 'id-number';

// Sealed values are bound to their owner: a value copied into another user's row does not open.
const nameContext = (userId: number) => `verification.name:${userId}`;
const numberContext = (userId: number) => `verification.number:${userId}`;
const photoContext = (userId: number) => `verification.photo:${userId}`;

/** What a user submits on /account/verification. */
export interface SubmissionInput {
  readonly legalName: string;
  readonly idNumber: string;
  readonly consent: boolean;
  /** The bytes of the card photo, if one was attached. */
  readonly photo?: Buffer | undefined;
}

/** A submission as anyone but the revealing admin sees it: masked name and number, never the sealed values. */
export interface MaskedVerification {
  readonly id: number;
  readonly userId: number;
  readonly displayName: string | undefined;
  /** Masked (张**), or undefined when the value does not open (a lost key). */
  readonly name: string | undefined;
  /** Masked (110101********1234), or undefined when the value does not open. */
  readonly number: string | undefined;
  readonly status: VerificationStatus;
  readonly reason: string;
  readonly submittedAt: number;
  readonly reviewedAt: number | null;
  readonly hasPhoto: boolean;
  /** Other accounts that submitted the same number (staff lists only). */
  readonly sameNumberUsers: number;
}

type Row = NonNullable<Awaited<ReturnType<typeof repo.findLatestForUser>>>;

/** Opens a sealed value and masks it; undefined when it does not open (logged, never thrown at a page). */
function openMasked(deps: VerificationDeps, sealed: string, context: string, mask: (plain: string) => string) {
  try {
    return mask(deps.pii.openText(sealed, context));
  } catch (err) {
    if (!(err instanceof PiiOpenError)) throw err;
    deps.log.error({ err: { message: err.message }, context: context.split(':')[0] }, 'sealed value does not open');
    return undefined;
  }
}

function masked(
  deps: VerificationDeps,
  row: Row,
  extra: { displayName?: string; hasPhoto?: unknown; sameNumberUsers?: unknown } = {},
): MaskedVerification {
  const userId = Number(row.user_id);
  return {
    id: Number(row.id),
    userId,
    displayName: extra.displayName,
    name: openMasked(deps, row.legal_name_sealed, nameContext(userId), maskLegalName),
    number: openMasked(deps, row.id_number_sealed, numberContext(userId), maskIdNumber),
    status: row.status,
    reason: row.reason,
    submittedAt: Number(row.submitted_at),
    reviewedAt: row.reviewed_at === null ? null : Number(row.reviewed_at),
    hasPhoto: Boolean(extra.hasPhoto),
    sameNumberUsers: Number(extra.sameNumberUsers ?? 0),
  };
}

/** The user's own page: their latest submission (masked), whether they are verified, whether they may submit. */
export async function getMyVerification(deps: VerificationDeps, user: Pick<SessionUser, 'id'>) {
  const { db } = deps.database;
  const [latest, verified] = await Promise.all([
    repo.findLatestForUser(db, user.id),
    repo.isRealNameVerified(db, user.id),
  ]);
  const photo = latest ? (await repo.findVerification(db, Number(latest.id)))?.has_photo : false;
  const view = latest ? masked(deps, latest, { hasPhoto: photo }) : undefined;
  const canSubmit = !verified && view?.status !== 'pending' && view?.status !== 'approved';
  return { latest: view, verified, canSubmit };
}

/** Whether the user carries the 实名认证 badge. */
export function isRealNameVerified(deps: Pick<Deps, 'database'>, userId: number): Promise<boolean> {
  return repo.isRealNameVerified(deps.database.db, userId);
}

/**
 * Refuses (403) a sale — a paid upload or a price above 0 — by a user whose email or phone is not verified, or who
 * has no approved verification.
 */
export async function assertMaySell(db: Kysely<DB>, userId: number): Promise<void> {
  await assertContactVerified(db, userId);
  if (!(await repo.isRealNameVerified(db, userId))) throw forbidden('verification.requiredToSell');
}

/** Checks the form, first problem first; returns the normalised name and number. */
function validateSubmission(input: SubmissionInput) {
  const name = normalizeLegalName(input.legalName);
  if (!name) throw badRequest('verification.nameInvalid');
  const number = checkIdNumber(input.idNumber);
  if (!number.ok) throw badRequest(`verification.number.${number.problem}`, { n: number.length ?? 0 });
  if (!input.consent) throw badRequest('verification.consentRequired');
  return { name, number: number.number };
}

/** The photo's type from its bytes (never its name or the client's word); 413/422 when too large or not an image. */
async function checkPhoto(photo: Buffer): Promise<string> {
  if (photo.length > PHOTO_MAX_BYTES) {
    throw new AppError(413, 'too_large', 'verification.photoTooLarge', { max: formatBytes(PHOTO_MAX_BYTES) });
  }
  const type = await fileTypeFromBuffer(photo);
  if (!type || !PHOTO_TYPES.includes(type.mime))
    throw new AppError(422, 'unsupported_file', 'verification.photoInvalid');
  return type.mime;
}

/**
 * Submits a verification:
 * 1. validate the name, the number (region, birth date, check digit; 15 digits refused) and the consent;
 * 2. sniff the photo, if any;
 * 3. in one transaction: refuse while one is pending (409) or when already verified (409), refuse a number another
 *    account has verified (409), then store the sealed name, number and photo with the number's fingerprint.
 * The one-pending rule is also a unique index, so two submissions racing end with one row and one 409.
 */
export async function submitVerification(
  deps: VerificationDeps,
  user: Pick<SessionUser, 'id'>,
  input: SubmissionInput,
): Promise<number> {
  // Real-name verification is the first step of selling: it waits for a verified email or phone.
  await assertContactVerified(deps.database.db, user.id);
  // 1–2.
  const { name, number } = validateSubmission(input);
  const photo = input.photo && input.photo.length > 0 ? input.photo : undefined;
  if (photo) await checkPhoto(photo);
  const fingerprint = deps.pii.fingerprint(FINGERPRINT_PURPOSE, number);
  // 3.
  const { db } = deps.database;
  let id: number;
  try {
    id = await db.transaction().execute(async (trx) => {
      const latest = await repo.findLatestForUser(trx, user.id);
      if (latest?.status === 'pending') throw conflict('verification.pendingExists');
      if (latest?.status === 'approved') throw conflict('verification.alreadyVerified');
      if (await repo.numberApprovedElsewhere(trx, fingerprint, user.id)) throw conflict('verification.numberTaken');
      const newId = await repo.insertVerification(trx, {
        userId: user.id,
        nameSealed: deps.pii.sealText(name, nameContext(user.id)),
        numberSealed: deps.pii.sealText(number, numberContext(user.id)),
        fingerprint,
        now: Date.now(),
      });
      if (photo) await repo.insertPhoto(trx, newId, deps.pii.sealBytes(photo, photoContext(user.id)));
      return newId;
    });
  } catch (err) {
    if (repo.isUniqueViolation(err)) throw conflict('verification.pendingExists');
    throw err;
  }
  deps.log.info({ verificationId: id, userId: user.id, photo: photo !== undefined }, 'verification submitted');
  return id;
}

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
  if (n < 2 || n > 200) throw badRequest(key);
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

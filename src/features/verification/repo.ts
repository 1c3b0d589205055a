// Verification rows. Sealed columns go in and come out as they are; sealing and opening happen in the service.
import type { Kysely } from 'kysely';
import type { DB, VerificationStatus } from '../../db/schema.ts';

/** A unique index refused the write (one pending/approved per user, one approved account per number). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT_UNIQUE'));
}

const COLUMNS = [
  'v.id',
  'v.user_id',
  'v.legal_name_sealed',
  'v.id_number_sealed',
  'v.id_number_fingerprint',
  'v.status',
  'v.reason',
  'v.submitted_at',
  'v.reviewed_by',
  'v.reviewed_at',
  'v.revoked_by',
  'v.revoked_at',
] as const;

/** The user's latest submission, if any. */
export function findLatestForUser(db: Kysely<DB>, userId: number) {
  return db
    .selectFrom('verifications as v')
    .select(COLUMNS)
    .where('v.user_id', '=', userId)
    .orderBy('v.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** One submission with its applicant's name and whether a photo came with it. */
export function findVerification(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('verifications as v')
    .innerJoin('users as u', 'u.id', 'v.user_id')
    .select(COLUMNS)
    .select(['u.display_name', 'u.role'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('verification_photos as p')
            .select('p.verification_id')
            .whereRef('p.verification_id', '=', 'v.id'),
        )
        .as('has_photo'),
    )
    .where('v.id', '=', id)
    .executeTakeFirst();
}

/** Whether anyone (other than `exceptUserId`) holds an approved verification of this number. */
export async function numberApprovedElsewhere(db: Kysely<DB>, fingerprint: string, exceptUserId: number) {
  const row = await db
    .selectFrom('verifications')
    .select('id')
    .where('id_number_fingerprint', '=', fingerprint)
    .where('status', '=', 'approved')
    .where('user_id', '!=', exceptUserId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Inserts a pending submission; returns its id. */
export async function insertVerification(
  db: Kysely<DB>,
  v: { userId: number; nameSealed: string; numberSealed: string; fingerprint: string; now: number },
): Promise<number> {
  const row = await db
    .insertInto('verifications')
    .values({
      user_id: v.userId,
      legal_name_sealed: v.nameSealed,
      id_number_sealed: v.numberSealed,
      id_number_fingerprint: v.fingerprint,
      status: 'pending',
      reason: '',
      submitted_at: v.now,
      reviewed_by: null,
      reviewed_at: null,
      revoked_by: null,
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Stores the sealed photo of a submission. */
export async function insertPhoto(db: Kysely<DB>, verificationId: number, sealed: Buffer) {
  await db.insertInto('verification_photos').values({ verification_id: verificationId, sealed }).execute();
}

/** The sealed photo of a submission, if one came with it. */
export async function findPhoto(db: Kysely<DB>, verificationId: number): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('verification_photos')
    .select('sealed')
    .where('verification_id', '=', verificationId)
    .executeTakeFirst();
  return row ? Buffer.from(row.sealed) : undefined;
}

/**
 * Moves a submission from one status to another, only if it is still in `from` (a second decision finds nothing to
 * move and the caller answers 409). Returns whether it moved.
 */
export async function transition(
  db: Kysely<DB>,
  id: number,
  from: VerificationStatus,
  set: {
    status: VerificationStatus;
    reason?: string;
    reviewed_by?: number;
    reviewed_at?: number;
    revoked_by?: number;
    revoked_at?: number;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('verifications')
    .set(set)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Sets or clears the 实名认证 badge, bumping the revision so cached pages showing it are rendered anew. */
export async function setRealNameVerified(db: Kysely<DB>, userId: number, verified: boolean, now: number) {
  await db
    .updateTable('users')
    .set((eb) => ({ real_name_verified: verified ? 1 : 0, rev: eb('rev', '+', 1), updated_at: now }))
    .where('id', '=', userId)
    .execute();
}

/** Whether the user carries the 实名认证 badge (set only by an approved verification). */
export async function isRealNameVerified(db: Kysely<DB>, userId: number): Promise<boolean> {
  const u = await db.selectFrom('users').select('real_name_verified').where('id', '=', userId).executeTakeFirst();
  return u?.real_name_verified === 1;
}

/** One page of submissions in a status (oldest first for pending, newest first otherwise), with applicants. */
export function listByStatus(db: Kysely<DB>, status: VerificationStatus, limit: number, offset: number) {
  return db
    .selectFrom('verifications as v')
    .innerJoin('users as u', 'u.id', 'v.user_id')
    .select(COLUMNS)
    .select(['u.display_name'])
    .select((eb) => [
      eb
        .exists(
          eb
            .selectFrom('verification_photos as p')
            .select('p.verification_id')
            .whereRef('p.verification_id', '=', 'v.id'),
        )
        .as('has_photo'),
      // Other accounts that submitted the same number (a hint for the moderator, not a decision).
      eb
        .selectFrom('verifications as o')
        .select((o) => o.fn.count<number>('o.user_id').distinct().as('n'))
        .whereRef('o.id_number_fingerprint', '=', 'v.id_number_fingerprint')
        .whereRef('o.user_id', '!=', 'v.user_id')
        .as('same_number_users'),
    ])
    .where('v.status', '=', status)
    .orderBy('v.id', status === 'pending' ? 'asc' : 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** How many submissions are in a status. */
export async function countByStatus(db: Kysely<DB>, status: VerificationStatus): Promise<number> {
  const row = await db
    .selectFrom('verifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

import type { Kysely, Selectable } from 'kysely';
import type { AccountTokenPurpose, AccountTokensTable, DB } from '../../db/schema.ts';

/** A stored token row (only the keyed hash of the secret). */
export type AccountTokenRow = Selectable<AccountTokensTable>;

/** Inserts a token row and returns its id. */
export async function insertToken(
  db: Kysely<DB>,
  row: {
    userId: number | null;
    purpose: AccountTokenPurpose;
    channel: 'email' | 'sms';
    identifier: string;
    tokenHash: string;
    expiresAt: number;
    now: number;
    ip: string;
    pendingName?: string | null;
    pendingPasswordHash?: string | null;
  },
): Promise<number> {
  const r = await db
    .insertInto('account_tokens')
    .values({
      user_id: row.userId,
      purpose: row.purpose,
      channel: row.channel,
      identifier: row.identifier,
      token_hash: row.tokenHash,
      expires_at: row.expiresAt,
      used_at: null,
      attempts: 0,
      created_at: row.now,
      ip: row.ip,
      pending_name: row.pendingName ?? null,
      pending_password_hash: row.pendingPasswordHash ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** The token whose hash this is (link tokens are found by hash). */
export function findTokenByHash(db: Kysely<DB>, tokenHash: string) {
  return db.selectFrom('account_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** The latest token of a purpose sent to an identifier over a channel (codes are checked against this one only). */
export function findLatestToken(
  db: Kysely<DB>,
  identifier: string,
  purpose: AccountTokenPurpose,
  channel: 'email' | 'sms',
) {
  return db
    .selectFrom('account_tokens')
    .selectAll()
    .where('identifier', '=', identifier)
    .where('purpose', '=', purpose)
    .where('channel', '=', channel)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Sends to an identifier since `since`: how many, and when the latest was. */
export async function sendsToIdentifier(
  db: Kysely<DB>,
  identifier: string,
  since: number,
  purpose: AccountTokenPurpose,
) {
  const r = await db
    .selectFrom('account_tokens')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.max(eb.case().when('purpose', '=', purpose).then(eb.ref('created_at')).end()).as('latest'),
    ])
    .where('identifier', '=', identifier)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), latest: r.latest === null ? null : Number(r.latest) };
}

/** Sends requested from an address since `since`. */
export async function sendsFromAddress(db: Kysely<DB>, ip: string, since: number): Promise<number> {
  const r = await db
    .selectFrom('account_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ip', '=', ip)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Wrong codes entered for an identifier on tokens issued since `since` (the per-account brute-force budget). */
export async function wrongCodesForIdentifier(db: Kysely<DB>, identifier: string, since: number): Promise<number> {
  const r = await db
    .selectFrom('account_tokens')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('attempts'), eb.lit(0)).as('n'))
    .where('identifier', '=', identifier)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Counts one wrong code on a token; returns the attempts now recorded. */
export async function addAttempt(db: Kysely<DB>, id: number): Promise<number> {
  const r = await db
    .updateTable('account_tokens')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirstOrThrow();
  return Number(r.attempts);
}

/**
 * Marks a token used, only if it is still unused, unexpired and within its attempts: the one statement that makes
 * a token single-use under concurrency. True when this call used it.
 */
export async function markUsed(db: Kysely<DB>, id: number, now: number, maxAttempts: number): Promise<boolean> {
  const r = await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('attempts', '<', maxAttempts)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Retires every live token of a purpose for a user or an identifier (after a reset or a verification). */
export async function retireTokens(
  db: Kysely<DB>,
  by: { userId?: number; identifier?: string },
  purposes: readonly AccountTokenPurpose[],
  now: number,
): Promise<void> {
  let q = db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('used_at', 'is', null)
    .where('purpose', 'in', purposes);
  if (by.userId !== undefined) q = q.where('user_id', '=', by.userId);
  if (by.identifier !== undefined) q = q.where('identifier', '=', by.identifier);
  await q.execute();
}

/** Forgets tokens older than `before` (a pending registration's password hash does not outlive its day). */
export async function deleteOldTokens(db: Kysely<DB>, before: number): Promise<void> {
  await db.deleteFrom('account_tokens').where('created_at', '<', before).execute();
}

/** Marks a user's contact verified (once; the first time is kept). */
export async function setContactVerified(db: Kysely<DB>, userId: number, now: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ contact_verified_at: now, updated_at: now })
    .where('id', '=', userId)
    .where('contact_verified_at', 'is', null)
    .execute();
}

/** Sets a new password hash. */
export async function setPasswordHash(db: Kysely<DB>, userId: number, hash: string, now: number): Promise<void> {
  await db.updateTable('users').set({ password_hash: hash, updated_at: now }).where('id', '=', userId).execute();
}

/** Ends every session of a user, or every one but `keepId` (the session the change was made from). */
export async function deleteSessionsOf(db: Kysely<DB>, userId: number, keepId?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepId !== undefined) q = q.where('id', '!=', keepId);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, DB } from '../../db/schema.ts';

/** A stored token (never the secret: only its hash and first characters). */
export type ApiTokenRow = Selectable<ApiTokensTable>;

/** Inserts a token and returns its id. */
export async function insertToken(
  db: Kysely<DB>,
  t: {
    userId: number;
    name: string;
    hash: string;
    prefix: string;
    scopes: string;
    now: number;
    expiresAt: number | null;
  },
): Promise<number> {
  const row = await db
    .insertInto('api_tokens')
    .values({
      user_id: t.userId,
      name: t.name,
      token_hash: t.hash,
      token_prefix: t.prefix,
      scopes: t.scopes,
      created_at: t.now,
      expires_at: t.expiresAt,
      last_used_at: null,
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A user's tokens, newest first (revoked and expired ones too: the list shows what happened to them). */
export function listTokens(db: Kysely<DB>, userId: number, limit: number): Promise<ApiTokenRow[]> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** How many of a user's tokens are live (neither revoked nor expired). */
export async function countLiveTokens(db: Kysely<DB>, userId: number, now: number): Promise<number> {
  const row = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The live token with this hash and its user, if any. */
export function findLiveTokenWithUser(db: Kysely<DB>, hash: string, now: number) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.id as token_id',
      't.scopes',
      't.last_used_at',
      'u.id',
      'u.display_name',
      'u.role',
      'u.banned_until',
      'u.muted_until',
      'u.contact_verified_at',
    ])
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
    .executeTakeFirst();
}

/** Records a use (callers throttle this to once a minute per token). */
export async function touchToken(db: Kysely<DB>, id: number, now: number): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

/** Revokes one of the user's live tokens; returns the row as it was, or undefined when there was none to revoke. */
export async function revokeToken(
  db: Kysely<DB>,
  userId: number,
  id: number,
  now: number,
): Promise<ApiTokenRow | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return undefined;
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1 ? row : undefined;
}

/** Revokes every live token of a user (a password reset or change: a token must not outlive the credentials). */
export async function revokeAllTokensOf(db: Kysely<DB>, userId: number, now: number): Promise<number> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

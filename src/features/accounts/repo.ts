import type { Kysely } from 'kysely';
import type { DB, NewUser, User } from '../../db/schema.ts';

/** Finds a user by the normalised email or phone they log in with. */
export function findUserByIdentifier(db: Kysely<DB>, kind: 'email' | 'phone', value: string) {
  return db.selectFrom('users').selectAll().where(kind, '=', value).executeTakeFirst();
}

/** Finds a user by id. */
export function findUserById(db: Kysely<DB>, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts a user and returns its id. */
export async function insertUser(db: Kysely<DB>, user: NewUser): Promise<number> {
  const row = await db.insertInto('users').values(user).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Inserts a session row. */
export async function insertSession(
  db: Kysely<DB>,
  s: { id: string; userId: number; now: number; expiresAt: number; ip: string; userAgent: string },
) {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      user_id: s.userId,
      created_at: s.now,
      expires_at: s.expiresAt,
      last_seen_at: s.now,
      ip: s.ip,
      user_agent: s.userAgent,
    })
    .execute();
}

/** The live session with its user, if the hashed id exists and has not expired. */
export function findSessionWithUser(db: Kysely<DB>, id: string, now: number) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.last_seen_at',
      'users.id',
      'users.display_name',
      'users.role',
      'users.real_name_verified',
      'users.banned_until',
      'users.muted_until',
      'users.contact_verified_at',
    ])
    .where('sessions.id', '=', id)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

/** Slides a session's expiry forward. */
export async function touchSession(db: Kysely<DB>, id: string, now: number, expiresAt: number) {
  await db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', id).execute();
}

/** Deletes one session (logout). */
export async function deleteSession(db: Kysely<DB>, id: string) {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Deletes expired sessions. */
export async function deleteExpiredSessions(db: Kysely<DB>, now: number) {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

/** Counts admins (first-start hint). */
export async function countAdmins(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The user's live ban (the latest unrevoked one still running), for the login message. */
export function findActiveBan(db: Kysely<DB>, userId: number, now: number) {
  return db
    .selectFrom('punishments')
    .select(['reason', 'ends_at'])
    .where('user_id', '=', userId)
    .where('kind', '=', 'ban')
    .where('revoked_at', 'is', null)
    .where('starts_at', '<=', now)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

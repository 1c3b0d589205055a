import { type Kysely, sql } from 'kysely';
import type { DB, UserRole } from '../../db/schema.ts';

/** A user as the staff console lists them. */
export function findUser(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'email',
      'phone',
      'display_name',
      'role',
      'real_name_verified',
      'is_provider',
      'created_at',
      'banned_until',
      'muted_until',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** One page of users, newest first, optionally matching `q` in name, email or phone (or an exact id). */
export async function searchUsers(db: Kysely<DB>, q: string, limit: number, offset: number) {
  let query = db
    .selectFrom('users')
    .select([
      'id',
      'email',
      'phone',
      'display_name',
      'role',
      'real_name_verified',
      'created_at',
      'banned_until',
      'muted_until',
      sql<number>`(select count(*) from documents d where d.owner_id = users.id and d.status <> 'deleted')`.as(
        'documents',
      ),
    ]);
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('display_name', 'like', sql<string>`${like} escape '\\'`),
        eb('email', 'like', sql<string>`${like} escape '\\'`),
        eb('phone', 'like', sql<string>`${like} escape '\\'`),
        ...(/^[1-9]\d{0,15}$/.test(q) ? [eb('id', '=', Number(q))] : []),
      ]),
    );
  }
  return query.orderBy('id', 'desc').limit(limit).offset(offset).execute();
}

/** Inserts a punishment and returns its id. */
export async function insertPunishment(
  db: Kysely<DB>,
  p: { userId: number; kind: 'ban' | 'mute'; reason: string; startsAt: number; endsAt: number | null; by: number },
): Promise<number> {
  const row = await db
    .insertInto('punishments')
    .values({
      user_id: p.userId,
      kind: p.kind,
      reason: p.reason,
      starts_at: p.startsAt,
      ends_at: p.endsAt,
      created_by: p.by,
      revoked_at: null,
      revoked_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A punishment by id. */
export function findPunishment(db: Kysely<DB>, id: number) {
  return db.selectFrom('punishments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks a punishment revoked (once); returns whether this call did it. */
export async function revokePunishment(db: Kysely<DB>, id: number, by: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('punishments')
    .set({ revoked_at: now, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A user's punishments, newest first, with who imposed them. */
export function listPunishments(db: Kysely<DB>, userId: number) {
  return db
    .selectFrom('punishments as p')
    .leftJoin('users as s', 's.id', 'p.created_by')
    .select([
      'p.id',
      'p.kind',
      'p.reason',
      'p.starts_at',
      'p.ends_at',
      'p.revoked_at',
      'p.created_by',
      's.display_name as by_name',
    ])
    .where('p.user_id', '=', userId)
    .orderBy('p.id', 'desc')
    .execute();
}

/**
 * Recomputes the denormalised `banned_until` / `muted_until` of a user from their live punishments (the latest end
 * among unrevoked ones still running; a permanent one wins).
 */
export async function refreshPunishmentState(db: Kysely<DB>, userId: number, now: number, permanent: number) {
  const live = await db
    .selectFrom('punishments')
    .select(['kind', 'ends_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .execute();
  const until = (kind: 'ban' | 'mute') => {
    const ends = live.filter((p) => p.kind === kind).map((p) => (p.ends_at === null ? permanent : Number(p.ends_at)));
    return ends.length ? Math.max(...ends) : null;
  };
  await db
    .updateTable('users')
    .set({ banned_until: until('ban'), muted_until: until('mute'), rev: sql`rev + 1`, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

/** Ends every session of a user (a ban logs them out everywhere). */
export async function deleteSessionsOf(db: Kysely<DB>, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Sets a user's role. */
export async function setRole(db: Kysely<DB>, userId: number, role: UserRole, now: number): Promise<void> {
  await db.updateTable('users').set({ role, rev: sql`rev + 1`, updated_at: now }).where('id', '=', userId).execute();
}

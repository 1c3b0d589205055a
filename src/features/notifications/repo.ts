import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** Inserts one notification. */
export async function insertNotification(
  db: Kysely<DB>,
  n: { userId: number; kind: string; params: string; link: string | null; now: number },
): Promise<void> {
  await db
    .insertInto('notifications')
    .values({ user_id: n.userId, kind: n.kind, params: n.params, link: n.link, created_at: n.now, read_at: null })
    .execute();
}

/** One page of a user's notifications, newest first (one extra row tells whether there is a next page). */
export function listForUser(db: Kysely<DB>, userId: number, limit: number, offset: number) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** How many of the user's notifications are unread (served by the partial index on unread rows). */
export async function countUnread(db: Kysely<DB>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks one of the user's notifications read; returns it (undefined when it is not theirs). */
export async function markRead(db: Kysely<DB>, userId: number, id: number, now: number) {
  await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .execute();
  return db
    .selectFrom('notifications')
    .select(['id', 'link'])
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Marks all of the user's notifications read. */
export async function markAllRead(db: Kysely<DB>, userId: number, now: number): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .execute();
}

import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** Public profile fields of a user. */
export function findProfile(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'display_name',
      'bio',
      'avatar_key',
      'real_name_verified',
      'is_provider',
      'follower_count',
      'created_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Adds a follow edge; returns true when it was new. */
export async function insertFollow(db: Kysely<DB>, followerId: number, followeeId: number): Promise<boolean> {
  const r = await db
    .insertInto('follows')
    .values({ follower_id: followerId, followee_id: followeeId, created_at: Date.now() })
    .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Removes a follow edge; returns true when one existed. */
export async function deleteFollow(db: Kysely<DB>, followerId: number, followeeId: number): Promise<boolean> {
  const r = await db
    .deleteFrom('follows')
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Whether one user follows another. */
export async function isFollowing(db: Kysely<DB>, followerId: number, followeeId: number): Promise<boolean> {
  const row = await db
    .selectFrom('follows')
    .select('follower_id')
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .executeTakeFirst();
  return !!row;
}

/** Adjusts the follower counter and bumps the revision (cached pages show the count). */
export async function addFollowers(db: Kysely<DB>, userId: number, delta: 1 | -1): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ follower_count: eb('follower_count', '+', delta), rev: eb('rev', '+', 1), updated_at: Date.now() }))
    .where('id', '=', userId)
    .execute();
}

/** Updates the editable profile fields. */
export async function updateProfile(
  db: Kysely<DB>,
  id: number,
  p: { displayName: string; bio: string },
): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ display_name: p.displayName, bio: p.bio, rev: eb('rev', '+', 1), updated_at: Date.now() }))
    .where('id', '=', id)
    .execute();
}

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
      'following_count',
      'follows_hidden',
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

/** Adjusts how many users someone follows (shown on their profile). */
export async function addFollowing(db: Kysely<DB>, userId: number, delta: 1 | -1): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ following_count: eb('following_count', '+', delta), rev: eb('rev', '+', 1) }))
    .where('id', '=', userId)
    .execute();
}

/** Whether the user got a notification of this kind and link since `since` (a quiet period against repeats). */
export async function hasRecentNotice(
  db: Kysely<DB>,
  userId: number,
  kind: string,
  link: string,
  since: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('notifications')
    .select('id')
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('link', '=', link)
    .where('created_at', '>', since)
    .executeTakeFirst();
  return !!row;
}

/** The profile settings of a user. */
export function findSettings(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('users')
    .select(['display_name', 'bio', 'follows_hidden', 'avatar_key', 'name_changed_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Updates the editable profile fields; a new display name also stamps `name_changed_at`. */
export async function updateProfile(
  db: Kysely<DB>,
  id: number,
  p: { displayName: string | undefined; bio: string; followsHidden: boolean },
): Promise<void> {
  const now = Date.now();
  await db
    .updateTable('users')
    .set((eb) => ({
      ...(p.displayName !== undefined ? { display_name: p.displayName, name_changed_at: now } : {}),
      bio: p.bio,
      follows_hidden: p.followsHidden ? 1 : 0,
      rev: eb('rev', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', id)
    .execute();
}

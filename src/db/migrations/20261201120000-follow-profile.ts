import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Following and profiles (issue #11):
 * - `users.following_count` (public beside `follower_count`, backfilled), `users.follows_hidden` (the user hides
 *   their following and follower lists), `users.name_changed_at` (nickname changes are rate-limited);
 * - `follows` indexed both ways by time for the lists (keyset, newest first): (followee_id, created_at, follower_id)
 *   replaces `follows_followee_idx`, (follower_id, created_at, followee_id) beside the primary key;
 * - `documents_owner_pub_idx` (owner_id, status, published_at, id): the 关注动态 feed reads each followed uploader's
 *   published documents newest first from it;
 * - `follow_fanouts`: one row per published document whose followers are being (or were) notified; the job's
 *   cursor (the last follower id done) makes the fan-out resumable and idempotent;
 * - `avatar_releases`: avatar blobs a user replaced, for the collector (it removes one only when no user holds it);
 *   `users_avatar_idx` answers "does anyone still use this avatar".
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('following_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('follows_hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('name_changed_at', 'bigint').execute();
  await sql`UPDATE users SET following_count = (SELECT COUNT(*) FROM follows WHERE follows.follower_id = users.id)`.execute(
    db,
  );
  await db.schema.createIndex('users_avatar_idx').on('users').column('avatar_key').execute();

  await db.schema
    .createIndex('follows_followee_time_idx')
    .on('follows')
    .columns(['followee_id', 'created_at', 'follower_id'])
    .execute();
  await db.schema.dropIndex('follows_followee_idx').execute();
  await db.schema
    .createIndex('follows_follower_time_idx')
    .on('follows')
    .columns(['follower_id', 'created_at', 'followee_id'])
    .execute();

  await db.schema
    .createIndex('documents_owner_pub_idx')
    .on('documents')
    .columns(['owner_id', 'status', 'published_at', 'id'])
    .execute();

  await db.schema
    .createTable('follow_fanouts')
    .addColumn('document_id', 'bigint', (c) => c.primaryKey().references('documents.id'))
    .addColumn('owner_id', 'bigint', (c) => c.notNull())
    .addColumn('cursor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .execute();

  await db.schema
    .createTable('avatar_releases')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('released_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('avatar_releases_time_idx').on('avatar_releases').column('released_at').execute();
}

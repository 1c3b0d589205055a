import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** A keyset position: the (time, id) pair of the last row shown; rows strictly before it come next. */
export interface Cursor {
  at: number;
  id: number;
}

/**
 * One page of the 关注动态 feed: published documents of the uploaders `userId` follows, newest first, before
 * `cursor`. One statement: the join walks the follower's edges (primary key) and each uploader's published
 * documents in `documents_owner_pub_idx`, so the cost does not grow with the number of pages already read.
 */
export function feedPage(db: Kysely<DB>, userId: number, cursor: Cursor | undefined, limit: number) {
  let q = db
    .selectFrom('follows')
    .innerJoin('documents', 'documents.owner_id', 'follows.followee_id')
    .innerJoin('users', 'users.id', 'documents.owner_id')
    .select([
      'documents.id',
      'documents.title',
      'documents.format',
      'documents.page_count',
      'documents.price',
      'documents.download_count',
      'documents.published_at',
      'documents.size_bytes',
      'users.display_name as owner_name',
      'documents.owner_id',
    ])
    .where('follows.follower_id', '=', userId)
    .where('documents.status', '=', 'published');
  if (cursor) {
    q = q.where((eb) =>
      eb.or([
        eb('documents.published_at', '<', cursor.at),
        eb.and([eb('documents.published_at', '=', cursor.at), eb('documents.id', '<', cursor.id)]),
      ]),
    );
  }
  return q.orderBy('documents.published_at', 'desc').orderBy('documents.id', 'desc').limit(limit).execute();
}

/** Which side of the follow edges a list shows. */
export type FollowListKind = 'followers' | 'following';

/**
 * One page of a user's followers (who follows them) or following (whom they follow), newest edge first, before
 * `cursor` (edge time, other user's id). Served by the (user, created_at, other) indexes.
 */
export function followListPage(
  db: Kysely<DB>,
  kind: FollowListKind,
  userId: number,
  cursor: Cursor | undefined,
  limit: number,
) {
  const self = kind === 'followers' ? 'follows.followee_id' : 'follows.follower_id';
  const other = kind === 'followers' ? 'follows.follower_id' : 'follows.followee_id';
  let q = db
    .selectFrom('follows')
    .innerJoin('users', 'users.id', other)
    .select([
      'users.id',
      'users.display_name',
      'users.bio',
      'users.avatar_key',
      'users.real_name_verified',
      'users.is_provider',
      'users.follower_count',
      'follows.created_at',
    ])
    .where(self, '=', userId);
  if (cursor) {
    q = q.where((eb) =>
      eb.or([
        eb('follows.created_at', '<', cursor.at),
        eb.and([eb('follows.created_at', '=', cursor.at), eb(other, '<', cursor.id)]),
      ]),
    );
  }
  return q.orderBy('follows.created_at', 'desc').orderBy(other, 'desc').limit(limit).execute();
}

/** The owner and status of a document, for the fan-out. */
export function findDocumentForFanout(db: Kysely<DB>, documentId: number) {
  return db
    .selectFrom('documents')
    .innerJoin('users', 'users.id', 'documents.owner_id')
    .select(['documents.id', 'documents.owner_id', 'documents.status', 'documents.title', 'users.display_name'])
    .where('documents.id', '=', documentId)
    .executeTakeFirst();
}

/** Starts the fan-out record of a document (once: a second call changes nothing). */
export async function insertFanout(db: Kysely<DB>, documentId: number, ownerId: number, now: number): Promise<void> {
  await db
    .insertInto('follow_fanouts')
    .values({ document_id: documentId, owner_id: ownerId, cursor: 0, sent: 0, created_at: now, done_at: null })
    .onConflict((oc) => oc.column('document_id').doNothing())
    .execute();
}

/** The fan-out record of a document. */
export function findFanout(db: Kysely<DB>, documentId: number) {
  return db.selectFrom('follow_fanouts').selectAll().where('document_id', '=', documentId).executeTakeFirst();
}

/** The next follower ids after `cursor`, in id order (primary-key order of the followee's edges). */
export async function nextFollowerIds(db: Kysely<DB>, ownerId: number, cursor: number, limit: number) {
  const rows = await db
    .selectFrom('follows')
    .select('follower_id')
    .where('followee_id', '=', ownerId)
    .where('follower_id', '>', cursor)
    .orderBy('follower_id')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.follower_id));
}

/**
 * Moves the cursor from `from` to `to`, counting `sent`; false when another run moved it first (the caller's
 * transaction then rolls back its notifications).
 */
export async function advanceFanout(
  db: Kysely<DB>,
  documentId: number,
  from: number,
  to: number,
  sent: number,
  doneAt: number | null,
): Promise<boolean> {
  const r = await db
    .updateTable('follow_fanouts')
    .set((eb) => ({ cursor: to, sent: eb('sent', '+', sent), done_at: doneAt }))
    .where('document_id', '=', documentId)
    .where('cursor', '=', from)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Inserts many notifications at once (every column given: SQLite multi-row inserts write NULL for omitted ones). */
export async function insertNotifications(
  db: Kysely<DB>,
  rows: ReadonlyArray<{ userId: number; kind: string; params: string; link: string }>,
  now: number,
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('notifications')
    .values(
      rows.map((r) => ({
        user_id: r.userId,
        kind: r.kind,
        params: r.params,
        link: r.link,
        created_at: now,
        read_at: null,
      })),
    )
    .execute();
}

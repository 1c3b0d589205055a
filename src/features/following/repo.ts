import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';

/** A keyset position: the (time, id) pair of the last row shown; rows strictly before it come next. */
export interface Cursor {
  at: number;
  id: number;
}

/**
 * One page of the 关注动态 feed: published documents of the uploaders `userId` follows, newest first, before
 * `cursor`. One statement whose work is bounded by (uploaders followed) × `limit`: for each of the reader's edges
 * (primary key) at most `limit` of that uploader's newest published documents before the cursor are read from
 * `documents_owner_pub_idx`, and only those candidates are sorted. (A plain join lets the planner walk the whole
 * site's newest documents instead, which costs the size of the site when the followed uploaders are quiet.)
 * PostgreSQL gets the per-uploader top-N as a LATERAL subquery; SQLite, which has none, as a correlated IN list.
 */
export function feedPage(db: Kysely<DB>, dialect: Dialect, userId: number, cursor: Cursor | undefined, limit: number) {
  const newest = (eb: ExpressionBuilder<DB & { f: DB['follows'] }, 'f'>) => {
    let sub = eb
      .selectFrom('documents as d')
      .whereRef('d.owner_id', '=', 'f.followee_id')
      .where('d.status', '=', 'published');
    if (cursor) {
      // Written as a range plus a tie-break so that both planners seek the index to the cursor.
      sub = sub
        .where('d.published_at', '<=', cursor.at)
        .where((w) => w.or([w('d.published_at', '<', cursor.at), w('d.id', '<', cursor.id)]));
    }
    return sub.orderBy('d.published_at', 'desc').orderBy('d.id', 'desc').limit(limit);
  };
  // The only dialect difference: how each followed uploader's top N is joined.
  const q =
    dialect === 'postgres'
      ? db
          .selectFrom('follows as f')
          .innerJoinLateral(
            (eb) => newest(eb).select(['d.id', 'd.owner_id', 'd.published_at']).as('top'),
            (join) => join.onTrue(),
          )
          .innerJoin('documents', 'documents.id', 'top.id')
      : db
          .selectFrom('follows as f')
          .innerJoin('documents', (join) => join.on('documents.id', 'in', (eb) => newest(eb).select('d.id')));
  return q
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
    .where('f.follower_id', '=', userId)
    .orderBy('documents.published_at', 'desc')
    .orderBy('documents.id', 'desc')
    .limit(limit)
    .execute();
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
    q = q
      .where('follows.created_at', '<=', cursor.at)
      .where((eb) => eb.or([eb('follows.created_at', '<', cursor.at), eb(other, '<', cursor.id)]));
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

// Comments: the queries. Threads are listed newest first; replies oldest first inside their thread. A deleted thread
// stays listed while it has live replies (shown as a placeholder); a deleted reply is never listed.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** A comment row with its author's name and the name of whom it answers. */
function commentQuery(db: Kysely<DB>) {
  return db
    .selectFrom('comments as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .leftJoin('users as r', 'r.id', 'c.reply_to_user_id')
    .select([
      'c.id',
      'c.document_id',
      'c.user_id',
      'c.parent_id',
      'c.reply_to_id',
      'c.reply_to_user_id',
      'c.body',
      'c.created_at',
      'c.deleted_at',
      'c.hidden_at',
      'u.display_name as author_name',
      'u.avatar_key as author_avatar_key',
      'r.display_name as reply_to_name',
    ]);
}

/** One comment as read from the database. */
export type CommentRow = Awaited<ReturnType<ReturnType<typeof commentQuery>['execute']>>[number];

/** One comment by id, or undefined. */
export function findComment(db: Kysely<DB>, id: number): Promise<CommentRow | undefined> {
  return commentQuery(db).where('c.id', '=', id).executeTakeFirst();
}

/** Threads of a document that are shown: live ones, and deleted ones that still have live replies. */
function listedThreads(db: Kysely<DB>, documentId: number) {
  return commentQuery(db)
    .where('c.document_id', '=', documentId)
    .where('c.parent_id', 'is', null)
    .where((eb) =>
      eb.or([
        eb('c.deleted_at', 'is', null),
        eb.exists(
          eb
            .selectFrom('comments as x')
            .select('x.id')
            .whereRef('x.parent_id', '=', 'c.id')
            .where('x.deleted_at', 'is', null),
        ),
      ]),
    );
}

/** A page of a document's threads, newest first (one row more than `limit` tells whether there is another page). */
export function listThreads(db: Kysely<DB>, documentId: number, limit: number, offset: number) {
  return listedThreads(db, documentId).orderBy('c.id', 'desc').limit(limit).offset(offset).execute();
}

/** The live comments of a document, threads and replies (the number shown beside 评论). */
export async function countComments(db: Kysely<DB>, documentId: number): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .select(sql<number>`count(*)`.as('n'))
    .where('document_id', '=', documentId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The first `perThread` live replies of each thread, oldest first, and how many live replies each thread has. */
export async function listReplies(db: Kysely<DB>, threadIds: readonly number[], perThread: number) {
  if (threadIds.length === 0) return { replies: [] as CommentRow[], counts: new Map<number, number>() };
  const ranked = commentQuery(db)
    .select(sql<number>`row_number() over (partition by c.parent_id order by c.id)`.as('rn'))
    .where('c.parent_id', 'in', threadIds)
    .where('c.deleted_at', 'is', null);
  const rows = await db
    .selectFrom(ranked.as('x'))
    .selectAll()
    .where('x.rn', '<=', perThread)
    .orderBy('x.parent_id')
    .orderBy('x.id')
    .execute();
  const counts = await db
    .selectFrom('comments')
    .select(['parent_id', sql<number>`count(*)`.as('n')])
    .where('parent_id', 'in', threadIds)
    .where('deleted_at', 'is', null)
    .groupBy('parent_id')
    .execute();
  return {
    replies: rows.map(({ rn: _rn, ...r }) => r as CommentRow),
    counts: new Map(counts.map((c) => [Number(c.parent_id), Number(c.n)])),
  };
}

/** How many live replies a thread has. */
export async function countReplies(db: Kysely<DB>, threadId: number): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .select(sql<number>`count(*)`.as('n'))
    .where('parent_id', '=', threadId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of one thread's live replies, oldest first. */
export function listThreadReplies(db: Kysely<DB>, threadId: number, limit: number, offset: number) {
  return commentQuery(db)
    .where('c.parent_id', '=', threadId)
    .where('c.deleted_at', 'is', null)
    .orderBy('c.id')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Comments the user wrote since `since` (deleted ones count too: deleting does not refill the allowance). */
export async function countRecentByUser(db: Kysely<DB>, userId: number, since: number) {
  const row = await db
    .selectFrom('comments')
    .select([sql<number>`count(*)`.as('n'), sql<number | null>`min(created_at)`.as('oldest')])
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { n: Number(row.n), oldest: row.oldest === null ? null : Number(row.oldest) };
}

/** Stores a comment; returns its id. */
export async function insertComment(
  db: Kysely<DB>,
  c: {
    documentId: number;
    userId: number;
    parentId: number | null;
    replyToId: number | null;
    replyToUserId: number | null;
    body: string;
    now: number;
  },
): Promise<number> {
  const row = await db
    .insertInto('comments')
    .values({
      document_id: c.documentId,
      user_id: c.userId,
      parent_id: c.parentId,
      reply_to_id: c.replyToId,
      reply_to_user_id: c.replyToUserId,
      body: c.body,
      created_at: c.now,
      deleted_at: null,
      hidden_at: null,
      hidden_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Soft-deletes a live comment; false when it was deleted already. */
export async function markDeleted(db: Kysely<DB>, id: number, now: number): Promise<boolean> {
  const res = await db
    .updateTable('comments')
    .set({ deleted_at: now })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Hides or unhides a comment; false when it already was in that state. */
export async function setHidden(db: Kysely<DB>, id: number, by: number | null, now: number | null) {
  const res = await db
    .updateTable('comments')
    .set({ hidden_at: now, hidden_by: by })
    .where('id', '=', id)
    .where('hidden_at', now === null ? 'is not' : 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Bumps the document's revision: its cached anonymous page shows the comments and must be rendered again. */
export async function bumpDocumentRev(db: Kysely<DB>, documentId: number): Promise<void> {
  await db
    .updateTable('documents')
    .set((eb) => ({ rev: eb('rev', '+', 1) }))
    .where('id', '=', documentId)
    .execute();
}

/** The document a comment is posted on: its status, title and uploader; undefined when missing. */
export function findCommentTarget(db: Kysely<DB>, documentId: number) {
  return db
    .selectFrom('documents')
    .select(['id', 'title', 'status', 'owner_id'])
    .where('id', '=', documentId)
    .executeTakeFirst();
}

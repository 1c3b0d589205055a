import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** What deciding on a rating needs of the document. */
export function findDocumentForRating(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents')
    .select(['id', 'owner_id', 'price', 'status', 'title', 'rating_avg', 'rating_count', 'rating_score'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** True when the user holds an active purchase of the document (a refund ends it). */
export async function hasActivePurchase(db: Kysely<DB>, userId: number, documentId: number): Promise<boolean> {
  const row = await db
    .selectFrom('purchases')
    .select('id')
    .where('buyer_id', '=', userId)
    .where('document_id', '=', documentId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return !!row;
}

/** True when the user has downloaded the document at least once (every authorised download is recorded). */
export async function hasDownloaded(db: Kysely<DB>, userId: number, documentId: number): Promise<boolean> {
  const row = await db
    .selectFrom('downloads')
    .select('id')
    .where('user_id', '=', userId)
    .where('document_id', '=', documentId)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

/** The user's rating of the document, if any. */
export function findRating(db: Kysely<DB>, userId: number, documentId: number) {
  return db
    .selectFrom('ratings')
    .select(['stars', 'updated_at'])
    .where('document_id', '=', documentId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/**
 * Takes the document's row for the rating change (PostgreSQL's row lock, SQLite's write lock) and bumps its revision
 * (the cached anonymous page shows the average); false when it is no longer published.
 */
export async function lockPublishedDocument(db: Kysely<DB>, id: number): Promise<boolean> {
  const r = await db
    .updateTable('documents')
    .set((eb) => ({ rev: eb('rev', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'published')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Inserts or replaces the user's rating. */
export async function upsertRating(
  db: Kysely<DB>,
  r: { userId: number; documentId: number; stars: number; now: number },
) {
  await db
    .insertInto('ratings')
    .values({ document_id: r.documentId, user_id: r.userId, stars: r.stars, created_at: r.now, updated_at: r.now })
    .onConflict((oc) => oc.columns(['document_id', 'user_id']).doUpdateSet({ stars: r.stars, updated_at: r.now }))
    .execute();
}

/** Deletes the user's rating; false when there was none. */
export async function deleteRating(db: Kysely<DB>, userId: number, documentId: number): Promise<boolean> {
  const r = await db
    .deleteFrom('ratings')
    .where('document_id', '=', documentId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** How many ratings the document has and the sum of their stars, counted from the ratings themselves. */
export async function aggregateRatings(db: Kysely<DB>, documentId: number) {
  const r = await db
    .selectFrom('ratings')
    .select([sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(stars), 0)`.as('sum')])
    .where('document_id', '=', documentId)
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), sum: Number(r.sum) };
}

/** Stores the document's rating figures. */
export async function setRatingFigures(
  db: Kysely<DB>,
  documentId: number,
  f: { count: number; sum: number; avg: number; score: number },
) {
  await db
    .updateTable('documents')
    .set({ rating_count: f.count, rating_sum: f.sum, rating_avg: f.avg, rating_score: f.score })
    .where('id', '=', documentId)
    .execute();
}

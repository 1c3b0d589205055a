import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** What a 我的购买 / 我的下载 row needs to know about its document to say whether it can be downloaded. */
const documentColumns = [
  'd.id as document_id',
  'd.title',
  'd.format',
  'd.status',
  'd.owner_id',
  'd.price as current_price',
  'd.takedown_code',
  'd.pii_state',
] as const;

/** One page of a buyer's purchases, newest first, by keyset (`before`: the last purchase id already shown). */
export function listPurchases(db: Kysely<DB>, buyerId: number, opts: { before?: number; limit: number }) {
  let q = db
    .selectFrom('purchases as p')
    .innerJoin('documents as d', 'd.id', 'p.document_id')
    .select(['p.id', 'p.price', 'p.status as purchase_status', 'p.created_at', 'p.refunded_at', ...documentColumns])
    .where('p.buyer_id', '=', buyerId);
  if (opts.before !== undefined) q = q.where('p.id', '<', opts.before);
  return q.orderBy('p.id', 'desc').limit(opts.limit).execute();
}

/**
 * One page of the documents a user downloaded, most recently downloaded first: the downloads grouped per document
 * (from the (user_id, document_id, created_at) index alone), then joined to the documents and the user's purchase.
 */
export function listDownloadedDocuments(db: Kysely<DB>, userId: number, opts: { limit: number; offset: number }) {
  const grouped = db
    .selectFrom('downloads')
    .select(['document_id', sql<number>`max(created_at)`.as('last_at'), sql<number>`count(*)`.as('times')])
    .where('user_id', '=', userId)
    .groupBy('document_id')
    .as('g');
  return db
    .selectFrom(grouped)
    .innerJoin('documents as d', 'd.id', 'g.document_id')
    .leftJoin('purchases as p', (j) => j.onRef('p.document_id', '=', 'g.document_id').on('p.buyer_id', '=', userId))
    .select(['g.last_at', 'g.times', 'p.status as purchase_status', ...documentColumns])
    .orderBy('g.last_at', 'desc')
    .orderBy('g.document_id', 'desc')
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
}

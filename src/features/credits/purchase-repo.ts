import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import { type Dialect, PREPARED } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { ACCOUNTS } from './ledger.ts';

/**
 * Everything a purchase reads before its transaction, in one round trip: the document, the buyer's purchase of it
 * (if any), whether the buyer accepted this terms version, the facts the watermark check needs, and the ids of the
 * three accounts the sale posts to (null until first use). Five queries before; at hundreds of purchases a second
 * the round trips were a large part of the work (decision 0017). Undefined when the document does not exist.
 */
export function findPurchaseContext(db: Kysely<DB>, buyerId: number, documentId: number, termsVersion: string) {
  const account = (code: RawBuilder<unknown>) =>
    sql<number | null>`(select la.id from ledger_accounts la where la.code = ${code})`;
  return db
    .selectFrom('documents as d')
    .modifyFront(sql.raw(PREPARED))
    .leftJoin('purchases as p', (join) => join.onRef('p.document_id', '=', 'd.id').on('p.buyer_id', '=', buyerId))
    .select([
      'd.id',
      'd.owner_id',
      'd.earnings_user_id',
      'd.title',
      'd.price',
      'd.status',
      // What the mark check needs (decision 0019), read here instead of in a round trip of its own.
      'd.format',
      'd.pdf_key',
      'd.mark_state',
      sql<string | null>`(select s.value from settings s where s.key = 'markRequired')`.as('required'),
      'p.id as purchase_id',
      'p.status as purchase_status',
      sql<number>`(case when exists (select 1 from terms_acceptances ta where ta.user_id = ${buyerId} and ta.terms_version = ${termsVersion}) then 1 else 0 end)`.as(
        'accepted',
      ),
      account(sql`${`wallet:${buyerId}`}`).as('wallet_id'),
      account(sql`${'earnings:'} || cast(coalesce(d.earnings_user_id, d.owner_id) as text)`).as('earnings_id'),
      account(sql`${ACCOUNTS.platform}`).as('platform_id'),
    ])
    .where('d.id', '=', documentId)
    .executeTakeFirst();
}

/**
 * The entitlement insert, which inserts only while the document is still for sale (INSERT … SELECT from the
 * document row) and only when `transactionId` is not null (the posting happened). On PostgreSQL the row is read
 * `FOR SHARE` and so held until commit: a takedown racing the purchase either waits for it (and then holds its
 * earnings) or wins, and the purchase is refused (decision 0010). SQLite's write lock serialises the two anyway.
 * Returned unexecuted: `post` runs it as the posting's step (one CTE of the posting's statement on PostgreSQL).
 */
export function insertPurchaseIfForSale(
  db: Kysely<DB>,
  dialect: Dialect,
  p: {
    buyerId: number;
    documentId: number;
    sellerId: number;
    price: number;
    platformShare: number;
    transactionId: Expression<number>;
    now: number;
  },
) {
  // Typed parameters: in a SELECT list PostgreSQL would otherwise take them as text.
  const int = (v: number) => sql<number>`cast(${v} as bigint)`;
  const live = db
    .selectFrom('documents as d')
    .select([
      int(p.buyerId).as('buyer_id'),
      'd.id as document_id',
      int(p.sellerId).as('seller_id'),
      int(p.price).as('price'),
      int(p.platformShare).as('platform_share'),
      sql<number>`${p.transactionId}`.as('transaction_id'),
      sql<'active'>`'active'`.as('status'),
      int(p.now).as('created_at'),
      sql<null>`cast(null as bigint)`.as('refunded_at'),
    ])
    .where('d.id', '=', p.documentId)
    .where('d.status', '=', 'published')
    .where(sql<boolean>`${p.transactionId} is not null`);
  return db
    .insertInto('purchases')
    .columns([
      'buyer_id',
      'document_id',
      'seller_id',
      'price',
      'platform_share',
      'transaction_id',
      'status',
      'created_at',
      'refunded_at',
    ])
    .expression(dialect === 'postgres' ? live.forShare() : live)
    .returning('id');
}

/** A document's status (to say why a purchase was refused). */
export function documentStatus(db: Kysely<DB>, documentId: number) {
  return db.selectFrom('documents').select('status').where('id', '=', documentId).executeTakeFirst();
}

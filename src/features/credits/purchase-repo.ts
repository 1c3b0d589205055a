import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { ACCOUNTS } from './ledger.ts';

/**
 * Everything a purchase reads before its transaction, in one round trip: the document, the buyer's purchase of it
 * (if any), whether the buyer accepted this terms version, and the ids of the three accounts the sale posts to (null
 * until first use). Four queries before; at hundreds of purchases a second the round trips were a large part of the
 * work (decision 0017). Undefined when the document does not exist.
 */
export function findPurchaseContext(db: Kysely<DB>, buyerId: number, documentId: number, termsVersion: string) {
  const account = (code: RawBuilder<unknown>) =>
    sql<number | null>`(select la.id from ledger_accounts la where la.code = ${code})`;
  return db
    .selectFrom('documents as d')
    .leftJoin('purchases as p', (join) => join.onRef('p.document_id', '=', 'd.id').on('p.buyer_id', '=', buyerId))
    .select([
      'd.id',
      'd.owner_id',
      'd.earnings_user_id',
      'd.title',
      'd.price',
      'd.status',
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

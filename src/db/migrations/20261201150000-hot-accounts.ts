import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Hot accounts (issue #14, decision 0017): credits to an uploader's earnings and to platform revenue are no longer
 * added to the account row inside the purchase; the purchase appends them here, and a settle step folds them into
 * the balance later (or at once, before anything debits that account). An account's balance is its row's
 * `balance` plus its rows here.
 *
 * No foreign keys: an FK check takes a KEY SHARE lock on the referenced account row, and that row is exactly the one
 * every purchase must stop touching. `ledger verify` checks instead that every row matches a credit entry.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await (dialect === 'postgres'
    ? db.schema.createTable('ledger_unsettled').addColumn('id', 'bigserial', (c) => c.primaryKey())
    : db.schema.createTable('ledger_unsettled').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('transaction_id', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // Balance reads sum an account's rows; the settle step deletes them by account.
  await db.schema
    .createIndex('ledger_unsettled_account_idx')
    .on('ledger_unsettled')
    .columns(['account_id', 'amount'])
    .execute();
}

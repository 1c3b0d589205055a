import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * The credits ledger: accounts with guarded balances, append-only transactions (unique idempotency key) and their
 * balanced entries; purchases (entitlements), terms acceptances, top-up orders, notify log, payouts, downloads.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const id = (t: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(t).addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(t).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const bigint = 'bigint' as const;

  // `code` names the account: wallet:<user>, earnings:<user>, platform:revenue, system:<source>.
  await id('ledger_accounts')
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', bigint, (c) => c.references('users.id'))
    .addColumn('balance', bigint, (c) => c.notNull().defaultTo(0))
    // System accounts are where money enters and leaves the ledger (payment clearing, grants, rewards, cash out):
    // they run negative by design. User and platform accounts never do.
    .addColumn('allow_negative', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();

  await id('ledger_transactions')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', bigint)
    .addColumn('document_id', bigint)
    .addColumn('memo', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', bigint)
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_tx_kind_idx').on('ledger_transactions').columns(['kind', 'created_at']).execute();

  await id('ledger_entries')
    .addColumn('transaction_id', bigint, (c) => c.notNull().references('ledger_transactions.id'))
    .addColumn('account_id', bigint, (c) => c.notNull().references('ledger_accounts.id'))
    .addColumn('amount', bigint, (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ledger_entries_account_idx')
    .on('ledger_entries')
    .columns(['account_id', 'id'])
    .execute();
  await db.schema.createIndex('ledger_entries_tx_idx').on('ledger_entries').column('transaction_id').execute();

  await id('purchases')
    .addColumn('buyer_id', bigint, (c) => c.notNull().references('users.id'))
    .addColumn('document_id', bigint, (c) => c.notNull().references('documents.id'))
    .addColumn('seller_id', bigint, (c) => c.notNull())
    .addColumn('price', bigint, (c) => c.notNull())
    .addColumn('platform_share', bigint, (c) => c.notNull())
    .addColumn('transaction_id', bigint, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('refunded_at', bigint)
    .addUniqueConstraint('purchases_buyer_doc_uq', ['buyer_id', 'document_id'])
    .execute();
  await db.schema.createIndex('purchases_doc_idx').on('purchases').column('document_id').execute();

  await db.schema
    .createTable('terms_acceptances')
    .addColumn('user_id', bigint, (c) => c.notNull().references('users.id'))
    .addColumn('terms_version', 'text', (c) => c.notNull())
    .addColumn('accepted_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('terms_acceptances_pk', ['user_id', 'terms_version'])
    .execute();

  await id('topup_orders')
    .addColumn('out_trade_no', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', bigint, (c) => c.notNull().references('users.id'))
    .addColumn('amount', bigint, (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trade_no', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addColumn('paid_at', bigint)
    .execute();
  await db.schema.createIndex('topup_orders_user_idx').on('topup_orders').columns(['user_id', 'created_at']).execute();

  await id('payment_notifications')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('out_trade_no', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();

  await id('payouts')
    .addColumn('user_id', bigint, (c) => c.notNull().references('users.id'))
    .addColumn('amount', bigint, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('decided_by', bigint)
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payouts_status_idx').on('payouts').columns(['status', 'created_at']).execute();

  await id('downloads')
    .addColumn('user_id', bigint, (c) => c.notNull())
    .addColumn('document_id', bigint, (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('downloads_user_idx').on('downloads').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('downloads_ip_idx').on('downloads').columns(['ip', 'created_at']).execute();
}

import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * `ledger_refuse(reason, account)` (PostgreSQL): raises SQLSTATE WY001 so that a ledger posting written as one
 * statement can abort itself — a debit short of money, or the caller's step refused — and roll back everything it
 * wrote, also in autocommit (decision 0017). A function, not a trigger: only that statement calls it. SQLite posts
 * statement by statement and needs nothing.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`
    create function ledger_refuse(reason text, account bigint) returns bigint language plpgsql as $$
    begin
      raise exception using errcode = 'WY001', message = 'ledger posting refused: ' || reason,
        detail = coalesce(account::text, '');
    end
    $$`.execute(db);
}

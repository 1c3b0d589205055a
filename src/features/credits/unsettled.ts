// Deferred credits of hot accounts (decision 0017). A sale appends the uploader's and the platform's credits to
// `ledger_unsettled` instead of updating their account rows; settling folds an account's rows into its `balance`.
// An account's balance is always `balance` + its unsettled rows, so nothing waits for a settle to be exact.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** Appends credits to be settled later (inside the posting transaction: they commit with their entries). */
export async function appendUnsettled(
  db: Kysely<DB>,
  credits: readonly { accountId: number; transactionId: number; amount: number; now: number }[],
): Promise<void> {
  if (credits.length === 0) return;
  await db
    .insertInto('ledger_unsettled')
    .values(
      credits.map((c) => ({
        account_id: c.accountId,
        transaction_id: c.transactionId,
        amount: c.amount,
        created_at: c.now,
      })),
    )
    .execute();
}

/**
 * Folds an account's unsettled credits into its balance; call inside a transaction. Returns the amount settled.
 *
 * Exact under concurrency: the rows deleted are exactly the rows added, in one transaction. A second settler of
 * the same account waits on the deleted rows' locks (Postgres) and then skips them; SQLite has one writer. Rows
 * committed after the delete began stay for the next settle. The account row is locked after its rows, always in
 * that order, so settlers do not deadlock.
 */
export async function settleAccount(db: Kysely<DB>, accountId: number): Promise<number> {
  const rows = await db
    .deleteFrom('ledger_unsettled')
    .where('account_id', '=', accountId)
    .returning('amount')
    .execute();
  if (rows.length === 0) return 0;
  const amount = rows.reduce((s, r) => s + Number(r.amount), 0);
  await db
    .updateTable('ledger_accounts')
    .set({ balance: sql`balance + ${amount}` })
    .where('id', '=', accountId)
    .execute();
  return amount;
}

/** Accounts that have credits waiting to be settled, lowest id first. */
export async function accountsToSettle(db: Kysely<DB>, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('ledger_unsettled')
    .select('account_id')
    .distinct()
    .orderBy('account_id')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.account_id));
}

/** The SQL for an account's balance including its unsettled credits (`a` is the `ledger_accounts` row). */
export const settledPlusUnsettled = sql<number>`(a.balance + coalesce((select sum(u.amount) from ledger_unsettled u where u.account_id = a.id), 0))`;

/**
 * Balances summed per account kind, unsettled credits included, and how many accounts of each kind: the stored
 * balances grouped by kind plus the unsettled rows grouped by their account's kind (two grouped scans, no per-account
 * subquery). Every reader of totals (the admin finance page, metrics) should use this, not `sum(balance)`.
 */
export async function balancesByKind(db: Kysely<DB>): Promise<{ kind: string; total: number; n: number }[]> {
  const [stored, unsettled] = await Promise.all([
    db
      .selectFrom('ledger_accounts')
      .select(['kind', sql<number>`coalesce(sum(balance), 0)`.as('total'), sql<number>`count(*)`.as('n')])
      .groupBy('kind')
      .orderBy('kind')
      .execute(),
    db
      .selectFrom('ledger_unsettled as u')
      .innerJoin('ledger_accounts as a', 'a.id', 'u.account_id')
      .select(['a.kind', sql<number>`sum(u.amount)`.as('total')])
      .groupBy('a.kind')
      .execute(),
  ]);
  const waiting = new Map(unsettled.map((r) => [r.kind as string, Number(r.total)]));
  return stored.map((r) => ({ kind: r.kind, total: Number(r.total) + (waiting.get(r.kind) ?? 0), n: Number(r.n) }));
}

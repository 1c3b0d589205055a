import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { settledPlusUnsettled } from './unsettled.ts';

/** What `ledger verify` found. `ok` is false on any discrepancy. */
export interface LedgerReport {
  readonly ok: boolean;
  readonly accounts: number;
  readonly transactions: number;
  readonly entries: number;
  /** Sum of all balances: zero in a closed double-entry ledger. */
  readonly total: number;
  readonly unbalanced: { transactionId: number; key: string; sum: number }[];
  readonly mismatched: { code: string; stored: number; derived: number }[];
  readonly negative: { code: string; balance: number }[];
  readonly purchasesWithoutTransaction: number;
  /** Credits waiting to be settled into their account's balance (decision 0017): how many rows, how much. */
  readonly unsettled: { rows: number; amount: number };
  /** Unsettled rows that are not a positive credit entry of their transaction on their account. */
  readonly unsettledWithoutEntry: number;
  readonly byKind: { kind: string; count: number }[];
}

/**
 * Checks the ledger: every transaction's entries sum to zero, every balance (stored plus unsettled credits) equals
 * the sum of its entries, no user or platform account is negative, every purchase points at a transaction, and every
 * unsettled credit is one of its transaction's entries.
 */
export async function verifyLedger(deps: Pick<Deps, 'database'>): Promise<LedgerReport> {
  const { db } = deps.database;
  const [counts, unbalanced, mismatched, negative, orphans, byKind, strays] = await Promise.all([
    db
      .selectNoFrom([
        sql<number>`(select count(*) from ledger_accounts)`.as('accounts'),
        sql<number>`(select count(*) from ledger_transactions)`.as('transactions'),
        sql<number>`(select count(*) from ledger_entries)`.as('entries'),
        sql<number>`(select coalesce(sum(balance), 0) from ledger_accounts)`.as('settled'),
        sql<number>`(select count(*) from ledger_unsettled)`.as('unsettledRows'),
        sql<number>`(select coalesce(sum(amount), 0) from ledger_unsettled)`.as('unsettled'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('ledger_entries')
      .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
      .select([
        'ledger_transactions.id',
        'ledger_transactions.idempotency_key',
        sql<number>`sum(ledger_entries.amount)`.as('sum'),
      ])
      .groupBy(['ledger_transactions.id', 'ledger_transactions.idempotency_key'])
      .having(sql`sum(ledger_entries.amount)`, '<>', 0)
      .execute(),
    db
      .selectFrom('ledger_accounts as a')
      .leftJoin('ledger_entries as e', 'e.account_id', 'a.id')
      .select(['a.code', settledPlusUnsettled.as('balance'), sql<number>`coalesce(sum(e.amount), 0)`.as('derived')])
      .groupBy(['a.id', 'a.code', 'a.balance'])
      .having(sql`coalesce(sum(e.amount), 0)`, '<>', settledPlusUnsettled)
      .execute(),
    db
      .selectFrom('ledger_accounts')
      .select(['code', 'balance'])
      .where('allow_negative', '=', 0)
      .where('balance', '<', 0)
      .execute(),
    db
      .selectFrom('purchases')
      .leftJoin('ledger_transactions', 'ledger_transactions.id', 'purchases.transaction_id')
      .select(sql<number>`count(*)`.as('n'))
      .where('ledger_transactions.id', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('ledger_transactions')
      .select(['kind', sql<number>`count(*)`.as('count')])
      .groupBy('kind')
      .orderBy('kind')
      .execute(),
    db
      .selectFrom('ledger_unsettled as u')
      .select(sql<number>`count(*)`.as('n'))
      .where((eb) =>
        eb.or([
          eb('u.amount', '<=', 0),
          eb.not(
            eb.exists(
              eb
                .selectFrom('ledger_entries as e')
                .select('e.id')
                .whereRef('e.transaction_id', '=', 'u.transaction_id')
                .whereRef('e.account_id', '=', 'u.account_id')
                .whereRef('e.amount', '=', 'u.amount'),
            ),
          ),
        ]),
      )
      .executeTakeFirstOrThrow(),
  ]);
  const report = {
    accounts: Number(counts.accounts),
    transactions: Number(counts.transactions),
    entries: Number(counts.entries),
    total: Number(counts.settled) + Number(counts.unsettled),
    unbalanced: unbalanced.map((r) => ({ transactionId: Number(r.id), key: r.idempotency_key, sum: Number(r.sum) })),
    mismatched: mismatched.map((r) => ({ code: r.code, stored: Number(r.balance), derived: Number(r.derived) })),
    negative: negative.map((r) => ({ code: r.code, balance: Number(r.balance) })),
    purchasesWithoutTransaction: Number(orphans.n),
    unsettled: { rows: Number(counts.unsettledRows), amount: Number(counts.unsettled) },
    unsettledWithoutEntry: Number(strays.n),
    byKind: byKind.map((r) => ({ kind: r.kind, count: Number(r.count) })),
  };
  const ok =
    report.unbalanced.length === 0 &&
    report.mismatched.length === 0 &&
    report.negative.length === 0 &&
    report.total === 0 &&
    report.purchasesWithoutTransaction === 0 &&
    report.unsettledWithoutEntry === 0;
  return { ok, ...report };
}

/** A human summary of a report, one fact per line. */
export function formatLedgerReport(r: LedgerReport): string {
  const lines = [
    `ledger verify: ${r.ok ? 'OK' : 'DISCREPANCIES FOUND'}`,
    `  accounts ${r.accounts} · transactions ${r.transactions} · entries ${r.entries} · sum of balances ${r.total}`,
    `  by kind: ${r.byKind.map((k) => `${k.kind}=${k.count}`).join(' ') || '(none)'}`,
    `  unbalanced transactions: ${r.unbalanced.length}`,
    ...r.unbalanced.slice(0, 20).map((u) => `    #${u.transactionId} ${u.key}: sum ${u.sum}`),
    `  balances not matching their entries: ${r.mismatched.length}`,
    ...r.mismatched.slice(0, 20).map((m) => `    ${m.code}: stored ${m.stored}, entries ${m.derived}`),
    `  negative balances: ${r.negative.length}`,
    ...r.negative.slice(0, 20).map((n) => `    ${n.code}: ${n.balance}`),
    `  purchases without a transaction: ${r.purchasesWithoutTransaction}`,
    `  unsettled credits: ${r.unsettled.rows} (${r.unsettled.amount}), not matching an entry: ${r.unsettledWithoutEntry}`,
  ];
  return lines.join('\n');
}

import { type Expression, type Kysely, type OperationNodeSource, sql, type Transaction } from 'kysely';
import type { Dialect } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { fitsOneStatement, postInOneStatement } from './ledger-statement.ts';
import * as repo from './repo.ts';
import { appendUnsettled, settleAccount } from './unsettled.ts';

/** The kinds of ledger transactions. */
export type TxKind =
  | 'purchase'
  | 'refund'
  | 'topup'
  | 'grant'
  | 'reward'
  | 'clawback'
  | 'payout_request'
  | 'payout_reject'
  | 'payout_paid'
  /** Earnings of a taken-down document moved aside, and given back on restore (decision 0010). */
  | 'hold'
  | 'release';

/** Well-known account codes. System accounts are where money enters or leaves the ledger. */
export const ACCOUNTS = {
  wallet: (userId: number) => `wallet:${userId}`,
  earnings: (userId: number) => `earnings:${userId}`,
  /** Credits granted but held (a first-upload reward in its holding period): shown, not spendable. */
  pending: (userId: number) => `pending:${userId}`,
  platform: 'platform:revenue',
  alipay: 'system:alipay',
  grants: 'system:grants',
  rewards: 'system:rewards',
  payoutsPending: 'system:payouts-pending',
  cashOut: 'system:cash-out',
} as const;

/**
 * Accounts whose credits are deferred (decision 0017): every sale credits the uploader's earnings and platform
 * revenue, so updating those rows in the purchase would serialise all sales of an uploader (and all sales at all,
 * for the platform). Their credits go to `ledger_unsettled` and are settled into the balance later; a debit settles
 * the account first, inside its transaction. Reads add the unsettled rows, so the balance shown is exact at once.
 */
export function defersCredits(code: string): boolean {
  return code === ACCOUNTS.platform || code.startsWith('earnings:');
}

/** Resolves (creating on first use) the accounts an operation posts to. */
export const accounts = {
  wallet: (db: Kysely<DB>, userId: number) => repo.ensureAccount(db, ACCOUNTS.wallet(userId), 'wallet', userId, false),
  earnings: (db: Kysely<DB>, userId: number) =>
    repo.ensureAccount(db, ACCOUNTS.earnings(userId), 'earnings', userId, false),
  pending: (db: Kysely<DB>, userId: number) =>
    repo.ensureAccount(db, ACCOUNTS.pending(userId), 'pending', userId, false),
  platform: (db: Kysely<DB>) => repo.ensureAccount(db, ACCOUNTS.platform, 'platform', null, false),
  source: (db: Kysely<DB>, code: typeof ACCOUNTS.alipay | typeof ACCOUNTS.grants | typeof ACCOUNTS.rewards) =>
    repo.ensureAccount(db, code, 'system', null, true),
  holding: (db: Kysely<DB>, code: typeof ACCOUNTS.payoutsPending | typeof ACCOUNTS.cashOut) =>
    repo.ensureAccount(db, code, 'system', null, false),
};

/** The three accounts a sale posts to, resolved in one round trip. */
export async function saleAccounts(db: Kysely<DB>, buyerId: number, sellerId: number) {
  const [wallet, earnings, platform] = await repo.ensureAccounts(db, [
    { code: ACCOUNTS.wallet(buyerId), kind: 'wallet', userId: buyerId, allowNegative: false },
    { code: ACCOUNTS.earnings(sellerId), kind: 'earnings', userId: sellerId, allowNegative: false },
    { code: ACCOUNTS.platform, kind: 'platform', userId: null, allowNegative: false },
  ]);
  return { wallet: wallet!, earnings: earnings!, platform: platform! };
}

/** One leg of a transaction: a signed amount in 分 on an account. */
export interface Posting {
  readonly account: repo.AccountRef;
  readonly amount: number;
}

/** A balanced set of postings with the idempotency key that makes the operation happen at most once. */
export interface LedgerTx {
  readonly key: string;
  readonly kind: TxKind;
  readonly postings: readonly Posting[];
  readonly userId?: number | undefined;
  readonly documentId?: number | undefined;
  readonly memo?: string | undefined;
  readonly createdBy?: number | undefined;
}

/**
 * The caller's write that belongs to a posting (the entitlement of a purchase), run after the entries and before
 * the credits: one INSERT … SELECT … RETURNING id that inserts at most one row. On PostgreSQL it becomes a CTE of
 * the posting's single statement, where `txId` is the new transaction's id as SQL (null when the posting did not
 * happen: the query must then insert nothing).
 */
export interface LedgerStep {
  query(
    db: Kysely<DB>,
    txId: Expression<number>,
  ): OperationNodeSource & { executeTakeFirst(): Promise<{ id: number } | undefined> };
  /**
   * Receives the inserted row's id, or undefined when the query inserted nothing (throw to roll back). On
   * PostgreSQL the posting is aborted by then: read anything needed for the error through the pool, not `trx`.
   */
  done(id: number | undefined): Promise<void>;
  /**
   * A write that commits with the posting and only with it, whatever the posting finds (e.g. the buyer's terms
   * acceptance on a first purchase): an INSERT that is a no-op on conflict. On PostgreSQL it is one more CTE of the
   * posting's statement, so it costs no round trip of its own; elsewhere it runs first in the same transaction.
   */
  alongside?(db: Kysely<DB>): OperationNodeSource & { execute(): Promise<unknown> };
}

/** Thrown inside a ledger transaction when a guarded debit finds the balance short; rolls the whole operation back. */
export class InsufficientBalance extends AppError {
  constructor(readonly accountCode: string) {
    super(402, 'insufficient_credits', 'credits.insufficient');
    this.name = 'InsufficientBalance';
  }
}

/**
 * Posts a transaction inside the caller's database transaction. Returns the transaction id, or undefined when the
 * idempotency key was already used (nothing is written then).
 *
 * 1. Check that the postings balance (a programming error otherwise).
 * 2. Claim the key: the unique index makes a second claim a no-op (a concurrent one waits for the first to commit).
 * 3. Debit with guarded updates (a short balance fails before anything else is written; an account with deferred
 *    credits is settled first, so the guard sees all of its money), append the entries, run the caller's `step`
 *    (e.g. the entitlement), and credit last. Credits to hot accounts (`defersCredits`) are appended to
 *    `ledger_unsettled` instead of updating their row, so a purchase locks no shared row at all. Within each phase
 *    accounts go in id order, so concurrent operations lock rows in one order (a deadlock that still happens is
 *    retried by `inTransaction`).
 *
 * On PostgreSQL (inside `inTransaction`) steps 2–3 are one statement (`ledger-statement.ts`): same writes, same
 * guards, one round trip instead of six to eight. A refusal (short debit, refused step) aborts the transaction: the
 * caller must let the error propagate (`inTransaction` rolls back), as it must anyway.
 */
export async function post(trx: Transaction<DB>, tx: LedgerTx, step?: LedgerStep): Promise<number | undefined> {
  if (!balanced(tx)) {
    throw new Error(`unbalanced ledger transaction ${tx.key}: ${tx.postings.reduce((s, p) => s + p.amount, 0)}`);
  }
  const header = headerOf(tx);
  const { now } = header;
  const legs = tx.postings.filter((p) => p.amount !== 0).sort((a, b) => a.account.id - b.account.id);
  if (dialects.get(trx) === 'postgres' && oneStatement(legs)) return postAsStatement(trx, header, legs, step);
  if (step?.alongside) await step.alongside(trx).execute();
  const id = await repo.claimTransaction(trx, header);
  if (id === undefined) return undefined;
  for (const p of legs) {
    if (p.amount >= 0) continue;
    if (defersCredits(p.account.code)) await settleAccount(trx, p.account.id);
    if (!(await repo.moveBalance(trx, p.account.id, p.amount))) throw new InsufficientBalance(p.account.code);
  }
  await repo.insertEntries(
    trx,
    legs.map((p) => ({ transactionId: id, accountId: p.account.id, amount: p.amount, now })),
  );
  if (step) await step.done((await step.query(trx, sql<number>`cast(${id} as bigint)`).executeTakeFirst())?.id);
  // Credits last, so the row locks they take are held only from here to the commit; the hot accounts' credits
  // lock nothing (appended, settled later).
  const deferred = legs.filter((p) => p.amount > 0 && defersCredits(p.account.code));
  await appendUnsettled(
    trx,
    deferred.map((p) => ({ accountId: p.account.id, transactionId: id, amount: p.amount, now })),
  );
  for (const p of legs) if (p.amount > 0 && !deferred.includes(p)) await repo.moveBalance(trx, p.account.id, p.amount);
  return id;
}

/**
 * Posts a transaction that is the whole operation (nothing else to write beside it but its `step`), e.g. a
 * purchase. On PostgreSQL it is one statement in autocommit — all or nothing by itself, so the BEGIN and COMMIT
 * round trips go too (a purchase is two round trips: its checks and this); elsewhere `inTransaction` + `post`.
 * Deadlocks and serialization failures are retried as `inTransaction` does.
 */
export async function postAlone(
  deps: Pick<Deps, 'database'>,
  tx: LedgerTx,
  step?: LedgerStep,
): Promise<number | undefined> {
  const legs = tx.postings.filter((p) => p.amount !== 0).sort((a, b) => a.account.id - b.account.id);
  if (deps.database.dialect !== 'postgres' || !oneStatement(legs) || !balanced(tx)) {
    return inTransaction(deps, (trx) => post(trx, tx, step));
  }
  const header = headerOf(tx);
  for (let attempt = 1; ; attempt++) {
    try {
      return await postAsStatement(deps.database.db, header, legs, step);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}

/** PostgreSQL updates a row once per statement: the one-statement form needs every account once. */
const oneStatement = (legs: readonly Posting[]) =>
  legs.length > 0 && fitsOneStatement(legs.map((p) => ({ id: p.account.id })));

const balanced = (tx: LedgerTx) =>
  tx.postings.reduce((s, p) => s + p.amount, 0) === 0 && tx.postings.every((p) => Number.isSafeInteger(p.amount));

function headerOf(tx: LedgerTx) {
  return {
    key: tx.key,
    kind: tx.kind,
    userId: tx.userId ?? null,
    documentId: tx.documentId ?? null,
    memo: tx.memo ?? '',
    createdBy: tx.createdBy ?? null,
    now: Date.now(),
  };
}

/** The one-statement posting (ledger-statement.ts) on `db`, its outcome mapped as `post` reports it. */
async function postAsStatement(
  db: Kysely<DB>,
  header: ReturnType<typeof headerOf>,
  legs: readonly Posting[],
  step: LedgerStep | undefined,
): Promise<number | undefined> {
  const r = await postInOneStatement(
    db,
    header,
    legs.map((p) => ({ id: p.account.id, amount: p.amount, defers: defersCredits(p.account.code) })),
    step && ((txId) => step.query(db, txId)),
    step?.alongside?.(db),
  );
  switch (r.kind) {
    case 'duplicate':
      return undefined;
    case 'short':
      throw new InsufficientBalance(legs.find((p) => p.account.id === r.accountId)?.account.code ?? '');
    case 'step-refused':
      await step?.done(undefined);
      throw new Error('ledger step refused without an error');
    case 'posted':
      await step?.done(r.stepId);
      return r.id;
  }
}

/** The dialect of each transaction `inTransaction` opened (`post` takes the one-statement path on PostgreSQL). */
const dialects = new WeakMap<Transaction<DB>, Dialect>();

const RETRYABLE = new Set(['40001', '40P01', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

/**
 * Runs `fn` in one database transaction, retrying serialization failures and deadlocks (Postgres) or a busy
 * database (SQLite, another process holding the write lock). Everything `fn` writes commits together or not at all.
 */
export async function inTransaction<T>(
  deps: Pick<Deps, 'database'>,
  fn: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.database.db.transaction().execute((trx) => {
        dialects.set(trx, deps.database.dialect);
        return fn(trx);
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}

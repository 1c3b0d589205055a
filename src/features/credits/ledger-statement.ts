// A posting as one statement, for PostgreSQL (decision 0017). `post` does the same work as six to eight statements
// in a row; each one is a round trip, a parse and a plan, and at hundreds of purchases a second those — not locks —
// were the cost. Here the claim, the settle of debited hot accounts, the guarded debits, the entries, the caller's
// step (the entitlement), the credits and the deferred credits are data-modifying CTEs of one statement, with the
// same guards; a refusal raises, so the statement is all or nothing even in autocommit (a purchase needs no
// BEGIN/COMMIT round trips). SQLite (no DML in WITH, and no round trips: it is in-process) keeps the
// statement-by-statement path.
import { type Expression, type Kysely, type OperationNodeSource, type RawBuilder, sql } from 'kysely';
import { PREPARED } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';

/** One account's movement, with whether its credits are deferred (`defersCredits`). */
export interface StatementLeg {
  readonly id: number;
  readonly amount: number;
  readonly defers: boolean;
}

/** The transaction header, as `claimTransaction` writes it. */
export interface StatementHeader {
  readonly key: string;
  readonly kind: string;
  readonly userId: number | null;
  readonly documentId: number | null;
  readonly memo: string;
  readonly createdBy: number | null;
  readonly now: number;
}

/**
 * What the statement did: posted (with the step's row id), nothing because the key was used already, or nothing
 * because it refused itself — a debit short of money (which account), or the step inserted no row.
 */
export type StatementResult =
  | { readonly kind: 'posted'; readonly id: number; readonly stepId: number | undefined }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'short'; readonly accountId: number }
  | { readonly kind: 'step-refused' };

const big = (v: number | null) => sql`cast(${v} as bigint)`;
const values = (legs: readonly StatementLeg[]) => sql.join(legs.map((l) => sql`(${big(l.id)}, ${big(l.amount)})`));

/**
 * True when the legs can go in one statement: PostgreSQL updates a row at most once per statement (a second update
 * of the same row in another CTE would be silently dropped), so every account must appear once.
 */
export function fitsOneStatement(legs: readonly { id: number }[]): boolean {
  return new Set(legs.map((l) => l.id)).size === legs.length;
}

/**
 * Runs the posting as one statement on `db` — a transaction, or the pool (autocommit: the statement alone is all or
 * nothing). A short debit or a refused step makes the statement raise (`ledger_refuse`, SQLSTATE WY001), so nothing
 * it wrote survives, in either case; inside a transaction the caller must then throw (the transaction is aborted).
 *
 * - `claim` inserts the header (ON CONFLICT DO NOTHING): no row, and every later CTE does nothing.
 * - `settled` deletes the unsettled credits of debited hot accounts, and `debit` adds them to the balance in the same
 *   update that takes the debit, guarded by `allow_negative = 1 OR new balance >= 0` (a concurrent settler's rows
 *   are waited for and skipped, as in `settleAccount`).
 * - `ok` is the claimed id only when every debit passed its guard; entries, step, credits and deferred credits
 *   happen only then.
 * - `alongside` (optional) is the caller's unconditional write (a no-op-on-conflict insert): it commits with the
 *   statement, so a refusal rolls it back too.
 */
export async function postInOneStatement(
  db: Kysely<DB>,
  h: StatementHeader,
  legs: readonly StatementLeg[],
  step?: (txId: Expression<number>) => OperationNodeSource,
  alongside?: OperationNodeSource,
): Promise<StatementResult> {
  const debits = legs.filter((l) => l.amount < 0);
  const settle = debits.filter((l) => l.defers);
  const credits = legs.filter((l) => l.amount > 0 && !l.defers);
  const deferred = legs.filter((l) => l.amount > 0 && l.defers);
  const ctes: RawBuilder<unknown>[] = [
    sql`claim as (
      insert into ledger_transactions (idempotency_key, kind, user_id, document_id, memo, created_by, created_at)
      values (${h.key}, ${h.kind}, ${big(h.userId)}, ${big(h.documentId)}, ${h.memo}, ${big(h.createdBy)}, ${big(h.now)})
      on conflict (idempotency_key) do nothing
      returning id)`,
    sql`settled as (
      delete from ledger_unsettled
      where ${settle.length ? sql`account_id in (${sql.join(settle.map((l) => big(l.id)))})` : sql`false`}
        and exists (select 1 from claim)
      returning account_id, amount)`,
  ];
  if (debits.length) {
    ctes.push(sql`debit as (
      update ledger_accounts a
      set balance = a.balance + m.settled + m.amount
      from (
        select d.id, d.amount, coalesce((select sum(s.amount) from settled s where s.account_id = d.id), 0) as settled
        from (values ${values(debits)}) as d(id, amount)
      ) m
      where a.id = m.id and exists (select 1 from claim)
        and (a.allow_negative = 1 or a.balance + m.settled + m.amount >= 0)
      returning a.id)`);
  } else {
    ctes.push(sql`debit as (select cast(null as bigint) as id where false)`);
  }
  ctes.push(sql`ok as (select id from claim where (select count(*) from debit) = ${debits.length})`);
  ctes.push(sql`entries as (
    insert into ledger_entries (transaction_id, account_id, amount, created_at)
    select ok.id, e.account_id, e.amount, ${big(h.now)} from ok, (values ${values(legs)}) as e(account_id, amount))`);
  ctes.push(step ? sql`step as (${step(sql<number>`(select id from ok)`)})` : sql`step as (select null as id)`);
  if (credits.length) {
    ctes.push(sql`credit as (
      update ledger_accounts a set balance = a.balance + c.amount
      from ok, (values ${values(credits)}) as c(id, amount)
      where a.id = c.id)`);
  }
  // A data-modifying CTE runs whether or not the final select reads it; it commits with the statement or not at all.
  if (alongside) ctes.push(sql`alongside as (${alongside})`);
  if (deferred.length) {
    ctes.push(sql`deferred as (
      insert into ledger_unsettled (account_id, transaction_id, amount, created_at)
      select c.id, ok.id, c.amount, ${big(h.now)} from ok, (values ${values(deferred)}) as c(id, amount))`);
  }
  // Refusals are raised from the final select, which reads every CTE it tests in full first.
  const short = debits.length
    ? sql`case when exists (select 1 from claim) and (select count(*) from debit) < ${debits.length}
        then ledger_refuse('short', (select min(d.id) from (values ${values(debits)}) as d(id, amount)
          where d.id not in (select id from debit))) end`
    : sql`null`;
  const refusedStep = step
    ? sql`case when exists (select 1 from ok) and not exists (select 1 from step) then ledger_refuse('step', null) end`
    : sql`null`;
  // Prepared: one text per shape of posting (a purchase always has the same), planned once per connection.
  try {
    const { rows } = await sql<{ claimed: number | null; step_id: number | null }>`${sql.raw(PREPARED)}
      with ${sql.join(ctes)}
      select (select id from claim) as claimed, (select id from step limit 1) as step_id,
        ${short} as short, ${refusedStep} as refused_step`.execute(db);
    const r = rows[0];
    if (r?.claimed == null) return { kind: 'duplicate' };
    return { kind: 'posted', id: Number(r.claimed), stepId: r.step_id == null ? undefined : Number(r.step_id) };
  } catch (err) {
    const e = err as { code?: string; message?: string; detail?: string };
    if (e.code !== 'WY001') throw err;
    return e.message?.endsWith(': short') ? { kind: 'short', accountId: Number(e.detail) } : { kind: 'step-refused' };
  }
}

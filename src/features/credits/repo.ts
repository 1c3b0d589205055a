import { type Kysely, sql } from 'kysely';
import type { DB, LedgerAccountsTable } from '../../db/schema.ts';
import { settledPlusUnsettled } from './unsettled.ts';

/** An account to post to: its id, resolved (and created if missing) before the transaction starts. */
export interface AccountRef {
  readonly id: number;
  readonly code: string;
}

/** Finds an account by code, creating it on first use (concurrent creators are harmless: the code is unique). */
export async function ensureAccount(
  db: Kysely<DB>,
  code: string,
  kind: LedgerAccountsTable['kind'],
  userId: number | null,
  allowNegative: boolean,
): Promise<AccountRef> {
  const found = await db.selectFrom('ledger_accounts').select('id').where('code', '=', code).executeTakeFirst();
  if (found) return { id: Number(found.id), code };
  await db
    .insertInto('ledger_accounts')
    .values({
      code,
      kind,
      user_id: userId,
      balance: 0,
      allow_negative: allowNegative ? 1 : 0,
      created_at: Date.now(),
    })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const row = await db.selectFrom('ledger_accounts').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return { id: Number(row.id), code };
}

/** Several accounts at once: one select, and inserts only for the ones missing (first use). */
export async function ensureAccounts(
  db: Kysely<DB>,
  specs: readonly { code: string; kind: LedgerAccountsTable['kind']; userId: number | null; allowNegative: boolean }[],
): Promise<AccountRef[]> {
  const codes = specs.map((s) => s.code);
  const load = async () =>
    new Map(
      (await db.selectFrom('ledger_accounts').select(['id', 'code']).where('code', 'in', codes).execute()).map((r) => [
        r.code,
        Number(r.id),
      ]),
    );
  let found = await load();
  if (found.size < new Set(codes).size) {
    for (const s of specs) if (!found.has(s.code)) await ensureAccount(db, s.code, s.kind, s.userId, s.allowNegative);
    found = await load();
  }
  return specs.map((s) => ({ id: found.get(s.code)!, code: s.code }));
}

/** The balance of an account by code, unsettled credits included (0 when it does not exist yet). */
export async function balanceOf(db: Kysely<DB>, code: string): Promise<number> {
  const row = await db
    .selectFrom('ledger_accounts as a')
    .select(settledPlusUnsettled.as('balance'))
    .where('a.code', '=', code)
    .executeTakeFirst();
  return Number(row?.balance ?? 0);
}

/**
 * Claims an idempotency key by inserting the transaction header. Returns undefined when the key exists: the
 * operation already happened (a concurrent claimer waits on the unique index, then sees the committed row).
 */
export async function claimTransaction(
  db: Kysely<DB>,
  tx: {
    key: string;
    kind: string;
    userId: number | null;
    documentId: number | null;
    memo: string;
    createdBy: number | null;
    now: number;
  },
): Promise<number | undefined> {
  const row = await db
    .insertInto('ledger_transactions')
    .values({
      idempotency_key: tx.key,
      kind: tx.kind,
      user_id: tx.userId,
      document_id: tx.documentId,
      memo: tx.memo,
      created_by: tx.createdBy,
      created_at: tx.now,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/**
 * Moves an account's balance by `amount` in one guarded statement: a debit only succeeds while the balance covers
 * it (or the account may run negative). Returns false when the guard refused.
 */
export async function moveBalance(db: Kysely<DB>, accountId: number, amount: number): Promise<boolean> {
  let q = db
    .updateTable('ledger_accounts')
    .set({ balance: sql`balance + ${amount}` })
    .where('id', '=', accountId);
  if (amount < 0) q = q.where((eb) => eb.or([eb('allow_negative', '=', 1), eb('balance', '>=', -amount)]));
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Appends the entries of one transaction in one statement. */
export async function insertEntries(
  db: Kysely<DB>,
  entries: readonly { transactionId: number; accountId: number; amount: number; now: number }[],
): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('ledger_entries')
    .values(
      entries.map((e) => ({
        transaction_id: e.transactionId,
        account_id: e.accountId,
        amount: e.amount,
        created_at: e.now,
      })),
    )
    .execute();
}

/** A transaction header by idempotency key. */
export function findTransactionByKey(db: Kysely<DB>, key: string) {
  return db.selectFrom('ledger_transactions').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

/** A buyer's purchase of a document (active or refunded). */
export function findPurchase(db: Kysely<DB>, buyerId: number, documentId: number) {
  return db
    .selectFrom('purchases')
    .selectAll()
    .where('buyer_id', '=', buyerId)
    .where('document_id', '=', documentId)
    .executeTakeFirst();
}

/** A purchase by id. */
export function findPurchaseById(db: Kysely<DB>, id: number) {
  return db.selectFrom('purchases').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Revokes an entitlement (refund); false when it was not active. */
export async function markPurchaseRefunded(db: Kysely<DB>, id: number, now: number): Promise<boolean> {
  const res = await db
    .updateTable('purchases')
    .set({ status: 'refunded', refunded_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** What a purchase needs to know about a document. */
export function findSellableDocument(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents')
    .select([
      'id',
      'owner_id',
      'earnings_user_id',
      'title',
      'format',
      'price',
      'status',
      'blob_key',
      'pdf_key',
      'original_name',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** True when the user accepted this version of the download terms. */
export async function hasAcceptedTerms(db: Kysely<DB>, userId: number, version: string): Promise<boolean> {
  const row = await db
    .selectFrom('terms_acceptances')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('terms_version', '=', version)
    .executeTakeFirst();
  return !!row;
}

/** The terms acceptance insert, unexecuted (a purchase runs it with its posting); a no-op when recorded already. */
export function termsAcceptanceInsert(db: Kysely<DB>, userId: number, version: string, now: number) {
  return db
    .insertInto('terms_acceptances')
    .values({ user_id: userId, terms_version: version, accepted_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'terms_version']).doNothing());
}

/** A setting value (JSON) owned by the credits feature. */
export async function readSetting(db: Kysely<DB>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Stores a setting value (JSON). */
export async function writeSetting(db: Kysely<DB>, key: string, value: string): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

/** Inserts a pending top-up order. */
export async function insertTopupOrder(
  db: Kysely<DB>,
  o: { outTradeNo: string; userId: number; amount: number; provider: string; now: number },
): Promise<void> {
  await db
    .insertInto('topup_orders')
    .values({
      out_trade_no: o.outTradeNo,
      user_id: o.userId,
      amount: o.amount,
      provider: o.provider,
      status: 'pending',
      trade_no: null,
      created_at: o.now,
      updated_at: o.now,
      paid_at: null,
    })
    .execute();
}

/** A top-up order by its merchant order number. */
export function findTopupOrder(db: Kysely<DB>, outTradeNo: string) {
  return db.selectFrom('topup_orders').selectAll().where('out_trade_no', '=', outTradeNo).executeTakeFirst();
}

/** Marks an order paid (whatever it was before: the money arrived). */
export async function markTopupPaid(db: Kysely<DB>, id: number, tradeNo: string, now: number): Promise<void> {
  await db
    .updateTable('topup_orders')
    .set({ status: 'paid', trade_no: tradeNo, paid_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Closes an order that is still pending. */
export async function closePendingTopup(db: Kysely<DB>, id: number, now: number): Promise<void> {
  await db
    .updateTable('topup_orders')
    .set({ status: 'closed', updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Records a payment notify and what was done with it. */
export async function insertPaymentNotification(
  db: Kysely<DB>,
  n: {
    provider: string;
    outTradeNo: string | undefined;
    outcome: 'credited' | 'duplicate' | 'rejected' | 'ignored';
    reason: string;
    payload: string;
  },
): Promise<void> {
  await db
    .insertInto('payment_notifications')
    .values({
      provider: n.provider,
      out_trade_no: n.outTradeNo ?? null,
      outcome: n.outcome,
      reason: n.reason,
      payload: n.payload,
      created_at: Date.now(),
    })
    .execute();
}

/** True when the user carries the 实名认证 flag. */
export async function isRealNameVerified(db: Kysely<DB>, userId: number): Promise<boolean> {
  const u = await db.selectFrom('users').select('real_name_verified').where('id', '=', userId).executeTakeFirst();
  return u?.real_name_verified === 1;
}

/** True when the user exists. */
export async function userExists(db: Kysely<DB>, userId: number): Promise<boolean> {
  return !!(await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst());
}

/** Inserts a payout request and returns its id. */
export async function insertPayout(db: Kysely<DB>, userId: number, amount: number, now: number): Promise<number> {
  const row = await db
    .insertInto('payouts')
    .values({
      user_id: userId,
      amount,
      status: 'requested',
      note: '',
      decided_by: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A payout by id. */
export function findPayout(db: Kysely<DB>, id: number) {
  return db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Moves a payout from one of `from` to `to`; false when it was in another state. */
export async function transitionPayout(
  db: Kysely<DB>,
  id: number,
  from: ('requested' | 'approved')[],
  to: 'approved' | 'rejected' | 'paid',
  by: number,
  note: string,
): Promise<boolean> {
  const res = await db
    .updateTable('payouts')
    .set({ status: to, note, decided_by: by, updated_at: Date.now() })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** True when any other document (any owner, any state) has the same bytes (same blob). */
export async function hasOtherCopy(db: Kysely<DB>, documentId: number, blobKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('documents')
    .select('id')
    .where('blob_key', '=', blobKey)
    .where('id', '<>', documentId)
    .executeTakeFirst();
  return !!row;
}

/** What the first-upload reward looks at: the owner, the state, the amount of text and the text's signature. */
export function findRewardCandidate(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents')
    .select(['id', 'owner_id', 'status', 'blob_key', 'char_count', 'minhash'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The positive (credited) amount of a transaction, e.g. what a reward paid. */
export async function creditedAmount(db: Kysely<DB>, transactionId: number): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries')
    .select('amount')
    .where('transaction_id', '=', transactionId)
    .where('amount', '>', 0)
    .executeTakeFirst();
  return Number(row?.amount ?? 0);
}

/** Downloads since a time, by user or by IP (for the daily caps). */
export async function countDownloadsSince(
  db: Kysely<DB>,
  by: { userId: number } | { ip: string },
  since: number,
): Promise<number> {
  let q = db
    .selectFrom('downloads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('created_at', '>=', since);
  q = 'userId' in by ? q.where('user_id', '=', by.userId) : q.where('ip', '=', by.ip);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Records a download. */
export async function insertDownload(
  db: Kysely<DB>,
  d: { userId: number; documentId: number; ip: string; now: number },
) {
  await db
    .insertInto('downloads')
    .values({ user_id: d.userId, document_id: d.documentId, ip: d.ip, created_at: d.now })
    .execute();
}

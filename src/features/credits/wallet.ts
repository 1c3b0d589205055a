import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { SessionUser } from '../accounts/service.ts';
import { ACCOUNTS, type TxKind } from './ledger.ts';
import * as repo from './repo.ts';
import { getRewardSettings, signedInToday } from './rewards.ts';
import { balancesByKind, settledPlusUnsettled } from './unsettled.ts';

/** History filters offered on 我的钱包. */
export const HISTORY_FILTERS = ['all', 'topup', 'purchase', 'refund', 'reward', 'grant'] as const;
export type HistoryFilter = (typeof HISTORY_FILTERS)[number];

const FILTER_KINDS: Record<Exclude<HistoryFilter, 'all'>, TxKind[]> = {
  topup: ['topup'],
  purchase: ['purchase'],
  refund: ['refund'],
  reward: ['reward', 'clawback'],
  grant: ['grant'],
};

/** 我的钱包: balance, held rewards, today's sign-in state and one page of wallet history. */
export async function getWallet(
  deps: Pick<Deps, 'database' | 'config'>,
  user: Pick<SessionUser, 'id'>,
  opts: { filter: HistoryFilter; page: number },
) {
  const { db } = deps.database;
  const pageSize = 20;
  let q = db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
    .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
    .leftJoin('documents as d', 'd.id', 't.document_id')
    .select(['e.id', 'e.amount', 'e.created_at', 't.kind', 't.memo', 't.document_id', 'd.title as document_title'])
    .where('a.code', '=', ACCOUNTS.wallet(user.id));
  if (opts.filter !== 'all') q = q.where('t.kind', 'in', FILTER_KINDS[opts.filter]);
  const rows = await q
    .orderBy('e.id', 'desc')
    .limit(pageSize + 1)
    .offset((opts.page - 1) * pageSize)
    .execute();
  const [balance, earnings, pending, reward, signed, rewards] = await Promise.all([
    repo.balanceOf(db, ACCOUNTS.wallet(user.id)),
    repo.balanceOf(db, ACCOUNTS.earnings(user.id)),
    repo.balanceOf(db, ACCOUNTS.pending(user.id)),
    repo.findTransactionByKey(db, `first-upload:${user.id}`),
    signedInToday(deps, user.id),
    getRewardSettings(deps),
  ]);
  return {
    balance,
    earnings,
    /** Credits held (a first-upload reward in its holding period) and when they are due for release. */
    pending,
    pendingReleaseAt:
      pending > 0 && reward ? Number(reward.created_at) + deps.config.credits.rewardHoldDays * 86_400_000 : undefined,
    signedInToday: signed,
    signinReward: rewards.signin,
    rows: rows.slice(0, pageSize).map((r) => ({ ...r, amount: Number(r.amount) })),
    hasMore: rows.length > pageSize,
  };
}

/** China time is UTC+8 all year (no daylight saving): months and days are cut there. */
const CHINA_OFFSET = 8 * 3600_000;

/** 我的收益: earnings balance, per document, per month (last 12 months), and payout requests. */
export async function getEarnings(deps: Pick<Deps, 'database'>, user: Pick<SessionUser, 'id'>) {
  const { db } = deps.database;
  const code = ACCOUNTS.earnings(user.id);
  // Twelve months ending with the current one (China time), zero-filled, so the chart always has the same axis.
  const now = new Date(Date.now() + CHINA_OFFSET);
  const start = (monthsBack: number) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1);
  const months = Array.from({ length: 12 }, (_, i) => ({
    month: new Date(start(11 - i)).toISOString().slice(0, 7),
    from: start(11 - i) - CHINA_OFFSET,
  }));
  const end = start(-1) - CHINA_OFFSET;
  const [balance, perDocument, byMonth, payouts, verified] = await Promise.all([
    repo.balanceOf(db, code),
    db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
      .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
      .innerJoin('documents as d', 'd.id', 't.document_id')
      .select([
        'd.id',
        'd.title',
        'd.status',
        sql<number>`sum(e.amount)`.as('total'),
        sql<number>`sum(case when t.kind = 'purchase' then 1 else 0 end)`.as('sales'),
      ])
      .where('a.code', '=', code)
      .where('t.kind', 'in', ['purchase', 'refund'])
      .groupBy(['d.id', 'd.title', 'd.status'])
      .orderBy('total', 'desc')
      .limit(100)
      .execute(),
    // Summed per month by the database (one row), not one row per sale: a popular uploader has many.
    db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
      .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
      .select(
        months.map((m, i) =>
          sql<number>`coalesce(sum(case when e.created_at >= ${m.from} and e.created_at < ${months[i + 1]?.from ?? end} then e.amount else 0 end), 0)`.as(
            `m${i}`,
          ),
        ),
      )
      .where('a.code', '=', code)
      .where('t.kind', 'in', ['purchase', 'refund'])
      .where('e.created_at', '>=', months[0]!.from)
      .executeTakeFirst(),
    db.selectFrom('payouts').selectAll().where('user_id', '=', user.id).orderBy('id', 'desc').limit(20).execute(),
    db.selectFrom('users').select('real_name_verified').where('id', '=', user.id).executeTakeFirst(),
  ]);
  const sums = (byMonth ?? {}) as Record<string, number | null>;
  return {
    balance,
    perDocument: perDocument.map((r) => ({ ...r, total: Number(r.total), sales: Number(r.sales) })),
    months: months.map((m, i) => ({ month: m.month, total: Number(sums[`m${i}`] ?? 0) })),
    payouts,
    verified: verified?.real_name_verified === 1,
  };
}

/** The admin finance overview: balances by account type, recent movements, payouts and rejected notifies. */
export async function getFinanceOverview(deps: Pick<Deps, 'database'>) {
  const { db } = deps.database;
  // Balances include unsettled credits (decision 0017).
  const [byKind, system, recent, payouts, notifies, purchases] = await Promise.all([
    balancesByKind(db),
    db
      .selectFrom('ledger_accounts as a')
      .select(['a.code', settledPlusUnsettled.as('balance')])
      .where('a.kind', 'in', ['system', 'platform'])
      .orderBy('a.code')
      .execute(),
    db
      .selectFrom('ledger_transactions as t')
      .leftJoin('users as u', 'u.id', 't.user_id')
      .select(['t.id', 't.kind', 't.memo', 't.created_at', 't.user_id', 't.document_id', 'u.display_name'])
      .orderBy('t.id', 'desc')
      .limit(30)
      .execute(),
    db
      .selectFrom('payouts as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .select(['p.id', 'p.amount', 'p.status', 'p.created_at', 'p.user_id', 'u.display_name'])
      .where('p.status', 'in', ['requested', 'approved'])
      .orderBy('p.id')
      .limit(50)
      .execute(),
    db
      .selectFrom('payment_notifications')
      .select(['id', 'out_trade_no', 'outcome', 'reason', 'created_at'])
      .where('outcome', '=', 'rejected')
      .orderBy('id', 'desc')
      .limit(20)
      .execute(),
    db
      .selectFrom('purchases as p')
      .innerJoin('documents as d', 'd.id', 'p.document_id')
      .innerJoin('users as u', 'u.id', 'p.buyer_id')
      .select(['p.id', 'p.price', 'p.status', 'p.created_at', 'd.title', 'u.display_name'])
      .orderBy('p.id', 'desc')
      .limit(30)
      .execute(),
  ]);
  return {
    byKind,
    system: system.map((r) => ({ code: r.code, balance: Number(r.balance) })),
    recent,
    payouts: payouts.map((p) => ({ ...p, amount: Number(p.amount) })),
    notifies,
    purchases: purchases.map((p) => ({ ...p, price: Number(p.price) })),
  };
}

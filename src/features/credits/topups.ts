import { randomBytes } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { badRequest, notFound } from '../../errors.ts';
import type { PaymentProvider } from '../../payments/payment-provider.ts';
import type { SessionUser } from '../accounts/service.ts';
import { ACCOUNTS, accounts, inTransaction, post } from './ledger.ts';
import * as repo from './repo.ts';

/** Top-up amounts offered on the page, in 分 (1 credit = 1 分). */
export const TOPUP_CHOICES = [1000, 3000, 5000, 10_000, 50_000] as const;
const MIN_TOPUP = 100;
const MAX_TOPUP = 500_000;

/** Creates a pending top-up order and returns the provider URL to send the browser to. */
export async function startTopup(
  deps: Pick<Deps, 'database' | 'config' | 'payments'>,
  user: Pick<SessionUser, 'id'>,
  amountFen: number,
): Promise<{ outTradeNo: string; payUrl: string }> {
  const provider = deps.payments;
  if (!provider) throw badRequest('credits.topupUnavailable');
  if (!Number.isSafeInteger(amountFen) || amountFen < MIN_TOPUP || amountFen > MAX_TOPUP) {
    throw badRequest('credits.topupAmountInvalid', { min: MIN_TOPUP / 100, max: MAX_TOPUP / 100 });
  }
  const now = Date.now();
  const outTradeNo = `WY${now}${randomBytes(5).toString('hex')}`;
  await repo.insertTopupOrder(deps.database.db, {
    outTradeNo,
    userId: user.id,
    amount: amountFen,
    provider: provider.name,
    now,
  });
  const base = deps.config.http.publicUrl;
  const payUrl = provider.createPagePayUrl({
    outTradeNo,
    amountFen,
    subject: `文苑充值 ${amountFen} 文币`,
    notifyUrl: `${base}/payments/${provider.name}/notify`,
    returnUrl: `${base}/my/wallet/topup/return`,
  });
  return { outTradeNo, payUrl };
}

/** How a notify was handled; `ack` is the body to answer the provider with. */
export interface NotifyOutcome {
  readonly outcome: 'credited' | 'duplicate' | 'rejected' | 'ignored';
  readonly reason: string;
  readonly ack: string;
}

/**
 * Handles an asynchronous payment notify.
 *
 * 1. Verify it (signature against the provider's public key, app id, fields); a bad one is logged and refused.
 * 2. Match it to our order and check the amount to the 分.
 * 3. Paid: one transaction credits the wallet under the key `topup:<out_trade_no>` and marks the order paid —
 *    duplicates and retries find the key taken. Closed: a pending order closes. Anything else is acknowledged.
 * Every notify is recorded in payment_notifications with its outcome.
 */
export async function handlePaymentNotify(
  deps: Pick<Deps, 'database' | 'log'>,
  provider: PaymentProvider,
  params: Record<string, string>,
): Promise<NotifyOutcome> {
  const { db } = deps.database;
  const record = async (outcome: NotifyOutcome['outcome'], reason: string, outTradeNo: string | undefined) => {
    await repo.insertPaymentNotification(db, {
      provider: provider.name,
      outTradeNo,
      outcome,
      reason,
      payload: JSON.stringify(params).slice(0, 8000),
    });
    if (outcome === 'rejected')
      deps.log.warn({ provider: provider.name, outTradeNo, reason }, 'payment notify rejected');
    else deps.log.info({ provider: provider.name, outTradeNo, outcome, reason }, 'payment notify');
    return { outcome, reason, ack: outcome === 'rejected' ? 'fail' : provider.ackBody };
  };

  // 1. Verify.
  const check = provider.verifyNotify(params);
  if (!check.ok) return record('rejected', check.reason, check.outTradeNo);
  const n = check.notify;

  // 2. Match.
  const order = await repo.findTopupOrder(db, n.outTradeNo);
  if (!order || order.provider !== provider.name) return record('rejected', 'unknown_order', n.outTradeNo);
  if (n.amountFen !== Number(order.amount)) return record('rejected', 'amount_mismatch', n.outTradeNo);

  // 3. Apply.
  if (n.state === 'paid') {
    const [source, wallet] = await Promise.all([
      accounts.source(db, ACCOUNTS.alipay),
      accounts.wallet(db, Number(order.user_id)),
    ]);
    const credited = await inTransaction(deps, async (trx) => {
      const txId = await post(trx, {
        key: `topup:${provider.name}:${order.out_trade_no}`,
        kind: 'topup',
        userId: Number(order.user_id),
        memo: `${provider.name} ${n.tradeNo}`,
        postings: [
          { account: source, amount: -Number(order.amount) },
          { account: wallet, amount: Number(order.amount) },
        ],
      });
      if (txId === undefined) return false;
      // Paid wins over any earlier state (a late payment for an order we had closed still arrived).
      await repo.markTopupPaid(trx, Number(order.id), n.tradeNo, Date.now());
      return true;
    });
    return record(credited ? 'credited' : 'duplicate', n.state, n.outTradeNo);
  }
  if (n.state === 'closed') {
    await repo.closePendingTopup(db, Number(order.id), Date.now());
  }
  return record('ignored', n.state, n.outTradeNo);
}

/** One of the user's top-up orders (for the return page). */
export async function getTopupOrder(deps: Pick<Deps, 'database'>, user: Pick<SessionUser, 'id'>, outTradeNo: string) {
  const found = await repo.findTopupOrder(deps.database.db, outTradeNo);
  const order = found && Number(found.user_id) === user.id ? found : undefined;
  if (!order) throw notFound();
  return order;
}

import type { Deps } from '../../deps.ts';
import { conflict, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { accounts, inTransaction, post } from './ledger.ts';
import * as repo from './repo.ts';

/**
 * Refunds a purchase (admin), in one transaction: the buyer's wallet is credited the price, the uploader's earnings
 * and the platform share are reversed (guarded: earnings already paid out make the refund fail with a clear
 * message), and the entitlement is revoked. Refunding twice is a no-op.
 */
export async function refundPurchase(
  deps: Pick<Deps, 'database'>,
  admin: Pick<SessionUser, 'id'>,
  purchaseId: number,
  reason: string,
): Promise<{ refunded: boolean }> {
  const { db } = deps.database;
  const p = await repo.findPurchaseById(db, purchaseId);
  if (!p) throw notFound();
  if (p.status !== 'active') return { refunded: false };
  const [wallet, earnings, platform] = await Promise.all([
    accounts.wallet(db, Number(p.buyer_id)),
    accounts.earnings(db, Number(p.seller_id)),
    accounts.platform(db),
  ]);
  const price = Number(p.price);
  const share = Number(p.platform_share);
  try {
    return await inTransaction(deps, async (trx) => {
      const txId = await post(trx, {
        key: `refund:${p.id}`,
        kind: 'refund',
        userId: Number(p.buyer_id),
        documentId: Number(p.document_id),
        memo: reason.trim().slice(0, 200),
        createdBy: admin.id,
        postings: [
          { account: earnings, amount: -(price - share) },
          { account: platform, amount: -share },
          { account: wallet, amount: price },
        ],
      });
      if (txId === undefined) return { refunded: false };
      if (!(await repo.markPurchaseRefunded(trx, Number(p.id), Date.now()))) throw conflict('credits.refundConflict');
      return { refunded: true };
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'insufficient_credits') throw conflict('credits.refundEarningsShort');
    throw err;
  }
}

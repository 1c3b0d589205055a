import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, gone, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import type { SessionUser } from '../accounts/service.ts';
import { assertMarkAllowsSale, assertSaleMarkable } from '../watermark/service.ts';
import { ACCOUNTS, InsufficientBalance, postAlone, saleAccounts } from './ledger.ts';
import { documentStatus, findPurchaseContext, insertPurchaseIfForSale } from './purchase-repo.ts';
import * as repo from './repo.ts';

/** The version of the download terms a buyer accepts: a digest of their text, so editing them asks again. */
export const TERMS_VERSION = `terms-${createHash('sha256')
  .update([t('terms.usage'), t('terms.userContent'), t('terms.reportBefore')].join('\n'))
  .digest('hex')
  .slice(0, 12)}`;

/** The outcome of a purchase request: a new purchase, or the entitlement the buyer already had. */
export interface PurchaseResult {
  readonly purchaseId: number;
  readonly created: boolean;
}

/**
 * The platform's share of a sale: `percent` of the price rounded half up to a whole 分, in integer arithmetic
 * (3 at 30 % → 1, 5 → 2, 10 → 3). The uploader gets the remainder, so the split never loses or invents a 分.
 * The one place the split is computed (decision 0009): purchases, refunds (which reverse the stored share) and the
 * price hint on the upload form all use it.
 */
export function platformShare(price: number, percent: number): number {
  return Math.floor((price * percent + 50) / 100);
}

/** True when the user holds an active entitlement to the document. */
export async function hasEntitlement(deps: Pick<Deps, 'database'>, userId: number, documentId: number) {
  const p = await repo.findPurchase(deps.database.db, userId, documentId);
  return p?.status === 'active';
}

/** True when the user has accepted the current download terms. */
export async function hasAcceptedCurrentTerms(deps: Pick<Deps, 'database'>, userId: number) {
  return repo.hasAcceptedTerms(deps.database.db, userId, TERMS_VERSION);
}

/** What the confirm page shows: the document, the price, the buyer's balance and whether terms are accepted. */
export async function getPurchaseQuote(deps: Pick<Deps, 'database'>, buyer: SessionUser, documentId: number) {
  const { db } = deps.database;
  const doc = await repo.findSellableDocument(db, documentId);
  if (!doc) throw notFound();
  const purchase = await repo.findPurchase(db, buyer.id, documentId);
  if (doc.status !== 'published' && purchase?.status !== 'active') {
    if (doc.status === 'taken_down') throw gone('takedown.noPurchase');
    throw doc.status === 'deleted' ? gone() : notFound();
  }
  // Not for sale while marks are required and this file can carry none (decision 0019): say so before the form.
  if (!purchase && doc.owner_id !== buyer.id && doc.price > 0) await assertMarkAllowsSale(deps, documentId);
  const [balance, termsAccepted] = await Promise.all([
    repo.balanceOf(db, `wallet:${buyer.id}`),
    repo.hasAcceptedTerms(db, buyer.id, TERMS_VERSION),
  ]);
  return { doc, balance, termsAccepted, purchase, own: doc.owner_id === buyer.id };
}

/**
 * Buys a document for the buyer's wallet credits.
 *
 * 1. The document must be published, paid, and not the buyer's own; the terms must be accepted (recorded once).
 * 2. One posting, all or nothing (one statement on PostgreSQL, one transaction on SQLite): claim
 *    `purchase:<buyer>:<doc>` (a second purchase — concurrent or later — finds the key taken), debit the wallet with
 *    a guarded update (余额不足 rolls everything back), credit the earnings of the uploader (or of the claimant, once
 *    a 认领 is approved: `documents.earnings_user_id`; recorded as the purchase's seller, so a refund reverses the
 *    right account) and the platform's share — both deferred (decision 0017) — and create the entitlement while the
 *    document is still for sale.
 * 3. A repeated purchase answers with the existing entitlement; nothing is charged twice.
 */
export async function purchaseDocument(
  deps: Pick<Deps, 'database' | 'config'>,
  buyer: Pick<SessionUser, 'id'>,
  documentId: number,
  opts: { acceptTerms?: boolean } = {},
): Promise<PurchaseResult> {
  const { db } = deps.database;
  // 1. Checks outside the transaction: they read stable facts, and the transaction re-guards what matters.
  const doc = await findPurchaseContext(db, buyer.id, documentId, TERMS_VERSION);
  if (!doc) throw notFound();
  if (doc.purchase_id !== null) {
    if (doc.purchase_status !== 'active') throw conflict('credits.refundedNoRebuy');
    return { purchaseId: Number(doc.purchase_id), created: false };
  }
  if (doc.status === 'deleted') throw gone();
  if (doc.status === 'taken_down') throw gone('takedown.noPurchase');
  if (doc.status !== 'published') throw notFound();
  if (doc.price <= 0) throw badRequest('credits.notForSale');
  // Marks required and this file can carry none, nor has a converted PDF that could (decision 0019): not sold.
  assertSaleMarkable(doc);
  // Who earns from this sale: the uploader, or the author whose 认领 was approved (decision 0013). Earning from a
  // sale to oneself would only move credits from wallet to earnings, so neither may buy.
  const sellerId = Number(doc.earnings_user_id ?? doc.owner_id);
  if (doc.owner_id === buyer.id || sellerId === buyer.id) throw badRequest('credits.ownDocument');
  // A first purchase records the terms acceptance with the posting (committed with it, no round trip of its own).
  const recordTerms = Number(doc.accepted) !== 1;
  if (recordTerms && !opts.acceptTerms) throw badRequest('credits.termsRequired').on('acceptTerms');
  const share = platformShare(doc.price, deps.config.credits.platformSharePercent);
  // The accounts, resolved by the context query once they exist (created on a buyer's or seller's first sale).
  const { wallet, earnings, platform } =
    doc.wallet_id !== null && doc.earnings_id !== null && doc.platform_id !== null
      ? {
          wallet: { id: Number(doc.wallet_id), code: ACCOUNTS.wallet(buyer.id) },
          earnings: { id: Number(doc.earnings_id), code: ACCOUNTS.earnings(sellerId) },
          platform: { id: Number(doc.platform_id), code: ACCOUNTS.platform },
        }
      : await saleAccounts(db, buyer.id, sellerId);

  // 2. The purchase itself: the posting, with the entitlement as its step (one statement on PostgreSQL).
  let purchaseId: number | undefined;
  await postWithTerms(
    deps,
    buyer.id,
    recordTerms,
    postAlone(
      deps,
      {
        key: `purchase:${buyer.id}:${doc.id}`,
        kind: 'purchase',
        userId: buyer.id,
        documentId: doc.id,
        memo: doc.title,
        postings: [
          { account: wallet, amount: -doc.price },
          { account: earnings, amount: doc.price - share },
          { account: platform, amount: share },
        ],
      },
      {
        // The entitlement, only while the document is still for sale (and held so until commit on PostgreSQL); a
        // takedown or deletion that won the race refuses the purchase and rolls the postings back.
        query: (q, txId) =>
          insertPurchaseIfForSale(q, deps.database.dialect, {
            buyerId: buyer.id,
            documentId: doc.id,
            sellerId,
            price: doc.price,
            platformShare: share,
            transactionId: txId,
            now: Date.now(),
          }),
        done: async (id) => {
          if (id === undefined) {
            // Read outside the posting: on PostgreSQL its statement (or transaction) was aborted.
            const live = await documentStatus(db, doc.id);
            throw live?.status === 'taken_down' ? gone('takedown.noPurchase') : gone();
          }
          purchaseId = id;
        },
        alongside: recordTerms ? (q) => repo.termsAcceptanceInsert(q, buyer.id, TERMS_VERSION, Date.now()) : undefined,
      },
    ),
  );
  if (purchaseId !== undefined) return { purchaseId, created: true };

  // 3. Someone (this buyer, in another request) bought it first.
  const won = await repo.findPurchase(db, buyer.id, documentId);
  if (!won) throw new Error('purchase key taken without a purchase');
  return { purchaseId: Number(won.id), created: false };
}

/**
 * Awaits a first purchase's posting, which records the terms acceptance with it. A purchase refused for want of
 * credits still records the acceptance the buyer gave (the form does not ask again after a top-up): only on that
 * path does the acceptance cost a statement of its own.
 */
async function postWithTerms(
  deps: Pick<Deps, 'database'>,
  buyerId: number,
  recordTerms: boolean,
  posting: Promise<unknown>,
): Promise<void> {
  try {
    await posting;
  } catch (err) {
    if (recordTerms && err instanceof InsufficientBalance) {
      await repo.termsAcceptanceInsert(deps.database.db, buyerId, TERMS_VERSION, Date.now()).execute();
    }
    throw err;
  }
}

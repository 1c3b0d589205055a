// Earnings held while a document is taken down (decision 0010). When its buyers lose access — a legal takedown or
// pornography — the uploader's net earnings from its sales move from `earnings:<user>` to `held:<user>` (shown, not
// withdrawable), as much as the earnings account still holds (it never goes negative). A restore moves the same
// amount back. Each takedown is its own hold: keyed by the document and the takedown's timestamp, so a document
// taken down, restored and taken down again is held twice and released twice, each exactly once.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { buyersKeepAccess } from '../documents/policy.ts';
import { InsufficientBalance, inTransaction, post } from './ledger.ts';
import * as repo from './repo.ts';

/** The account holding a user's withheld earnings. */
export const heldAccount = (userId: number) => `held:${userId}`;

const holdKey = (documentId: number, takenDownAt: number) => `hold:takedown:${documentId}:${takenDownAt}`;

/**
 * Holds the uploader's net earnings from a taken-down document when its buyers lose access; returns the amount held
 * (0 when there is nothing to hold, buyers keep access, or it was held already). Idempotent.
 */
export async function holdTakedownEarnings(deps: Pick<Deps, 'database'>, documentId: number): Promise<number> {
  const { db } = deps.database;
  const doc = await db
    .selectFrom('documents')
    .select(['id', 'owner_id', 'status', 'takedown_code', 'taken_down_at'])
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (doc?.status !== 'taken_down' || doc.taken_down_at === null || buyersKeepAccess(doc.takedown_code)) return 0;
  const sellerId = Number(doc.owner_id);
  const sales = await db
    .selectFrom('purchases')
    .select(sql<number>`coalesce(sum(price - platform_share), 0)`.as('net'))
    .where('document_id', '=', documentId)
    .where('seller_id', '=', sellerId)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  const net = Number(sales.net);
  if (net <= 0) return 0;
  const key = holdKey(documentId, Number(doc.taken_down_at));
  const [earnings, held] = await Promise.all([
    repo.ensureAccount(db, `earnings:${sellerId}`, 'earnings', sellerId, false),
    repo.ensureAccount(db, heldAccount(sellerId), 'pending', sellerId, false),
  ]);
  for (let attempt = 0; attempt < 3; attempt++) {
    const take = Math.min(net, await repo.balanceOf(db, earnings.code));
    if (take <= 0) return 0;
    try {
      const txId = await inTransaction(deps, (trx) =>
        post(trx, {
          key,
          kind: 'hold',
          userId: sellerId,
          documentId,
          memo: 'takedown',
          postings: [
            { account: earnings, amount: -take },
            { account: held, amount: take },
          ],
        }),
      );
      return txId === undefined ? 0 : take;
    } catch (err) {
      // A payout request spent the earnings between reading and debiting: read again and hold what is left.
      if (!(err instanceof InsufficientBalance)) throw err;
    }
  }
  return 0;
}

/** Gives back the held earnings of the document's latest takedown (after a restore); returns the amount. Idempotent. */
export async function releaseTakedownEarnings(deps: Pick<Deps, 'database'>, documentId: number): Promise<number> {
  const { db } = deps.database;
  const hold = await db
    .selectFrom('ledger_transactions')
    .select(['id', 'user_id'])
    .where('document_id', '=', documentId)
    .where('kind', '=', 'hold')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!hold || hold.user_id === null) return 0;
  const sellerId = Number(hold.user_id);
  const amount = await repo.creditedAmount(db, Number(hold.id));
  if (amount <= 0) return 0;
  const [earnings, held] = await Promise.all([
    repo.ensureAccount(db, `earnings:${sellerId}`, 'earnings', sellerId, false),
    repo.ensureAccount(db, heldAccount(sellerId), 'pending', sellerId, false),
  ]);
  const txId = await inTransaction(deps, (trx) =>
    post(trx, {
      key: `release:takedown:${hold.id}`,
      kind: 'release',
      userId: sellerId,
      documentId,
      memo: 'takedown',
      postings: [
        { account: held, amount: -amount },
        { account: earnings, amount },
      ],
    }),
  );
  return txId === undefined ? 0 : amount;
}

/** What a user has held (for 我的收益). */
export function heldBalance(deps: Pick<Deps, 'database'>, userId: number): Promise<number> {
  return repo.balanceOf(deps.database.db, heldAccount(userId));
}

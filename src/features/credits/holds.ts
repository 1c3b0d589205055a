// Earnings held while a document is taken down (decision 0010). When its buyers lose access — a legal takedown or
// pornography — the uploader's net earnings from its sales move from `earnings:<user>` to `held:<user>` (shown, not
// withdrawable), as much as the earnings account still holds (it never goes negative). A restore moves the same
// amount back. Each takedown is its own hold: keyed by the document, the takedown's timestamp and the seller, so a
// document taken down, restored and taken down again is held twice and released twice, each exactly once.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { buyersKeepAccess } from '../documents/policy.ts';
import { InsufficientBalance, inTransaction, post } from './ledger.ts';
import * as repo from './repo.ts';

/** The account holding a user's withheld earnings. */
export const heldAccount = (userId: number) => `held:${userId}`;

const holdPrefix = (documentId: number, takenDownAt: number) => `hold:takedown:${documentId}:${takenDownAt}:`;

/**
 * Holds the net earnings from a taken-down document's active sales when its buyers lose access: each seller's (the
 * uploader, or a claimant whose 认领 was approved) as much as their earnings account still holds. Returns the total
 * held (0 when buyers keep access, nothing was sold, or it was held already). Idempotent.
 */
export async function holdTakedownEarnings(deps: Pick<Deps, 'database'>, documentId: number): Promise<number> {
  const { db } = deps.database;
  const doc = await db
    .selectFrom('documents')
    .select(['id', 'status', 'takedown_code', 'taken_down_at'])
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (doc?.status !== 'taken_down' || doc.taken_down_at === null || buyersKeepAccess(doc.takedown_code)) return 0;
  const sales = await db
    .selectFrom('purchases')
    .select(['seller_id', sql<number>`sum(price - platform_share)`.as('net')])
    .where('document_id', '=', documentId)
    .where('status', '=', 'active')
    .groupBy('seller_id')
    .execute();
  let total = 0;
  for (const s of sales) {
    const sellerId = Number(s.seller_id);
    total += await holdFrom(deps, {
      key: `${holdPrefix(documentId, Number(doc.taken_down_at))}${sellerId}`,
      sellerId,
      documentId,
      net: Number(s.net),
    });
  }
  return total;
}

async function holdFrom(
  deps: Pick<Deps, 'database'>,
  h: { key: string; sellerId: number; documentId: number; net: number },
): Promise<number> {
  const { db } = deps.database;
  if (h.net <= 0) return 0;
  const [earnings, held] = await Promise.all([
    repo.ensureAccount(db, `earnings:${h.sellerId}`, 'earnings', h.sellerId, false),
    repo.ensureAccount(db, heldAccount(h.sellerId), 'pending', h.sellerId, false),
  ]);
  for (let attempt = 0; attempt < 3; attempt++) {
    const take = Math.min(h.net, await repo.balanceOf(db, earnings.code));
    if (take <= 0) return 0;
    try {
      const txId = await inTransaction(deps, (trx) =>
        post(trx, {
          key: h.key,
          kind: 'hold',
          userId: h.sellerId,
          documentId: h.documentId,
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

/**
 * Gives back what the document's latest takedown held (after a restore), to each seller it was held from; returns
 * the total. Idempotent: each hold is released once (`release:<hold key>`).
 */
export async function releaseTakedownEarnings(deps: Pick<Deps, 'database'>, documentId: number): Promise<number> {
  const { db } = deps.database;
  const latest = await db
    .selectFrom('ledger_transactions')
    .select('idempotency_key')
    .where('document_id', '=', documentId)
    .where('kind', '=', 'hold')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!latest) return 0;
  const prefix = latest.idempotency_key.slice(0, latest.idempotency_key.lastIndexOf(':') + 1);
  const holds = await db
    .selectFrom('ledger_transactions')
    .select(['id', 'idempotency_key', 'user_id'])
    .where('document_id', '=', documentId)
    .where('kind', '=', 'hold')
    .where('idempotency_key', 'like', `${prefix}%`)
    .execute();
  let total = 0;
  for (const hold of holds) {
    if (hold.user_id === null) continue;
    const sellerId = Number(hold.user_id);
    const amount = await repo.creditedAmount(db, Number(hold.id));
    if (amount <= 0) continue;
    const [earnings, held] = await Promise.all([
      repo.ensureAccount(db, `earnings:${sellerId}`, 'earnings', sellerId, false),
      repo.ensureAccount(db, heldAccount(sellerId), 'pending', sellerId, false),
    ]);
    const txId = await inTransaction(deps, (trx) =>
      post(trx, {
        key: `release:${hold.idempotency_key}`,
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
    if (txId !== undefined) total += amount;
  }
  return total;
}

/** What a user has held (for 我的收益). */
export function heldBalance(deps: Pick<Deps, 'database'>, userId: number): Promise<number> {
  return repo.balanceOf(deps.database.db, heldAccount(userId));
}

import type { Deps } from '../../deps.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { assertContactVerified } from '../accounts/contact.ts';
import type { SessionUser } from '../accounts/service.ts';
import { ACCOUNTS, accounts, inTransaction, post } from './ledger.ts';
import * as repo from './repo.ts';

/** The smallest payout an uploader may request, in 分. */
export const MIN_PAYOUT = 100;

/**
 * An uploader asks to be paid out (verified email or phone and real-name verification required). The amount moves
 * from earnings to payout clearing in the same transaction that records the request, so it cannot be requested twice.
 */
export async function requestPayout(
  deps: Pick<Deps, 'database'>,
  user: Pick<SessionUser, 'id'>,
  amount: number,
): Promise<number> {
  const { db } = deps.database;
  await assertContactVerified(db, user.id);
  if (!(await repo.isRealNameVerified(db, user.id))) throw forbidden('credits.payoutNeedsVerification');
  if (!Number.isSafeInteger(amount) || amount < MIN_PAYOUT)
    throw badRequest('credits.payoutAmountInvalid', { min: MIN_PAYOUT });
  const [earnings, pending] = await Promise.all([
    accounts.earnings(db, user.id),
    accounts.holding(db, ACCOUNTS.payoutsPending),
  ]);
  return inTransaction(deps, async (trx) => {
    const id = await repo.insertPayout(trx, user.id, amount, Date.now());
    await post(trx, {
      key: `payout:${id}:request`,
      kind: 'payout_request',
      userId: user.id,
      postings: [
        { account: earnings, amount: -amount },
        { account: pending, amount },
      ],
    });
    return id;
  });
}

/**
 * An admin decides a payout: approve (requested → approved), reject (money back to earnings), or mark paid
 * (approved → paid: payout clearing → cash out). State moves are guarded so a double click does nothing twice.
 */
export async function decidePayout(
  deps: Pick<Deps, 'database'>,
  admin: Pick<SessionUser, 'id'>,
  payoutId: number,
  action: 'approve' | 'reject' | 'paid',
  note = '',
): Promise<void> {
  const { db } = deps.database;
  const payout = await repo.findPayout(db, payoutId);
  if (!payout) throw notFound();
  const userId = Number(payout.user_id);
  const amount = Number(payout.amount);
  const from: ('requested' | 'approved')[] = action === 'paid' ? ['approved'] : ['requested', 'approved'];
  const to = action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : 'paid';
  if (action === 'approve' && payout.status !== 'requested') throw conflict('credits.payoutStateInvalid');
  const [earnings, pending, cashOut] = await Promise.all([
    accounts.earnings(db, userId),
    accounts.holding(db, ACCOUNTS.payoutsPending),
    accounts.holding(db, ACCOUNTS.cashOut),
  ]);
  await inTransaction(deps, async (trx) => {
    const moved = await repo.transitionPayout(
      trx,
      payoutId,
      action === 'approve' ? ['requested'] : from,
      to,
      admin.id,
      note.trim().slice(0, 200),
    );
    if (!moved) throw conflict('credits.payoutStateInvalid');
    if (action === 'reject') {
      await post(trx, {
        key: `payout:${payoutId}:reject`,
        kind: 'payout_reject',
        userId,
        createdBy: admin.id,
        postings: [
          { account: pending, amount: -amount },
          { account: earnings, amount },
        ],
      });
    } else if (action === 'paid') {
      await post(trx, {
        key: `payout:${payoutId}:paid`,
        kind: 'payout_paid',
        userId,
        createdBy: admin.id,
        postings: [
          { account: pending, amount: -amount },
          { account: cashOut, amount },
        ],
      });
    }
  });
}

import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { badRequest, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { ACCOUNTS, accounts, inTransaction, post } from './ledger.ts';
import * as repo from './repo.ts';

const MAX_GRANT = 10_000_000;

/**
 * An operator grants credits by hand (compensation, promotions), recorded with the reason and who granted them.
 * `requestKey` (the form's one-time token) makes a resubmitted form grant once.
 */
export async function grantCredits(
  deps: Pick<Deps, 'database'>,
  admin: Pick<SessionUser, 'id'> | undefined,
  input: { userId: number; amount: number; reason: string; requestKey?: string },
): Promise<boolean> {
  const reason = input.reason.trim();
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_GRANT) {
    throw badRequest('credits.grantAmountInvalid', { max: MAX_GRANT });
  }
  if (reason.length < 2 || reason.length > 200) throw badRequest('credits.grantReasonRequired');
  const { db } = deps.database;
  if (!(await repo.userExists(db, input.userId))) throw notFound();
  const [source, wallet] = await Promise.all([accounts.source(db, ACCOUNTS.grants), accounts.wallet(db, input.userId)]);
  const txId = await inTransaction(deps, (trx) =>
    post(trx, {
      key: `grant:${input.requestKey ?? randomUUID()}`,
      kind: 'grant',
      userId: input.userId,
      memo: reason,
      createdBy: admin?.id,
      postings: [
        { account: source, amount: -input.amount },
        { account: wallet, amount: input.amount },
      ],
    }),
  );
  return txId !== undefined;
}

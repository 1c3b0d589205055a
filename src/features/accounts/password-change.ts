// 修改密码: the current password is required and throttled exactly like a login (the same account and address
// counters, so guessing here and guessing at /login share one budget); the new one passes the policy; every other
// session ends, the one the change was made from stays. The owner is told by 站内信 and, when the email is verified
// and mail is configured, by a mail — the one channel an intruder who changed the password cannot read.
import { verify } from '@node-rs/argon2';
import type { Deps } from '../../deps.ts';
import { badRequest, notFound } from '../../errors.ts';
import type { SessionUser } from '../../web/context.ts';
import { formatDateTime } from '../../web/format.ts';
import { revokeApiTokensOnPasswordChange } from '../api-tokens/service.ts';
import { notify } from '../notifications/service.ts';
import { dispatch, sendPasswordChanged } from './delivery.ts';
import { hashPassword, newPasswordProblem } from './new-password.ts';
import * as repo from './repo.ts';
import { assertNotBlocked, clearFailures, FREE_FAILURES, recordFailure, throttleKeys } from './throttle.ts';
import { deleteSessionsOf, setPasswordHash } from './token-repo.ts';

/** Changes the logged-in user's password; returns how many other sessions were ended. */
export async function changePassword(
  deps: Pick<Deps, 'database' | 'mailer' | 'sms' | 'config' | 'log'>,
  user: Pick<SessionUser, 'id' | 'sessionId'>,
  input: { oldPassword: string; password: string; passwordConfirm: string; ip: string },
  now = Date.now(),
): Promise<number> {
  const { db } = deps.database;
  const account = await repo.findUserById(db, user.id);
  if (!account) throw notFound();
  const identifier = account.email ?? account.phone ?? '';
  // 1. The current password, behind the login back-off.
  const keys = throttleKeys(identifier, input.ip);
  await assertNotBlocked(db, [keys.account, keys.address], now);
  if (!(await verify(account.password_hash, input.oldPassword).catch(() => false))) {
    await recordFailure(db, keys.account, FREE_FAILURES.account, now);
    await recordFailure(db, keys.address, FREE_FAILURES.address, now);
    throw badRequest('password.change.wrongOld').on('oldPassword');
  }
  await clearFailures(db, keys.account);
  // 2. The new one.
  const problem = newPasswordProblem(input.password, input.passwordConfirm, {
    identifier,
    displayName: account.display_name,
  });
  if (problem) throw problem;
  if (input.password === input.oldPassword) throw badRequest('password.change.sameAsOld').on('password');
  const passwordHash = await hashPassword(input.password);
  // 3. One transaction: the hash, the other sessions, the notification.
  const ended = await db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, user.id, passwordHash, now);
    const n = await deleteSessionsOf(trx, user.id, user.sessionId);
    await revokeApiTokensOnPasswordChange(trx, user.id, now);
    await notify(trx, {
      userId: user.id,
      kind: 'account.passwordChanged',
      params: { time: formatDateTime(now) },
      link: '/settings/security',
    });
    return n;
  });
  // 4. The mail, after the commit and without holding the answer.
  if (account.email && account.contact_verified_at !== null && deps.mailer.configured) {
    const to = account.email;
    dispatch(deps, 'password changed', () => sendPasswordChanged(deps, to, account.display_name, now));
  }
  deps.log.info({ userId: user.id, endedSessions: ended }, 'password changed');
  return ended;
}

// 忘记密码. A request answers the same whether or not the account exists: the same page, the same work (a token is
// issued either way — a decoy row for an unknown identifier — and counts against the same limits), a send that is
// never awaited (it is the only branch-dependent work), and a floor on the answer time. Resetting uses the link or
// code once, sets the new password, ends every session of the account, and marks the contact verified: whoever
// reset it proved control of the address.
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict } from '../../errors.ts';
import { formatDateTime } from '../../web/format.ts';
import { revokeApiTokensOnPasswordChange } from '../api-tokens/service.ts';
import { notify } from '../notifications/service.ts';
import { channelOf, dispatch, sendSecret, transportReady, unavailableParams } from './delivery.ts';
import { parseIdentifier } from './identifier.ts';
import { hashPassword, newPasswordProblem } from './new-password.ts';
import * as repo from './repo.ts';
import { deleteSessionsOf, retireTokens, setContactVerified, setPasswordHash } from './token-repo.ts';
import { type AccountTokenRow, type Channel, checkCode, findLink, issueToken, settle, useToken } from './tokens.ts';

/** The deps of the reset flows. */
export type ResetDeps = Pick<Deps, 'database' | 'pii' | 'mailer' | 'sms' | 'config' | 'log'>;

/** Every reset request takes at least this long, whichever branch ran (bench/account-timing.ts prints both). */
export const RESET_ANSWER_FLOOR_MS = 250;

/**
 * Asks for a reset link (email) or code (phone). Returns where it "was sent" — the same answer for an unknown
 * identifier, which gets a decoy token and no message. 409 when the site cannot send on that channel (said the same
 * for every identifier of the channel); 429 past the limits (counted the same for decoys).
 */
export async function requestPasswordReset(
  deps: ResetDeps,
  input: { identifier: string; ip: string },
): Promise<{ channel: Channel; to: string }> {
  const startedAt = Date.now();
  const id = parseIdentifier(input.identifier);
  if (!id) throw badRequest('auth.identifierInvalid').on('identifier');
  const channel = channelOf(id);
  if (!transportReady(deps, channel)) throw conflict('account.unavailable', unavailableParams(channel));
  try {
    const user = await repo.findUserByIdentifier(deps.database.db, id.kind, id.value);
    const userId = user ? Number(user.id) : null;
    const secret = await issueToken(deps, { purpose: 'reset', channel, identifier: id.value, userId, ip: input.ip });
    if (user) {
      const name = user.display_name;
      dispatch(deps, 'password reset', () =>
        sendSecret(deps, { channel, to: id.value, purpose: 'reset', secret, name }),
      );
    }
    return { channel, to: id.value };
  } finally {
    await settle(startedAt, RESET_ANSWER_FLOOR_MS);
  }
}

/** Checks an emailed reset link without using it (the form is shown only for a live link). */
export async function peekResetLink(deps: Pick<Deps, 'database' | 'pii'>, token: string): Promise<void> {
  const row = await findLink(deps, 'reset', token);
  if (row.user_id === null) throw badRequest('account.link.invalid');
}

/** Resets with an emailed link. Returns the user id. */
export async function resetPasswordWithLink(
  deps: ResetDeps,
  input: { token: string; password: string; passwordConfirm: string },
): Promise<number> {
  const row = await findLink(deps, 'reset', input.token);
  if (row.user_id === null) throw badRequest('account.link.invalid');
  const problem = newPasswordProblem(input.password, input.passwordConfirm, { identifier: row.identifier });
  if (problem) throw problem;
  return applyReset(deps, row, Number(row.user_id), input.password);
}

/**
 * Resets with an SMS code. The password is judged before the code (so a refused password costs no attempt) and
 * without the account's name (which would tell an unknown number apart).
 */
export async function resetPasswordWithCode(
  deps: ResetDeps,
  input: { identifier: string; code: string; password: string; passwordConfirm: string },
): Promise<number> {
  const id = parseIdentifier(input.identifier);
  if (!id) throw badRequest('auth.identifierInvalid');
  const problem = newPasswordProblem(input.password, input.passwordConfirm, { identifier: id.value });
  if (problem) throw problem;
  const row = await checkCode(deps, {
    purpose: 'reset',
    identifier: id.value,
    code: input.code,
    accept: (r) => r.user_id !== null,
  });
  return applyReset(deps, row, Number(row.user_id), input.password);
}

/** 1. hash; 2. in one transaction: use the token, set the hash, end every session, verify the contact, retire the
 * other reset tokens, notify. */
async function applyReset(deps: ResetDeps, row: AccountTokenRow, userId: number, password: string): Promise<number> {
  const passwordHash = await hashPassword(password);
  const now = Date.now();
  await deps.database.db.transaction().execute(async (trx) => {
    await useToken(trx, row, now);
    const user = await repo.findUserById(trx, userId);
    // The address changed hands since the token was sent: it proves nothing about this account any more.
    if (!user || (user.email !== row.identifier && user.phone !== row.identifier)) {
      throw new AppError(400, 'bad_request', row.channel === 'email' ? 'account.link.invalid' : 'account.code.used');
    }
    await setPasswordHash(trx, userId, passwordHash, now);
    await deleteSessionsOf(trx, userId);
    await revokeApiTokensOnPasswordChange(trx, userId, now);
    await setContactVerified(trx, userId, now);
    await retireTokens(trx, { userId }, ['reset'], now);
    await notify(trx, {
      userId,
      kind: 'account.passwordReset',
      params: { time: formatDateTime(now) },
      link: '/settings/security',
    });
  });
  deps.log.info({ userId }, 'password reset');
  return userId;
}

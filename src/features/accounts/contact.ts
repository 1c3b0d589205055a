// Contact verification: after registering without a confirmed code or link, an account's email or phone is
// unverified until the owner proves control of it (a single-use link by mail, a 6-digit code by SMS). Unverified
// accounts read and buy; selling (a price above 0, real-name verification) and payouts wait for it.
import type { Kysely } from 'kysely';
import type { DB, User } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { notify } from '../notifications/service.ts';
import { type DeliveryDeps, sendSecret, transportReady, unavailableParams } from './delivery.ts';
import { parseIdentifier } from './identifier.ts';
import * as repo from './repo.ts';
import { setContactVerified } from './token-repo.ts';
import { type Channel, checkCode, findLink, issueToken, useToken } from './tokens.ts';

/** The deps of the verification flows. */
export type ContactDeps = Pick<Deps, 'database' | 'pii'> & DeliveryDeps;

/** Where an account is reached: its email (preferred) or its phone. */
export function contactOf(user: Pick<User, 'email' | 'phone'>): { channel: Channel; identifier: string } {
  if (user.email) return { channel: 'email', identifier: user.email };
  return { channel: 'sms', identifier: user.phone ?? '' };
}

/** The name of a channel in a sentence (邮箱 / 手机号). */
export const channelName = (channel: Channel) =>
  t(channel === 'email' ? 'account.channel.email' : 'account.channel.phone');

/** What the 验证 page shows: the contact, whether it is verified, and whether the site can send to it. */
export async function contactStatus(deps: Pick<Deps, 'database' | 'mailer' | 'sms'>, userId: number) {
  const user = await repo.findUserById(deps.database.db, userId);
  if (!user) throw notFound();
  const contact = contactOf(user);
  return {
    ...contact,
    verifiedAt: user.contact_verified_at === null ? null : Number(user.contact_verified_at),
    ready: transportReady(deps, contact.channel),
  };
}

/** Throws 403 with the way to verify when the account has not verified its contact (no selling, no payouts). */
export async function assertContactVerified(db: Kysely<DB>, userId: number): Promise<void> {
  const row = await db.selectFrom('users').select('contact_verified_at').where('id', '=', userId).executeTakeFirst();
  if (!row || row.contact_verified_at === null) throw forbidden('account.contactUnverified');
}

/**
 * Sends a verification link or code to the logged-in user's contact and waits for the transport, so a failure is
 * shown. 409 when already verified or when the site cannot send on that channel; 429 past the send limits.
 */
export async function startContactVerification(
  deps: ContactDeps,
  user: { id: number },
  ip: string,
): Promise<{ channel: Channel; to: string }> {
  const status = await contactStatus(deps, user.id);
  const channel = status.channel;
  if (status.verifiedAt !== null) {
    throw conflict('account.verify.already', { channel: channelName(channel), to: status.identifier });
  }
  if (!status.ready) throw conflict('account.unavailable', unavailableParams(channel));
  const secret = await issueToken(deps, {
    purpose: 'verify',
    channel,
    identifier: status.identifier,
    userId: user.id,
    ip,
  });
  const row = await repo.findUserById(deps.database.db, user.id);
  await sendSecret(deps, {
    channel,
    to: status.identifier,
    purpose: 'verify',
    secret,
    name: row?.display_name ?? '',
  });
  return { channel, to: status.identifier };
}

/** Checks an emailed verification link without using it (the confirm page shows the address or the problem). */
export async function peekVerifyLink(deps: Pick<Deps, 'database' | 'pii'>, token: string) {
  const row = await findLink(deps, 'verify', token);
  return { to: row.identifier };
}

/** Confirms an emailed link (whoever opens it: the link is the proof). Single use. Returns the user id. */
export async function confirmContactByLink(deps: Pick<Deps, 'database' | 'pii'>, token: string): Promise<number> {
  const row = await findLink(deps, 'verify', token);
  if (row.user_id === null) throw new AppError(400, 'bad_request', 'account.link.invalid');
  return markVerified(deps, row, Number(row.user_id));
}

/** Confirms the SMS code the logged-in user typed. Bounded attempts per code and per account. */
export async function confirmContactByCode(
  deps: Pick<Deps, 'database' | 'pii'>,
  user: { id: number },
  code: string,
): Promise<number> {
  const account = await repo.findUserById(deps.database.db, user.id);
  if (!account) throw notFound();
  const { identifier } = contactOf(account);
  const row = await checkCode(deps, {
    purpose: 'verify',
    identifier,
    code,
    accept: (r) => r.user_id !== null && Number(r.user_id) === user.id,
  });
  return markVerified(deps, row, user.id);
}

/** Uses the token and marks the contact verified, if it is still the account's contact; notifies once. */
async function markVerified(
  deps: Pick<Deps, 'database'>,
  row: Awaited<ReturnType<typeof findLink>>,
  userId: number,
): Promise<number> {
  const now = Date.now();
  await deps.database.db.transaction().execute(async (trx) => {
    await useToken(trx, row, now);
    const user = await repo.findUserById(trx, userId);
    if (!user || (user.email !== row.identifier && user.phone !== row.identifier)) {
      throw new AppError(400, 'bad_request', 'account.link.invalid');
    }
    if (user.contact_verified_at !== null) return;
    await setContactVerified(trx, userId, now);
    await notify(trx, {
      userId,
      kind: 'account.contactVerified',
      params: { channel: channelName(row.channel) },
      link: '/settings/security',
    });
  });
  return userId;
}

/**
 * Marks an account's contact verified on the operator's word (`wenyuan verify-contact`): the way out for a site
 * that cannot send on a channel yet. Returns the user id; 404 when no account has that identifier.
 */
export async function verifyContactByOperator(deps: Pick<Deps, 'database'>, identifier: string): Promise<number> {
  const id = parseIdentifier(identifier);
  if (!id) throw badRequest('auth.identifierInvalid');
  const user = await repo.findUserByIdentifier(deps.database.db, id.kind, id.value);
  if (!user) throw notFound('account.operator.notFound');
  await setContactVerified(deps.database.db, Number(user.id), Date.now());
  return Number(user.id);
}

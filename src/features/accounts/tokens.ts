// Link tokens and SMS codes (decision 0015). A secret is stored only as a keyed HMAC (the PII lookup key, its own
// purpose), so a leaked database opens nothing, not even by trying all million codes. Links carry 256 random bits
// and are found by their hash; a code is checked only against the latest one of its purpose sent to that identifier,
// and the identifier is part of what is hashed, so another account's code never matches. Every send, including the
// decoy rows written for identifiers that have no account, counts against the same limits: a limit never tells
// whether an account exists.
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountTokenPurpose, DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, badRequest } from '../../errors.ts';
import type { MessageKey } from '../../i18n/t.ts';
import * as repo from './token-repo.ts';

/** How long a link or code lives. */
export const TOKEN_TTL_MS = 30 * 60_000;
/** Wrong entries one code survives. */
export const CODE_ATTEMPTS = 5;
/** Wrong codes one identifier may see per hour, across all its codes (the brute-force budget per account). */
export const WRONG_CODES_PER_HOUR = 10;
/** Sends: per identifier and per address per hour, and the pause between two sends to one identifier. */
export const SEND_LIMITS = { perIdentifierPerHour: 5, perAddressPerHour: 30, resendAfterMs: 60_000 } as const;
const HOUR = 3_600_000;

/** How a secret travels: a link by mail, a 6-digit code by SMS. */
export type Channel = 'email' | 'sms';

/** A stored token row. */
export type { AccountTokenRow } from './token-repo.ts';

const linkHash = (deps: Pick<Deps, 'pii'>, token: string) => deps.pii.fingerprint('account-link', token);
const codeHash = (deps: Pick<Deps, 'pii'>, purpose: AccountTokenPurpose, identifier: string, code: string) =>
  deps.pii.fingerprint('account-code', `${purpose}\0${identifier}\0${code}`);

const rateLimited = (key: MessageKey, waitMs: number) =>
  new AppError(429, 'rate_limited', key, { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) });

/**
 * Throws 429 when another send to this identifier or from this address would exceed the limits. The one-minute gap
 * is per purpose (a second reset mail within a minute waits; a reset right after the registration mail does not);
 * the hourly caps count every purpose.
 */
export async function assertMaySend(
  db: Kysely<DB>,
  identifier: string,
  ip: string,
  now: number,
  purpose: AccountTokenPurpose,
): Promise<void> {
  const sends = await repo.sendsToIdentifier(db, identifier, now - HOUR, purpose);
  if (sends.latest !== null && now - sends.latest < SEND_LIMITS.resendAfterMs) {
    throw rateLimited('account.send.tooSoon', sends.latest + SEND_LIMITS.resendAfterMs - now);
  }
  if (sends.count >= SEND_LIMITS.perIdentifierPerHour) throw rateLimited('account.send.tooMany', HOUR);
  if ((await repo.sendsFromAddress(db, ip, now - HOUR)) >= SEND_LIMITS.perAddressPerHour) {
    throw rateLimited('account.send.tooMany', HOUR);
  }
}

/**
 * Issues a secret after the send limits: a link token for mail, a 6-digit code for SMS. Stores its hash and returns
 * the secret for the caller to send. A decoy (no user, no pending registration) is issued exactly the same way and
 * simply never sent, so unknown identifiers cost the same work and the same limits as real ones.
 */
export async function issueToken(
  deps: Pick<Deps, 'database' | 'pii'>,
  input: {
    purpose: AccountTokenPurpose;
    channel: Channel;
    identifier: string;
    userId: number | null;
    ip: string;
    pending?: { name: string; passwordHash: string };
  },
  now = Date.now(),
): Promise<string> {
  const { db } = deps.database;
  await assertMaySend(db, input.identifier, input.ip, now, input.purpose);
  const secret =
    input.channel === 'email'
      ? randomBytes(32).toString('base64url')
      : String(randomInt(0, 1_000_000)).padStart(6, '0');
  await repo.insertToken(db, {
    userId: input.userId,
    purpose: input.purpose,
    channel: input.channel,
    identifier: input.identifier,
    tokenHash:
      input.channel === 'email' ? linkHash(deps, secret) : codeHash(deps, input.purpose, input.identifier, secret),
    expiresAt: now + TOKEN_TTL_MS,
    now,
    ip: input.ip.slice(0, 100),
    pendingName: input.pending?.name ?? null,
    pendingPasswordHash: input.pending?.passwordHash ?? null,
  });
  // Old rows carry nothing the limits still need (they look back an hour); a pending password hash must not linger.
  if (Math.random() < 0.02) await repo.deleteOldTokens(db, now - 24 * HOUR);
  return secret;
}

/** The live link token of a purpose, or a 400 saying plainly what is wrong with it (invalid, used, expired). */
export async function findLink(
  deps: Pick<Deps, 'database' | 'pii'>,
  purpose: AccountTokenPurpose,
  token: string,
  now = Date.now(),
): Promise<repo.AccountTokenRow> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw badRequest('account.link.invalid');
  const row = await repo.findTokenByHash(deps.database.db, linkHash(deps, token));
  if (!row || row.purpose !== purpose || row.channel !== 'email') throw badRequest('account.link.invalid');
  if (row.used_at !== null) throw badRequest('account.link.used');
  if (Number(row.expires_at) <= now) throw badRequest('account.link.expired');
  return row;
}

/**
 * Checks a code against the latest one of its purpose sent to the identifier. A wrong code (or a right one that
 * `accept` refuses: a decoy, another user's row) counts an attempt; past the per-code or per-hour budget the answer
 * is a refusal whatever the code. Returns the row, still unused: the caller marks it used inside the transaction
 * that acts on it (`useToken`).
 */
export async function checkCode(
  deps: Pick<Deps, 'database' | 'pii'>,
  input: {
    purpose: AccountTokenPurpose;
    identifier: string;
    code: string;
    accept: (row: repo.AccountTokenRow) => boolean;
  },
  now = Date.now(),
): Promise<repo.AccountTokenRow> {
  const { db } = deps.database;
  const code = input.code.normalize('NFKC').trim();
  if (!/^\d{6}$/.test(code)) throw badRequest('account.code.invalid').on('code');
  if ((await repo.wrongCodesForIdentifier(db, input.identifier, now - HOUR)) >= WRONG_CODES_PER_HOUR) {
    throw rateLimited('account.code.tooManyAttempts', HOUR).on('code');
  }
  const row = await repo.findLatestToken(db, input.identifier, input.purpose, 'sms');
  if (!row) throw badRequest('account.code.missing').on('code');
  if (row.used_at !== null) throw badRequest('account.code.used').on('code');
  if (Number(row.expires_at) <= now) throw badRequest('account.code.expired').on('code');
  if (row.attempts >= CODE_ATTEMPTS) throw badRequest('account.code.exhausted').on('code');
  const expected = Buffer.from(row.token_hash, 'hex');
  const given = Buffer.from(codeHash(deps, input.purpose, input.identifier, code), 'hex');
  const matches = expected.length === given.length && timingSafeEqual(expected, given);
  if (!matches || !input.accept(row)) {
    const left = CODE_ATTEMPTS - (await repo.addAttempt(db, Number(row.id)));
    throw (left > 0 ? badRequest('account.code.wrong', { left }) : badRequest('account.code.exhausted')).on('code');
  }
  return row;
}

/** Uses a checked token inside the caller's transaction; a 400 when a concurrent request used it first. */
export async function useToken(trx: Kysely<DB>, row: repo.AccountTokenRow, now = Date.now()): Promise<void> {
  if (!(await repo.markUsed(trx, Number(row.id), now, CODE_ATTEMPTS))) {
    throw row.channel === 'email' ? badRequest('account.link.used') : badRequest('account.code.used').on('code');
  }
}

/** Waits until `floorMs` have passed since `startedAt`: answers that must not reveal which branch ran take as long. */
export async function settle(startedAt: number, floorMs: number): Promise<void> {
  const wait = startedAt + floorMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

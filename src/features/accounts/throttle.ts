// Login back-off, shared by every web process through the database (decision 0009).
// Each failed login counts against the account it named and against the client address. Past a number of free
// failures a key is blocked for 1 minute, then 2, 4, … up to an hour per further failure; a failure more than an
// hour after the last one starts the count again. A success clears the account's count (never the address's: an
// attacker must not reset it by logging into an account of their own). While a key is blocked the password is not
// even checked, so a blocked attacker learns nothing.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { parseIdentifier } from './identifier.ts';

/** Failures allowed before the back-off starts: few per account, more per address (offices share one). */
export const FREE_FAILURES = { account: 5, address: 30 } as const;
const FORGET_AFTER_MS = 3600_000;
const MAX_BLOCK_MS = 3600_000;

/** The throttle keys a login attempt counts against. Unknown identifiers count too (no account enumeration). */
export function throttleKeys(identifier: string, ip: string): { account: string; address: string } {
  const id = parseIdentifier(identifier);
  // Controls (a NUL cannot even be stored in PostgreSQL text) are dropped from a free-form key.
  const raw = identifier
    .normalize('NFKC')
    .replace(/\p{Cc}/gu, '')
    .trim()
    .toLowerCase();
  const account = id ? `${id.kind}:${id.value}` : raw.slice(0, 200);
  return { account: `acct:${account}`, address: `ip:${ip}` };
}

/** How long the block after `failures` consecutive failures lasts (0 while still free). */
export function blockMs(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_BLOCK_MS, 60_000 * 2 ** Math.min(failures - free, 10));
}

/** A 429 carrying how long to wait, in whole seconds (the error mapper turns it into words and Retry-After). */
export function tooManyAttempts(waitMs: number): AppError {
  return new AppError(429, 'rate_limited', 'auth.tooManyAttempts', {
    retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}

/** Throws 429 when either key is blocked now. */
export async function assertNotBlocked(db: Kysely<DB>, keys: readonly string[], now = Date.now()): Promise<void> {
  const rows = await db
    .selectFrom('auth_throttle')
    .select(['blocked_until'])
    .where('key', 'in', keys)
    .where('blocked_until', '>', now)
    .execute();
  const until = Math.max(0, ...rows.map((r) => Number(r.blocked_until)));
  if (until > now) throw tooManyAttempts(until - now);
}

/** Counts one failure against a key (atomically: concurrent failures all count) and starts or extends its block. */
export async function recordFailure(db: Kysely<DB>, key: string, free: number, now = Date.now()): Promise<void> {
  const row = await db
    .insertInto('auth_throttle')
    .values({ key, failures: 1, last_failure_at: now, blocked_until: 0 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when auth_throttle.last_failure_at > ${now - FORGET_AFTER_MS} then auth_throttle.failures + 1 else 1 end`,
        last_failure_at: now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  const block = blockMs(Number(row.failures), free);
  if (block > 0) {
    await db
      .updateTable('auth_throttle')
      .set({ blocked_until: now + block })
      .where('key', '=', key)
      .where('blocked_until', '<', now + block)
      .execute();
  }
  // Keys nobody has failed for an hour carry no information: forget them now and then, so the table stays small.
  if (Math.random() < 0.01) {
    await db
      .deleteFrom('auth_throttle')
      .where('last_failure_at', '<', now - FORGET_AFTER_MS)
      .where('blocked_until', '<', now)
      .execute();
  }
}

/** Forgets a key's failures (a successful login clears the account's count). */
export async function clearFailures(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
}

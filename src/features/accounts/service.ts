import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { UserRole } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict } from '../../errors.ts';
import type { SessionUser } from '../../web/context.ts';
import { formatDateTime } from '../../web/format.ts';
import { type Identifier, parseIdentifier } from './identifier.ts';
import { newPasswordProblem } from './new-password.ts';
import * as repo from './repo.ts';
import { assertNotBlocked, clearFailures, FREE_FAILURES, recordFailure, throttleKeys } from './throttle.ts';

/** The signed-in user of a request (the shape lives in web/context.ts). */
export type { SessionUser };

// OWASP's argon2id baseline (m=19 MiB, t=2, p=1).
const ARGON2 = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
// A hash to verify against when the account does not exist, so timing does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Creates an account (argon2id hash) at once and returns its id; the contact stays unverified unless the caller
 * vouches for it (`contactVerified`: the CLI's operator). `role` admin only from the CLI. The web registers through
 * registration.ts, which calls this only when it has no transport to confirm the identifier with.
 */
export async function registerUser(
  deps: Pick<Deps, 'database'>,
  input: {
    identifier: string;
    password: string;
    passwordConfirm?: string;
    displayName: string;
    role?: UserRole;
    contactVerified?: boolean;
  },
): Promise<number> {
  const id = parseIdentifier(input.identifier);
  if (!id) throw badRequest('auth.identifierInvalid');
  const displayName = input.displayName.normalize('NFC').trim();
  if ([...displayName].length < 2 || [...displayName].length > 20) throw badRequest('auth.displayNameInvalid');
  const problem = newPasswordProblem(input.password, input.passwordConfirm, { identifier: id.value, displayName });
  if (problem) throw problem;
  const { db } = deps.database;
  if (await repo.findUserByIdentifier(db, id.kind, id.value)) throw conflict('auth.identifierTaken');
  const now = Date.now();
  const passwordHash = await hash(input.password, ARGON2);
  try {
    return await repo.insertUser(db, {
      email: id.kind === 'email' ? id.value : null,
      phone: id.kind === 'phone' ? id.value : null,
      password_hash: passwordHash,
      display_name: displayName,
      bio: '',
      avatar_key: null,
      role: input.role ?? 'user',
      real_name_verified: 0,
      is_provider: 0,
      rev: 1,
      follower_count: 0,
      created_at: now,
      updated_at: now,
      contact_verified_at: input.contactVerified ? now : null,
    });
  } catch (err) {
    // Two registrations raced past the check above; the unique index decides.
    if (/unique|duplicate/i.test(String((err as Error).message))) throw conflict('auth.identifierTaken');
    throw err;
  }
}

/**
 * Logs in with back-off: refused with 429 while the account or the address is blocked (the password is not even
 * checked then); a failure counts against both; a success clears the account's count. Returns the user id.
 */
export async function login(
  deps: Pick<Deps, 'database'>,
  input: { identifier: string; password: string; ip: string },
  now = Date.now(),
): Promise<number> {
  const { db } = deps.database;
  const keys = throttleKeys(input.identifier, input.ip);
  await assertNotBlocked(db, [keys.account, keys.address], now);
  try {
    const userId = await verifyCredentials(deps, input.identifier, input.password);
    await clearFailures(db, keys.account);
    return userId;
  } catch (err) {
    if (err instanceof AppError && err.messageKey === 'auth.invalidCredentials') {
      await recordFailure(db, keys.account, FREE_FAILURES.account, now);
      await recordFailure(db, keys.address, FREE_FAILURES.address, now);
    }
    throw err;
  }
}

/** Checks credentials; returns the user id or throws a generic "账号或密码错误". */
export async function verifyCredentials(deps: Pick<Deps, 'database'>, identifier: string, password: string) {
  const id: Identifier | undefined = parseIdentifier(identifier);
  const user = id ? await repo.findUserByIdentifier(deps.database.db, id.kind, id.value) : undefined;
  if (!user) {
    dummyHash ??= hash('not-a-real-password', ARGON2);
    await verify(await dummyHash, password).catch(() => false);
    throw badRequest('auth.invalidCredentials');
  }
  const ok = await verify(user.password_hash, password).catch(() => false);
  if (!ok) throw badRequest('auth.invalidCredentials');
  // Only the account's owner (who knows the password) learns that it is banned, why and until when.
  if (user.banned_until && user.banned_until > Date.now()) {
    const ban = await repo.findActiveBan(deps.database.db, user.id, Date.now());
    throw new AppError(403, 'banned', ban?.ends_at ? 'auth.bannedUntil' : 'auth.bannedForever', {
      reason: ban?.reason ?? '',
      until: ban?.ends_at ? formatDateTime(ban.ends_at) : '',
    });
  }
  return user.id;
}

/**
 * Starts a session: a fresh random token for the cookie, only its hash in the database.
 * Called on every login, so the session id always rotates when privileges change.
 */
export async function startSession(
  deps: Pick<Deps, 'database' | 'config'>,
  userId: number,
  meta: { ip: string; userAgent: string; previousToken?: string },
): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + deps.config.session.ttlDays * 86_400_000;
  if (meta.previousToken) await repo.deleteSession(deps.database.db, sha256(meta.previousToken));
  await repo.insertSession(deps.database.db, {
    id: sha256(token),
    userId,
    now,
    expiresAt,
    ip: meta.ip,
    userAgent: meta.userAgent.slice(0, 300),
  });
  return { token, expiresAt };
}

/** Resolves a cookie token to its user; slides the expiry at most every ten minutes. */
export async function resolveSession(
  deps: Pick<Deps, 'database' | 'config'>,
  token: string,
): Promise<SessionUser | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const now = Date.now();
  const id = sha256(token);
  const row = await repo.findSessionWithUser(deps.database.db, id, now);
  if (!row) return undefined;
  // A ban ends every session at once (the ban also deletes them; this covers a ban that raced a request).
  if (row.banned_until && row.banned_until > now) return undefined;
  if (now - row.last_seen_at > 10 * 60_000) {
    await repo.touchSession(deps.database.db, id, now, now + deps.config.session.ttlDays * 86_400_000);
  }
  return {
    id: row.id,
    displayName: row.display_name,
    role: row.role,
    sessionId: id,
    contactVerified: row.contact_verified_at !== null,
    mutedUntil: row.muted_until && row.muted_until > now ? row.muted_until : null,
  };
}

/** Ends a session (logout). */
export async function endSession(deps: Pick<Deps, 'database'>, token: string): Promise<void> {
  await repo.deleteSession(deps.database.db, sha256(token));
}

/** True when no admin exists yet (the first start prints how to create one). */
export async function needsAdmin(deps: Pick<Deps, 'database'>): Promise<boolean> {
  return (await repo.countAdmins(deps.database.db)) === 0;
}

import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Deps } from '../../deps.ts';
import { type AppError, badRequest, conflict } from '../../errors.ts';
import { type Identifier, parseIdentifier } from './identifier.ts';
import * as repo from './repo.ts';

/** The logged-in user as the web layer sees it. */
export interface SessionUser {
  readonly id: number;
  readonly displayName: string;
  readonly role: 'user' | 'admin';
  readonly sessionId: string;
}

// OWASP's argon2id baseline (m=19 MiB, t=2, p=1).
const ARGON2 = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
// A hash to verify against when the account does not exist, so timing does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Validates a new password; returns the problem, if any. */
function passwordProblem(password: string, confirm?: string): AppError | undefined {
  if (password.length < 8) return badRequest('auth.passwordTooShort');
  if (password.length > 128) return badRequest('auth.passwordTooLong');
  if (confirm !== undefined && confirm !== password) return badRequest('auth.passwordMismatch');
  return undefined;
}

/** Creates an account (argon2id hash) and returns its id. `role` admin only from the CLI. */
export async function registerUser(
  deps: Pick<Deps, 'database'>,
  input: {
    identifier: string;
    password: string;
    passwordConfirm?: string;
    displayName: string;
    role?: 'user' | 'admin';
  },
): Promise<number> {
  const id = parseIdentifier(input.identifier);
  if (!id) throw badRequest('auth.identifierInvalid');
  const displayName = input.displayName.normalize('NFC').trim();
  if ([...displayName].length < 2 || [...displayName].length > 20) throw badRequest('auth.displayNameInvalid');
  const problem = passwordProblem(input.password, input.passwordConfirm);
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
    });
  } catch (err) {
    // Two registrations raced past the check above; the unique index decides.
    if (/unique|duplicate/i.test(String((err as Error).message))) throw conflict('auth.identifierTaken');
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
  if (now - row.last_seen_at > 10 * 60_000) {
    await repo.touchSession(deps.database.db, id, now, now + deps.config.session.ttlDays * 86_400_000);
  }
  return { id: row.id, displayName: row.display_name, role: row.role, sessionId: id };
}

/** Ends a session (logout). */
export async function endSession(deps: Pick<Deps, 'database'>, token: string): Promise<void> {
  await repo.deleteSession(deps.database.db, sha256(token));
}

/** True when no admin exists yet (the first start prints how to create one). */
export async function needsAdmin(deps: Pick<Deps, 'database'>): Promise<boolean> {
  return (await repo.countAdmins(deps.database.db)) === 0;
}

// Personal API tokens (issue #14): a user creates named tokens with scopes and an optional expiry, sees each secret
// once, and revokes them. Only a keyed hash of a token is stored (the PII lookup key, its own purpose; like account
// link tokens, decision 0015), so a leaked database opens no account. The HTTP side (who may use a token where, and
// that it needs no CSRF token) is web/api-token-auth.ts; `resolveApiToken` is what it calls, through AppParts.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { API_SCOPES, API_TOKEN_PREFIX, type ApiScope, type ApiTokenAuth } from '../../web/api-token-auth.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { notify } from '../notifications/service.ts';
import * as repo from './repo.ts';

/** Live tokens one user may hold at once. */
export const MAX_LIVE_TOKENS = 10;
/** The expiry choices of the form, in days (`never`: no expiry). */
export const EXPIRY_CHOICES = { '30': 30, '90': 90, '365': 365, never: null } as const;
/** A token's last use is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;
/** Characters of the secret kept to tell tokens apart (`wy_` plus these): 36 bits, no help to a guesser. */
const PREFIX_CHARS = 6;

type TokenDeps = Pick<Deps, 'database' | 'pii'>;

const hashToken = (deps: Pick<Deps, 'pii'>, token: string) => deps.pii.fingerprint('api-token', token);

/** The scopes stored as `read upload`, parsed (unknown words ignored). */
export function parseScopes(stored: string): ApiScope[] {
  const words = new Set(stored.split(/\s+/));
  return API_SCOPES.filter((s) => words.has(s));
}

/** A token as the settings page lists it. */
export interface ApiTokenView {
  readonly id: number;
  readonly name: string;
  readonly prefix: string;
  readonly scopes: readonly ApiScope[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly state: 'active' | 'expired' | 'revoked';
}

/** The user's tokens, newest first (the last 50: revoked ones stay listed for a while). */
export async function listApiTokens(deps: Pick<Deps, 'database'>, userId: number, now = Date.now()) {
  const rows = await repo.listTokens(deps.database.db, userId, 50);
  return rows.map(
    (r): ApiTokenView => ({
      id: Number(r.id),
      name: r.name,
      prefix: r.token_prefix,
      scopes: parseScopes(r.scopes),
      createdAt: Number(r.created_at),
      expiresAt: r.expires_at === null ? null : Number(r.expires_at),
      lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
      state: r.revoked_at !== null ? 'revoked' : r.expires_at !== null && r.expires_at <= now ? 'expired' : 'active',
    }),
  );
}

/** What the create form sends. */
export interface NewApiToken {
  readonly name: string;
  readonly scopes: readonly string[];
  /** A key of EXPIRY_CHOICES. */
  readonly expiry: string;
}

/**
 * Creates a token and returns its secret — the only time it exists outside the caller's hands. Steps:
 * 1. validate the name, scopes and expiry;
 * 2. in one transaction (the user's row locked on PostgreSQL, so two requests cannot both pass the cap): count the
 *    live tokens against the cap, store the hash, audit it and tell the user by 站内信.
 */
export async function createApiToken(
  deps: TokenDeps,
  user: Pick<SessionUser, 'id' | 'role'>,
  input: NewApiToken,
  meta: { ip: string },
  now = Date.now(),
): Promise<{ id: number; token: string; name: string }> {
  // 1.
  const name = input.name.normalize('NFC').trim();
  if ([...name].length < 1 || [...name].length > 40) throw badRequest('apiTokens.nameInvalid').on('name');
  const scopes = API_SCOPES.filter((s) => input.scopes.includes(s));
  if (scopes.length === 0) throw badRequest('apiTokens.scopesInvalid').on('read');
  if (!Object.hasOwn(EXPIRY_CHOICES, input.expiry)) throw badRequest('apiTokens.expiryInvalid').on('expiry');
  const days = EXPIRY_CHOICES[input.expiry as keyof typeof EXPIRY_CHOICES];
  const expiresAt = days === null ? null : now + days * 86_400_000;
  const secret = randomBytes(32).toString('base64url');
  const token = `${API_TOKEN_PREFIX}${secret}`;
  // 2.
  const { database } = deps;
  const id = await database.db.transaction().execute(async (trx) => {
    if (database.dialect === 'postgres') {
      await trx.selectFrom('users').select('id').where('id', '=', user.id).forUpdate().execute();
    }
    if ((await repo.countLiveTokens(trx, user.id, now)) >= MAX_LIVE_TOKENS) {
      throw conflict('apiTokens.tooMany', { max: MAX_LIVE_TOKENS });
    }
    const tokenId = await repo.insertToken(trx, {
      userId: user.id,
      name,
      hash: hashToken(deps, token),
      prefix: `${API_TOKEN_PREFIX}${secret.slice(0, PREFIX_CHARS)}`,
      scopes: scopes.join(' '),
      now,
      expiresAt,
    });
    await recordAudit(trx, {
      actor: user,
      action: 'api_token.create',
      targetType: 'api_token',
      targetId: tokenId,
      after: { name, scopes, expiresAt },
      ip: meta.ip,
    });
    const scopeNames = scopes.map((s) => t(`apiTokens.scopeName.${s}`)).join('、');
    await notify(trx, {
      userId: user.id,
      kind: 'apiTokenCreated',
      params: { name, scopes: scopeNames },
      link: '/settings/tokens',
    });
    return tokenId;
  });
  return { id, token, name };
}

/** Revokes one of the user's tokens (404 for someone else's or one already revoked); audited. */
export async function revokeApiToken(
  deps: Pick<Deps, 'database'>,
  user: Pick<SessionUser, 'id' | 'role'>,
  tokenId: number,
  meta: { ip: string },
  now = Date.now(),
): Promise<{ name: string }> {
  return deps.database.db.transaction().execute(async (trx) => {
    const row = await repo.revokeToken(trx, user.id, tokenId, now);
    if (!row) throw notFound();
    await recordAudit(trx, {
      actor: user,
      action: 'api_token.revoke',
      targetType: 'api_token',
      targetId: tokenId,
      before: { name: row.name, scopes: parseScopes(row.scopes) },
      ip: meta.ip,
    });
    return { name: row.name };
  });
}

/**
 * The user and scopes behind a token, or undefined when it is unknown, revoked or expired, or its user is banned
 * (a ban also stops every token). Records the use at most once a minute.
 */
export async function resolveApiToken(
  deps: TokenDeps,
  token: string,
  now = Date.now(),
): Promise<ApiTokenAuth | undefined> {
  const { db } = deps.database;
  const row = await repo.findLiveTokenWithUser(db, hashToken(deps, token), now);
  if (!row) return undefined;
  if (row.banned_until && row.banned_until > now) return undefined;
  const tokenId = Number(row.token_id);
  if (row.last_used_at === null || now - Number(row.last_used_at) > TOUCH_EVERY_MS) {
    await repo.touchToken(db, tokenId, now);
  }
  return {
    tokenId,
    scopes: parseScopes(row.scopes),
    user: {
      id: Number(row.id),
      displayName: row.display_name,
      role: row.role,
      // No session: nothing may end "this session" for a token (a password change ends sessions, not tokens).
      sessionId: '',
      contactVerified: row.contact_verified_at !== null,
      mutedUntil: row.muted_until && row.muted_until > now ? row.muted_until : null,
    },
  };
}

/**
 * Ends every API token of a user inside the caller's transaction. Called when the password is reset or changed:
 * whoever held the account before may have made a token, and a token is a session that needs no cookie.
 */
export function revokeApiTokensOnPasswordChange(trx: Kysely<DB>, userId: number, now: number): Promise<number> {
  return repo.revokeAllTokensOf(trx, userId, now);
}

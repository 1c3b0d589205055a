// Personal API tokens at the HTTP edge (issue #14). A request carrying `Authorization: Bearer wy_…` is authenticated
// by that token alone: the session cookie is not even read, so such a request never acts with a browser session's
// authority. Routes are closed to tokens by default and open one at a time with `config: { apiToken: 'read' }` or
// `'upload'`; a token then needs that scope. Because a browser never attaches a bearer token on its own (it is not
// ambient, unlike a cookie), token-authenticated requests need no CSRF token. The tokens themselves (creation,
// hashing, revocation) are a feature's business: the composition root plugs its resolver in through AppParts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { SessionUser } from './context.ts';

/** What a token may do: `read` (GET JSON routes: my documents, status, download) and `upload`. */
export type ApiScope = 'read' | 'upload';
/** Every scope, in display order. */
export const API_SCOPES: readonly ApiScope[] = ['read', 'upload'];
/** Every token starts with this, so it is recognisable in logs and by secret scanners. */
export const API_TOKEN_PREFIX = 'wy_';
/** A well-formed token: the prefix and 32 random bytes in base64url. */
export const API_TOKEN_PATTERN = /^wy_[A-Za-z0-9_-]{43}$/;

/** A request authenticated by a live API token. */
export interface ApiTokenAuth {
  readonly tokenId: number;
  readonly user: SessionUser;
  readonly scopes: readonly ApiScope[];
}

/** The feature side: the live token's user and scopes, or undefined (unknown, revoked, expired, user banned). */
export type ApiTokenResolver = (deps: Deps, token: string) => Promise<ApiTokenAuth | undefined>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request was authenticated by an API token (never together with a cookie session). */
    apiToken: ApiTokenAuth | undefined;
  }
  interface FastifyContextConfig {
    /** Opens the route to API tokens holding this scope; routes without it refuse tokens (deny by default). */
    apiToken?: ApiScope;
  }
}

/**
 * The API token an Authorization header presents, or undefined when it presents none. Only bearer values that start
 * with `wy_` are API tokens; other bearer values (the metrics token) are left to their routes.
 */
export function apiTokenOf(header: string | undefined): string | undefined {
  if (!header?.startsWith(`Bearer ${API_TOKEN_PREFIX}`)) return undefined;
  return header.slice(7).trim();
}

/** Counts a token's requests; true when this one is over the limit (and how long until it may try again). */
export type TokenLimiter = (req: FastifyRequest) => Promise<{ exceeded: boolean; retryAfter: number }>;

/**
 * Authenticates a request that presented an API token, or throws: 403 when the route does not accept tokens, 401
 * when the token is not live, 403 when it lacks the route's scope, 429 past the per-token rate limit. On success
 * the request acts as the token's user (`req.user`) and `req.apiToken` is set.
 */
export async function authenticateApiToken(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  token: string,
  opts: { resolve: ApiTokenResolver | undefined; limit: TokenLimiter },
): Promise<void> {
  // An unknown path stays a 404 (the not-found handler answers it, as for anyone).
  if (req.is404) return;
  reply.header('cache-control', 'no-store');
  const scope = req.routeOptions.config.apiToken;
  if (!scope) throw new AppError(403, 'token_not_allowed', 'apiToken.routeNotAllowed');
  const auth = API_TOKEN_PATTERN.test(token) && opts.resolve ? await opts.resolve(deps, token) : undefined;
  if (!auth) {
    reply.header('www-authenticate', 'Bearer error="invalid_token"');
    throw new AppError(401, 'invalid_token', 'apiToken.invalid');
  }
  if (!auth.scopes.includes(scope)) {
    reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
    throw new AppError(403, 'insufficient_scope', 'apiToken.scopeMissing', { scope });
  }
  req.user = auth.user;
  req.apiToken = auth;
  const { exceeded, retryAfter } = await opts.limit(req);
  if (exceeded) throw new AppError(429, 'rate_limited', 'error.rateLimitedWait', { retryAfter });
}

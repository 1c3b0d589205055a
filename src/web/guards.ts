import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AppError, forbidden, unauthorized } from '../errors.ts';
import type { SessionUser } from './context.ts';
import { wantsJson } from './error-handler.ts';

/** True when `s` holds a C0 or C1 control, DEL, any Unicode white space (browsers drop tab/CR/LF inside URLs and
 * trim the rest) or a backslash (which browsers read as `/`). */
export function hasUnsafeUrlChar(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || ch === '\\' || /\s/u.test(ch)) return true;
  }
  return false;
}
/** A placeholder origin: a path resolved against it must stay on it. */
const SAME_ORIGIN = 'http://same-origin.invalid';

/**
 * A same-origin path to return to (after login, after following…), or `fallback`. Refused: anything but a string
 * starting with `/`; any control character, white space or backslash, raw or percent-encoded in the path (`/%09/x`,
 * `/\\evil`, `/%5Cevil`); anything a browser would resolve to another origin (`//evil`, `/%2F/evil` after
 * decoding, `/.//evil` after dot-segment removal). What is returned is rebuilt by the URL parser from the path,
 * query and fragment: ASCII only (safe in a Location header) and never protocol-relative.
 */
export function safeNext(raw: unknown, fallback = '/'): string {
  if (typeof raw !== 'string' || raw.length > 2000 || !raw.startsWith('/') || hasUnsafeUrlChar(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, SAME_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== SAME_ORIGIN) return fallback;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return fallback;
  }
  if (path.startsWith('//') || hasUnsafeUrlChar(path)) return fallback;
  const out = url.pathname + url.search + url.hash;
  if (out.startsWith('//') || out.length > 2000) return fallback;
  return out;
}

/**
 * Returns the logged-in user, or answers for the route: pages redirect to the login form (and back afterwards),
 * API calls get 401.
 */
export function requireUser(req: FastifyRequest, reply: FastifyReply): SessionUser | undefined {
  if (req.user) return req.user;
  if (wantsJson(req) || req.method !== 'GET') throw unauthorized();
  void reply.redirect(`/login?next=${encodeURIComponent(safeNext(req.url))}`, 303);
  return undefined;
}

/** Returns the logged-in admin or throws (401 when anonymous, 403 otherwise). */
export function requireAdmin(req: FastifyRequest): SessionUser {
  if (!req.user) throw unauthorized();
  if (req.user.role !== 'admin') throw forbidden() as AppError;
  return req.user;
}

/** True for the roles that moderate (reports, reviews, notices, verifications, users): moderators and admins. */
export function isStaff(user: Pick<SessionUser, 'role'> | undefined): boolean {
  return user?.role === 'moderator' || user?.role === 'admin';
}

/** Returns the logged-in moderator or admin, or throws (401 when anonymous — pages then go to login — 403 otherwise). */
export function requireStaff(req: FastifyRequest): SessionUser {
  if (!req.user) throw unauthorized();
  if (!isStaff(req.user)) throw forbidden() as AppError;
  return req.user;
}

/** Parses a positive integer id from a route parameter; undefined for anything else. */
export function parseId(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw)) return undefined;
  return Number(raw);
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AppError, forbidden, unauthorized } from '../errors.ts';
import type { SessionUser } from '../features/accounts/service.ts';
import { wantsJson } from './error-handler.ts';

/** A local path to return to after login; anything else (//evil, https:) falls back to `/`. */
export function safeNext(raw: unknown, fallback = '/'): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return fallback;
  return raw.slice(0, 500);
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

/** Parses a positive integer id from a route parameter; undefined for anything else. */
export function parseId(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw)) return undefined;
  return Number(raw);
}

import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { findAvatar } from './avatar.ts';

const YEAR_S = 365 * 24 * 60 * 60;
/** How long an unversioned avatar URL (the header's) may be used before revalidating with its ETag. */
const UNVERSIONED_S = 300;

/**
 * Answers /u/:id/avatar: the stored WebP with its content hash as the ETag (a year and immutable when the URL
 * carries the current version, five minutes otherwise), 304 on a matching If-None-Match; without an avatar, an SVG
 * of the name's first character, so the header can always point at this URL.
 */
export async function sendAvatar(
  deps: Pick<Deps, 'database' | 'blobs'>,
  req: FastifyRequest<{ Querystring: { v?: string } }>,
  reply: FastifyReply,
  userId: number,
) {
  const avatar = await findAvatar(deps, userId);
  if (!avatar) throw notFound();
  const body = avatar.key ? undefined : initialSvg(avatar.id, avatar.name);
  const etag = avatar.hash ? `"${avatar.hash}"` : `"i${createHash('sha256').update(body!).digest('hex').slice(0, 32)}"`;
  const versioned = !!avatar.hash && !!req.query.v && avatar.hash.startsWith(req.query.v) && req.query.v.length >= 8;
  reply
    .header('etag', etag)
    .header('cache-control', versioned ? `public, max-age=${YEAR_S}, immutable` : `public, max-age=${UNVERSIONED_S}`)
    .header('x-content-type-options', 'nosniff')
    // Opened on its own, an image must not be able to run anything.
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  const inm = req.headers['if-none-match'];
  if (inm?.split(',').some((v) => v.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
  if (body) return reply.type('image/svg+xml; charset=utf-8').send(body);
  const size = await deps.blobs.size(avatar.key!);
  if (size === undefined) throw notFound();
  return reply.type('image/webp').header('content-length', size).send(deps.blobs.read(avatar.key!));
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** A round initial on the user's hue (as the HTML initials are drawn), every character escaped. */
function initialSvg(id: number, name: string): string {
  const hue = Math.floor(((id * 67) % 360) / 30) * 30;
  const initial = ([...name][0] ?? '?').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><circle cx="48" cy="48" r="48" fill="hsl(${hue} 60% 30%)"/><text x="48" y="48" dy=".35em" text-anchor="middle" font-size="44" font-weight="700" fill="#fff" font-family="sans-serif">${initial}</text></svg>`;
}

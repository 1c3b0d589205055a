import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import * as repo from './repo.ts';
import { chinaDay } from './rewards.ts';

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

/** A download token: document, expiry and an HMAC over both plus the user it was issued to. */
export function signDownloadToken(secret: string, t: { userId: number; documentId: number; expiresAt: number }) {
  const exp = t.expiresAt.toString(36);
  return `${t.documentId}-${exp}-${mac(secret, `${t.documentId}.${t.userId}.${exp}`)}`;
}

/** The document a token grants to this user, or undefined when forged, expired or issued to someone else. */
export function verifyDownloadToken(secret: string, token: string, userId: number, now = Date.now()) {
  const m = /^([1-9]\d{0,15})-([0-9a-z]{1,12})-([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const [, doc, exp, sig] = m as unknown as [string, string, string, string];
  const expected = Buffer.from(mac(secret, `${doc}.${userId}.${exp}`));
  if (expected.length !== sig.length || !timingSafeEqual(expected, Buffer.from(sig))) return undefined;
  if (Number.parseInt(exp, 36) < now) return undefined;
  return Number(doc);
}

/** Start of the current China day in epoch milliseconds (caps reset at midnight Beijing time). */
function dayStart(now: number): number {
  return Date.parse(`${chinaDay(now)}T00:00:00+08:00`);
}

/**
 * Issues a short-lived download URL bound to the user, after the caller authorised the download. Enforces the
 * per-user and per-IP daily caps and records the download.
 */
export async function issueDownloadUrl(
  deps: Pick<Deps, 'database' | 'config' | 'downloadUrlSecret'>,
  user: Pick<SessionUser, 'id'>,
  documentId: number,
  ip: string,
): Promise<string> {
  const { db } = deps.database;
  const now = Date.now();
  const since = dayStart(now);
  const caps = deps.config.credits;
  if ((await repo.countDownloadsSince(db, { userId: user.id }, since)) >= caps.downloadDailyCapUser)
    throw new AppError(429, 'download_cap', 'credits.downloadCapUser', { n: caps.downloadDailyCapUser });
  if ((await repo.countDownloadsSince(db, { ip }, since)) >= caps.downloadDailyCapIp)
    throw new AppError(429, 'download_cap', 'credits.downloadCapIp');
  await repo.insertDownload(db, { userId: user.id, documentId, ip, now });
  const token = signDownloadToken(deps.downloadUrlSecret, {
    userId: user.id,
    documentId,
    expiresAt: now + caps.downloadUrlTtlSeconds * 1000,
  });
  return `/dl/${token}`;
}

/** Resolves a download token for the user to the file to send; 404 for anything invalid or expired. */
export async function resolveDownload(
  deps: Pick<Deps, 'database' | 'downloadUrlSecret'>,
  user: Pick<SessionUser, 'id'> | undefined,
  token: string,
) {
  const documentId = user ? verifyDownloadToken(deps.downloadUrlSecret, token, user.id) : undefined;
  if (!documentId) throw notFound('credits.downloadLinkInvalid');
  const doc = await repo.findSellableDocument(deps.database.db, documentId);
  if (!doc) throw notFound();
  return doc;
}

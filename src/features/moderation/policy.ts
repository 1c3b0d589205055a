// Who may do what to users (one policy per domain; routes call these, never role strings).
import type { UserRole } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { formatDateTime } from '../../web/format.ts';
import type { SessionUser } from '../accounts/service.ts';

type Actor = Pick<SessionUser, 'id' | 'role'>;

/** Moderators and admins moderate: reports, reviews, notices, verifications, users' punishments. */
export function canModerate(user: Pick<SessionUser, 'role'> | undefined): boolean {
  return user?.role === 'moderator' || user?.role === 'admin';
}

/** Only admins run the site: settings, money, roles, the audit log, revealing identity numbers. */
export function canAdminister(user: Pick<SessionUser, 'role'> | undefined): boolean {
  return user?.role === 'admin';
}

/** A moderator may punish ordinary users; an admin may also punish moderators; nobody punishes an admin or self. */
export function canPunish(actor: Actor, target: { id: number; role: UserRole }): boolean {
  if (actor.id === target.id || target.role === 'admin') return false;
  if (target.role === 'moderator') return actor.role === 'admin';
  return canModerate(actor);
}

/** Only an admin changes roles, never their own (the last admin cannot lock themselves out). */
export function canChangeRole(actor: Actor, target: { id: number }): boolean {
  return actor.role === 'admin' && actor.id !== target.id;
}

/** Throws 403 for a muted user: no upload, comment or report until the mute ends. */
export function assertNotMuted(user: Pick<SessionUser, 'mutedUntil'>, now = Date.now()): void {
  const until = user.mutedUntil;
  if (!until || until <= now) return;
  throw until >= PERMANENT
    ? new AppError(403, 'muted', 'moderation.mutedForever')
    : new AppError(403, 'muted', 'moderation.mutedUntil', { until: formatDateTime(until) });
}

/** The `*_until` value of a permanent punishment (year 2999). */
export const PERMANENT = 32_503_680_000_000;

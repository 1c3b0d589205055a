// Punishments and roles. A ban refuses login (with the reason and end date) and ends every session; a mute stops
// uploads, comments and reports. Both are timed or permanent, revocable, notified to the user and audited.
import type { UserRole } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { formatDateTime } from '../../web/format.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { notify } from '../notifications/service.ts';
import { canChangeRole, canModerate, canPunish, PERMANENT } from './policy.ts';
import * as repo from './repo.ts';

type Staff = Pick<SessionUser, 'id' | 'role'>;

/** Durations offered by the punish form, in days; 0 means permanent. */
export const PUNISH_DAYS = [1, 3, 7, 30, 365, 0] as const;
export const ROLES: readonly UserRole[] = ['user', 'moderator', 'admin'];

/** Bans or mutes a user for `days` (0 = permanent), with a reason they will read. */
export async function punishUser(
  deps: Pick<Deps, 'database'>,
  actor: Staff,
  input: { userId: number; kind: string; days: number; reason: string; ip: string },
): Promise<number> {
  if (!canModerate(actor)) throw forbidden();
  if (input.kind !== 'ban' && input.kind !== 'mute') throw badRequest('moderation.kindInvalid').on('kind');
  const kind = input.kind;
  if (!(PUNISH_DAYS as readonly number[]).includes(input.days)) throw badRequest('moderation.daysInvalid').on('days');
  const reason = input.reason.normalize('NFC').trim();
  if ([...reason].length < 2 || [...reason].length > 200) throw badRequest('moderation.reasonRequired').on('reason');
  const { db } = deps.database;
  const target = await repo.findUser(db, input.userId);
  if (!target) throw notFound();
  if (!canPunish(actor, target)) throw forbidden('moderation.cannotPunish');
  const now = Date.now();
  const endsAt = input.days === 0 ? null : now + input.days * 86_400_000;
  return db.transaction().execute(async (trx) => {
    const id = await repo.insertPunishment(trx, {
      userId: target.id,
      kind,
      reason,
      startsAt: now,
      endsAt,
      by: actor.id,
    });
    await repo.refreshPunishmentState(trx, target.id, now, PERMANENT);
    if (kind === 'ban') await repo.deleteSessionsOf(trx, target.id);
    await notify(trx, {
      userId: target.id,
      kind: endsAt ? `${kind}.timed` : `${kind}.permanent`,
      params: { reason, until: endsAt ? formatDateTime(endsAt) : '' },
    });
    await recordAudit(trx, {
      actor,
      action: `user.${kind}`,
      targetType: 'user',
      targetId: target.id,
      before: { banned_until: target.banned_until, muted_until: target.muted_until },
      after: { punishment: id, kind, ends_at: endsAt ? formatDateTime(endsAt) : 'permanent' },
      reason,
      ip: input.ip,
    });
    return id;
  });
}

/** Lifts a punishment early (409 when it was already lifted). */
export async function revokePunishment(
  deps: Pick<Deps, 'database'>,
  actor: Staff,
  input: { punishmentId: number; ip: string },
): Promise<void> {
  const { db } = deps.database;
  const p = await repo.findPunishment(db, input.punishmentId);
  if (!p) throw notFound();
  const target = await repo.findUser(db, Number(p.user_id));
  if (!target) throw notFound();
  if (!canPunish(actor, target)) throw forbidden('moderation.cannotPunish');
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    if (!(await repo.revokePunishment(trx, p.id, actor.id, now))) throw conflict('moderation.alreadyRevoked');
    await repo.refreshPunishmentState(trx, target.id, now, PERMANENT);
    await notify(trx, { userId: target.id, kind: `${p.kind}.revoked`, params: {} });
    await recordAudit(trx, {
      actor,
      action: `user.${p.kind}.revoke`,
      targetType: 'user',
      targetId: target.id,
      before: { punishment: p.id, kind: p.kind },
      after: { revoked: true },
      ip: input.ip,
    });
  });
}

/** Changes a user's role (admins only, never their own). */
export async function changeRole(
  deps: Pick<Deps, 'database'>,
  actor: Staff,
  input: { userId: number; role: string; ip: string },
): Promise<void> {
  if (!(ROLES as readonly string[]).includes(input.role)) throw badRequest('moderation.roleInvalid').on('role');
  const role = input.role as UserRole;
  const { db } = deps.database;
  const target = await repo.findUser(db, input.userId);
  if (!target) throw notFound();
  if (!canChangeRole(actor, target)) throw forbidden();
  if (target.role === role) return;
  await db.transaction().execute(async (trx) => {
    await repo.setRole(trx, target.id, role, Date.now());
    // New privileges start with a new session (the session id rotates when privileges change).
    await repo.deleteSessionsOf(trx, target.id);
    await notify(trx, { userId: target.id, kind: 'role.changed', params: { role } });
    await recordAudit(trx, {
      actor,
      action: 'user.role',
      targetType: 'user',
      targetId: target.id,
      before: { role: target.role },
      after: { role },
      ip: input.ip,
    });
  });
}

/** The staff user list: search and paging. */
export async function searchUsersForStaff(deps: Pick<Deps, 'database'>, q: string, page: number) {
  const size = 30;
  const rows = await repo.searchUsers(deps.database.db, q.trim().slice(0, 100), size + 1, (page - 1) * size);
  return { rows: rows.slice(0, size), hasMore: rows.length > size };
}

/** The user a punishment is about (the page its 撤销 button is on), or 404. */
export async function punishedUserOf(deps: Pick<Deps, 'database'>, punishmentId: number): Promise<number> {
  const p = await repo.findPunishment(deps.database.db, punishmentId);
  if (!p) throw notFound();
  return Number(p.user_id);
}

/** One user's record for staff: identity fields, role, badges, punishments. */
export async function getUserForStaff(deps: Pick<Deps, 'database'>, id: number) {
  const { db } = deps.database;
  const user = await repo.findUser(db, id);
  if (!user) throw notFound();
  return { user, punishments: await repo.listPunishments(db, id) };
}

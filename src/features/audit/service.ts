// The audit log: every staff action, who did it, to what, when, from where, with the state before and after. The
// table is append-only (database triggers refuse UPDATE and DELETE) and nothing here can change a row. Callers pass
// their transaction, so an action and its record commit together. Identity numbers never enter it unmasked.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { SessionUser } from '../accounts/service.ts';

/** One staff action to record. `before`/`after` are small JSON-able objects of the fields the action changed. */
export interface AuditEntry {
  readonly actor: Pick<SessionUser, 'id' | 'role'> | undefined;
  readonly action: string;
  readonly targetType: string;
  readonly targetId?: number | null;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly reason?: string;
  readonly ip?: string;
}

/** Appends one entry (inside the caller's transaction when given one). */
export async function recordAudit(db: Kysely<DB>, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: e.actor?.id ?? null,
      actor_role: e.actor?.role ?? 'system',
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId ?? null,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      reason: (e.reason ?? '').slice(0, 1000),
      ip: (e.ip ?? '').slice(0, 100),
      created_at: Date.now(),
    })
    .execute();
}

/** Filters of /admin/audit. */
export interface AuditFilter {
  readonly actorId?: number | undefined;
  readonly action?: string | undefined;
  readonly targetType?: string | undefined;
  readonly targetId?: number | undefined;
  /** China days, inclusive (`2026-11-30`). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

const PAGE_SIZE = 50;
const chinaDayStart = (day: string) => Date.parse(`${day}T00:00:00+08:00`);

/** One page of entries matching the filter, newest first, with the actor's name. */
export async function listAudit(deps: Pick<Deps, 'database'>, filter: AuditFilter, page: number) {
  let q = deps.database.db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select([
      'a.id',
      'a.actor_id',
      'a.actor_role',
      'a.action',
      'a.target_type',
      'a.target_id',
      'a.before',
      'a.after',
      'a.reason',
      'a.ip',
      'a.created_at',
      'u.display_name as actor_name',
    ]);
  if (filter.actorId) q = q.where('a.actor_id', '=', filter.actorId);
  if (filter.action) q = q.where('a.action', '=', filter.action);
  if (filter.targetType) q = q.where('a.target_type', '=', filter.targetType);
  if (filter.targetId) q = q.where('a.target_id', '=', filter.targetId);
  if (filter.from && !Number.isNaN(chinaDayStart(filter.from)))
    q = q.where('a.created_at', '>=', chinaDayStart(filter.from));
  if (filter.to && !Number.isNaN(chinaDayStart(filter.to)))
    q = q.where('a.created_at', '<', chinaDayStart(filter.to) + 86_400_000);
  const rows = await q
    .orderBy('a.id', 'desc')
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
  return { rows: rows.slice(0, PAGE_SIZE), hasMore: rows.length > PAGE_SIZE };
}

/** The distinct actions recorded so far (for the filter's choices). */
export async function listAuditActions(deps: Pick<Deps, 'database'>): Promise<string[]> {
  const rows = await deps.database.db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
  return rows.map((r) => r.action);
}

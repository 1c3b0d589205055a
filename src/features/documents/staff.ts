// The staff's document list (/admin/documents) and the takedowns that act on many documents at once: a bulk
// takedown of checked documents, and "下架该用户全部文档" for a banned uploader. Each document goes through
// takeDownDocument on its own — its own transaction, notification and audit entry — so one that cannot be taken
// down (already down, deleted, still converting) is counted and skipped without undoing the others.
import { sql } from 'kysely';
import type { DocumentStatus } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, conflict, forbidden, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { canModerate } from '../moderation/policy.ts';
import { type TakedownCode, takeDownDocument } from './takedown.ts';

type Actor = Pick<SessionUser, 'id' | 'role'>;
type StaffDeps = Pick<Deps, 'database' | 'search' | 'log'>;

/** The statuses the list can filter on, in lifecycle order. */
export const DOCUMENT_STATUSES: readonly DocumentStatus[] = [
  'uploaded',
  'converting',
  'review',
  'published',
  'rejected',
  'taken_down',
  'deleted',
];

/** Filters of /admin/documents (all optional). */
export interface StaffDocumentFilter {
  readonly status?: DocumentStatus | undefined;
  readonly ownerId?: number | undefined;
  readonly categoryId?: number | undefined;
  /** A piece of the title. */
  readonly q?: string | undefined;
}

const PAGE_SIZE = 50;
/** At most this many documents per bulk takedown request. */
export const BULK_MAX = 100;

/** One page of documents matching the filter, newest first, with uploader and category names. */
export async function listDocumentsForStaff(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  filter: StaffDocumentFilter,
  page: number,
) {
  if (!canModerate(actor)) throw forbidden();
  const p = Math.min(10_000, Math.max(1, page));
  let q = deps.database.db
    .selectFrom('documents as d')
    .innerJoin('users as u', 'u.id', 'd.owner_id')
    .innerJoin('categories as c', 'c.id', 'd.category_id')
    .select([
      'd.id',
      'd.title',
      'd.format',
      'd.status',
      'd.price',
      'd.created_at',
      'd.published_at',
      'd.download_count',
      'd.takedown_code',
      'd.taken_down_at',
      'd.owner_id',
      'u.display_name as owner_name',
      'c.name as category_name',
    ]);
  if (filter.status) q = q.where('d.status', '=', filter.status);
  if (filter.ownerId) q = q.where('d.owner_id', '=', filter.ownerId);
  if (filter.categoryId) q = q.where('d.category_id', '=', filter.categoryId);
  const needle = filter.q?.normalize('NFC').trim().slice(0, 100);
  if (needle) {
    // A literal substring: LIKE's wildcards and the escape character are escaped.
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`lower(d.title) like lower(${pattern}) escape '\\'`);
  }
  const rows = await q
    .orderBy('d.id', 'desc')
    .limit(PAGE_SIZE + 1)
    .offset((p - 1) * PAGE_SIZE)
    .execute();
  return { rows: rows.slice(0, PAGE_SIZE), hasMore: rows.length > PAGE_SIZE, page: p };
}

/** The outcome of a takedown of several documents. */
export interface BulkTakedownResult {
  readonly taken: number[];
  readonly skipped: number[];
}

/** Takes each listed document down on its own (one transaction, notification and audit entry each). */
export async function takeDownMany(
  deps: StaffDeps,
  actor: Actor,
  input: { documentIds: readonly number[]; code: TakedownCode; note?: string; ref?: string; ip: string },
): Promise<BulkTakedownResult> {
  if (!canModerate(actor)) throw forbidden();
  const taken: number[] = [];
  const skipped: number[] = [];
  for (const documentId of [...new Set(input.documentIds)].slice(0, BULK_MAX)) {
    try {
      await takeDownDocument(deps, actor, {
        documentId,
        code: input.code,
        ref: input.ref,
        note: input.note,
        ip: input.ip,
      });
      taken.push(documentId);
    } catch (err) {
      // Already down, deleted, not public or missing: nothing to do for this one; the others go on.
      if (!(err instanceof AppError) || (err.status !== 409 && err.status !== 404)) throw err;
      skipped.push(documentId);
    }
  }
  return { taken, skipped };
}

/**
 * 下架该用户全部文档: every public document (published or held for review) of a banned uploader, code `ban`,
 * cause `user:<id>`. 409 when the user is not banned (a takedown of everything is a consequence of a ban, not a
 * punishment of its own).
 */
export async function takeDownAllOfUser(
  deps: StaffDeps,
  actor: Actor,
  input: { userId: number; note?: string; ip: string },
): Promise<BulkTakedownResult> {
  if (!canModerate(actor)) throw forbidden();
  const { db } = deps.database;
  const user = await db
    .selectFrom('users')
    .select(['id', 'banned_until'])
    .where('id', '=', input.userId)
    .executeTakeFirst();
  if (!user) throw notFound();
  if (!user.banned_until || Number(user.banned_until) <= Date.now()) throw conflict('takedown.userNotBanned');
  const taken: number[] = [];
  const skipped: number[] = [];
  // In batches, so a prolific uploader's documents never sit in memory at once.
  let after = 0;
  for (;;) {
    const ids = (
      await db
        .selectFrom('documents')
        .select('id')
        .where('owner_id', '=', input.userId)
        .where('status', 'in', ['published', 'review'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(BULK_MAX)
        .execute()
    ).map((r) => Number(r.id));
    if (ids.length === 0) break;
    const r = await takeDownMany(deps, actor, {
      documentIds: ids,
      code: 'ban',
      note: input.note,
      ref: `user:${input.userId}`,
      ip: input.ip,
    });
    taken.push(...r.taken);
    skipped.push(...r.skipped);
    after = ids[ids.length - 1]!;
  }
  return { taken, skipped };
}

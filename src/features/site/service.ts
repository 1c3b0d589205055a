import type { Kysely } from 'kysely';
import { DEFAULT_MIN_CHARS } from '../../convert/text-quality.ts';
import type { DB, PreviewMode } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict } from '../../errors.ts';
import type { SiteSettings } from '../../web/context.ts';
import * as repo from './repo.ts';

/** Operator-editable site settings (the shape lives in web/context.ts: every page carries it). */
export type { SiteSettings };

const DEFAULTS = {
  previewMode: 'pages' as PreviewMode,
  previewValue: 3,
  previewMaxPercent: 60,
  maxPrice: 10_000,
  creditName: '文币',
  serviceText: '工作日 9:00–18:00 在线，扫码添加客服微信',
  serviceWechat: '',
  serviceQrKey: null as string | null,
  // Per-buyer download marks (decision 0019): the visible footer line, and marks required on paid downloads.
  markVisible: true,
  markRequired: false,
  // The text-quality gate (convert/text-quality.ts): fewer readable characters than this is 内容过少.
  minChars: DEFAULT_MIN_CHARS,
};

type Editable = Partial<Omit<typeof DEFAULTS, never>>;

// Settings are read on every page; a copy per process keeps that off the database. It is used while the site's
// shared generation (decision 0018) is unchanged: a write in any process bumps it (the `rev` row, and a Redis
// message when REDIS_URL is set), so other processes reload within DB_CHECK_MS, or at once with Redis. Deps without
// `shared` (narrow test deps) fall back to a short TTL; no copy outlives MAX_AGE_MS (a lost Redis message).
const TTL_MS = 2000;
const MAX_AGE_MS = 60_000;
const cache = new WeakMap<object, { at: number; gen: string | undefined; value: SiteSettings }>();

/** The current settings (cached per process); `minRev` forces a reload when the cached copy is older. */
export async function getSiteSettings(
  deps: Pick<Deps, 'database'> & Partial<Pick<Deps, 'shared'>>,
  opts: { minRev?: number } = {},
): Promise<SiteSettings> {
  const hit = cache.get(deps.database);
  const gen = await deps.shared?.generations.current('site');
  const age = hit ? Date.now() - hit.at : Number.POSITIVE_INFINITY;
  const fresh = gen === undefined ? age < TTL_MS : hit?.gen === gen && age < MAX_AGE_MS;
  if (hit && fresh && hit.value.rev >= (opts.minRev ?? 0)) return hit.value;
  const [rows, categories] = await Promise.all([
    repo.listSettings(deps.database.db),
    repo.listCategories(deps.database.db),
  ]);
  const get = <K extends keyof typeof DEFAULTS>(k: K): (typeof DEFAULTS)[K] => {
    const raw = rows.get(k);
    return raw === undefined ? DEFAULTS[k] : (JSON.parse(raw) as (typeof DEFAULTS)[K]);
  };
  const value: SiteSettings = Object.freeze({
    rev: Number(rows.get('rev') ?? 1),
    previewMode: get('previewMode'),
    previewValue: get('previewValue'),
    previewMaxPercent: get('previewMaxPercent'),
    maxPrice: get('maxPrice'),
    creditName: get('creditName'),
    serviceText: get('serviceText'),
    serviceWechat: get('serviceWechat'),
    serviceQrKey: get('serviceQrKey'),
    markVisible: get('markVisible'),
    markRequired: get('markRequired'),
    minChars: get('minChars'),
    categories,
  });
  cache.set(deps.database, { at: Date.now(), gen, value });
  return value;
}

/** Validates and stores operator settings. */
export async function updateSiteSettings(
  deps: Pick<Deps, 'database' | 'queue'> & Partial<Pick<Deps, 'shared'>>,
  input: Editable,
): Promise<void> {
  const out: Record<string, unknown> = {};
  if (input.previewMode !== undefined) {
    if (input.previewMode !== 'pages' && input.previewMode !== 'percent') {
      throw badRequest('admin.previewInvalid').on('previewMode');
    }
    out.previewMode = input.previewMode;
  }
  if (input.previewValue !== undefined) {
    const mode = input.previewMode ?? (await getSiteSettings(deps)).previewMode;
    const max = mode === 'pages' ? 1000 : 100;
    if (!Number.isInteger(input.previewValue) || input.previewValue < 1 || input.previewValue > max) {
      throw badRequest('admin.previewInvalid').on('previewValue');
    }
    out.previewValue = input.previewValue;
  }
  if (input.previewMaxPercent !== undefined) {
    if (!Number.isInteger(input.previewMaxPercent) || input.previewMaxPercent < 1 || input.previewMaxPercent > 100) {
      throw badRequest('admin.previewInvalid').on('previewMaxPercent');
    }
    out.previewMaxPercent = input.previewMaxPercent;
  }
  if (input.minChars !== undefined) {
    if (!Number.isInteger(input.minChars) || input.minChars < 1 || input.minChars > 100_000) {
      throw badRequest('admin.minCharsInvalid').on('minChars');
    }
    out.minChars = input.minChars;
  }
  if (input.serviceText !== undefined) out.serviceText = input.serviceText.trim().slice(0, 500);
  if (input.serviceWechat !== undefined) out.serviceWechat = input.serviceWechat.trim().slice(0, 100);
  if (input.serviceQrKey !== undefined) out.serviceQrKey = input.serviceQrKey;
  await repo.saveSettings(deps.database.db, out);
  await changed(deps);
  // Search snippets quote excerpts cut by the preview rule: re-cut them all under the new one.
  if ('previewMode' in out || 'previewValue' in out || 'previewMaxPercent' in out) {
    await deps.queue.enqueue('search.reindex', {}, { dedupeKey: 'search.reindex' });
  }
}

/**
 * After a committed change: this process drops its copy, and the others are told (a failed Redis publish is logged,
 * not thrown — the change is saved; their copies then live until the subscription's epoch or the TTL moves on).
 */
async function changed(deps: Pick<Deps, 'database'> & Partial<Pick<Deps, 'shared'>>): Promise<void> {
  cache.delete(deps.database);
  await deps.shared?.generations.bump('site').catch(() => {});
}

/** A category's position: an integer the column holds on every dialect (PostgreSQL's integer is 32-bit). */
const validSortOrder = (n: number) => Number.isInteger(n) && Math.abs(n) <= 1_000_000;

/** Adds a category (operator). */
export async function addCategory(
  deps: Pick<Deps, 'database'> & Partial<Pick<Deps, 'shared'>>,
  input: { slug: string; name: string; sortOrder: number },
) {
  const slug = input.slug.trim().toLowerCase();
  const name = input.name.trim();
  if (!/^[a-z0-9-]{1,40}$/.test(slug) || name.length < 1 || name.length > 20 || !validSortOrder(input.sortOrder))
    throw badRequest('admin.categoryInvalid');
  const existing = (await getSiteSettings(deps)).categories;
  if (existing.some((c) => c.slug === slug)) throw conflict('admin.categoryExists').on('slug');
  await deps.database.db.transaction().execute(async (trx) => {
    await repo.insertCategory(trx, { slug, name, sortOrder: input.sortOrder });
    await repo.bumpSiteRev(trx);
  });
  await changed(deps);
}

/** Renames or reorders a category (operator). */
export async function editCategory(
  deps: Pick<Deps, 'database'> & Partial<Pick<Deps, 'shared'>>,
  id: number,
  input: { name: string; sortOrder: number },
) {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 20 || !validSortOrder(input.sortOrder))
    throw badRequest('admin.categoryInvalid');
  await deps.database.db.transaction().execute(async (trx) => {
    await repo.updateCategory(trx, id, { name, sortOrder: input.sortOrder });
    await repo.bumpSiteRev(trx);
  });
  await changed(deps);
}

/**
 * Bumps the site revision inside the caller's transaction, so every cached page (anonymous page cache, front cache)
 * is rendered again: for changes that reach other documents' pages, such as a takedown leaving related lists.
 */
export async function invalidateCachedPages(db: Kysely<DB>): Promise<void> {
  await repo.bumpSiteRev(db);
}

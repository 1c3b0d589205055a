// Cross-process cache invalidation (decision 0018). Each process keeps small caches (site settings, hot search
// windows); none is a source of truth. A cache entry remembers the generation of its topic when it was filled and
// is used only while that generation is still current. A write anywhere bumps the generation: with Redis by a
// pub/sub message every process applies at once (redis.ts), without it through a row in `settings` that each
// process reads at most every `checkMs`.
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.ts';

/** What a cache can be invalidated for: operator settings and categories, the search index. */
export type Topic = 'site' | 'search';

/** The generation of each topic, agreed on by every process on the same database (or Redis). */
export interface Generations {
  /** An opaque token that changes after any process's write to `topic` (within the adapter's bound). */
  current(topic: Topic): Promise<string>;
  /** Says that `topic` changed; call after the write committed. This process sees the new generation at once. */
  bump(topic: Topic): Promise<void>;
  /** Which adapter runs, for logs and /healthz: 'redis' or 'database'. */
  readonly kind: 'redis' | 'database';
}

/**
 * The settings row each topic's generation lives in. The site's is `rev`, which every settings or category change
 * already bumps inside its own transaction (site/repo.ts); the search index's is written by `bump`.
 */
export const GENERATION_KEYS: Readonly<Record<Topic, string>> = { site: 'rev', search: 'gen.search' };

/** How often, at most, the database adapter reads a topic's row: how stale another process's cache may be. */
export const DB_CHECK_MS = 250;

/** Generations kept in the database: a write bumps a row, readers look at it at most every `checkMs`. */
export function createDatabaseGenerations(database: Database, opts: { checkMs?: number } = {}): Generations {
  const checkMs = opts.checkMs ?? DB_CHECK_MS;
  const seen = new Map<Topic, { at: number; value: Promise<string> }>();
  // This process's own writes are seen at once, even between two reads of the row.
  const local = new Map<Topic, number>();
  const read = async (topic: Topic): Promise<string> => {
    const row = await database.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', GENERATION_KEYS[topic])
      .executeTakeFirst();
    return row?.value ?? '';
  };
  return {
    kind: 'database',
    async current(topic) {
      const now = Date.now();
      let hit = seen.get(topic);
      if (!hit || now - hit.at >= checkMs) {
        hit = { at: now, value: read(topic) };
        seen.set(topic, hit);
        // A failed read is not cached: the next call asks again.
        hit.value.catch(() => seen.delete(topic));
      }
      return `${await hit.value}#${local.get(topic) ?? 0}`;
    },
    async bump(topic) {
      local.set(topic, (local.get(topic) ?? 0) + 1);
      seen.delete(topic);
      // The site's row is bumped by the writer's own transaction; the others get a fresh token here.
      if (topic === 'site') return;
      const key = GENERATION_KEYS[topic];
      const value = randomBytes(8).toString('hex');
      const now = Date.now();
      await database.db
        .insertInto('settings')
        .values({ key, value, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
        .execute();
    },
  };
}

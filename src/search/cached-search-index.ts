import type { Generations } from '../shared-state/generations.ts';
import type { CandidateSet, SearchIndex, SearchRequest } from './search-index.ts';

/**
 * Hot-query cache over a SearchIndex: candidate windows keyed by the request, valid while neither this process's
 * index generation nor the shared one (`generations`, decision 0018) has moved, and for at most `ttlMs`. Every write
 * through this wrapper bumps the shared generation, so a document the worker process indexes drops the windows
 * cached by the web processes (at once with Redis, within a quarter second through the database). Only ids and
 * ranking metadata are cached; titles, status and excerpts are read fresh for every page.
 */
export function withQueryCache(
  inner: SearchIndex,
  opts: { entries: number; ttlMs: number; generations?: Generations },
): SearchIndex {
  const { generations } = opts;
  const shared = async (write: Promise<void>) => {
    await write;
    await generations?.bump('search');
  };
  if (opts.entries <= 0 || opts.ttlMs <= 0) {
    // No cache here, but other processes may have one: writes still tell them.
    return {
      get generation() {
        return inner.generation;
      },
      upsert: (docs) => shared(inner.upsert(docs)),
      remove: (ids) => shared(inner.remove(ids)),
      clear: () => shared(inner.clear()),
      invalidate: () => {
        inner.invalidate();
        void generations?.bump('search').catch(() => {});
      },
      titlePrefix: (tokens, limit) => inner.titlePrefix(tokens, limit),
      candidates: (req) => inner.candidates(req),
    };
  }
  const cache = new Map<string, { at: number; generation: number; shared: string; value: CandidateSet }>();
  return {
    get generation() {
      return inner.generation;
    },
    upsert: (docs) => shared(inner.upsert(docs)),
    remove: (ids) => shared(inner.remove(ids)),
    clear: () => shared(inner.clear()),
    invalidate: () => {
      cache.clear();
      inner.invalidate();
      // Ratings changed ranking metadata without an index write: the other processes drop their windows too.
      void generations?.bump('search').catch(() => {});
    },
    titlePrefix: (tokens, limit) => inner.titlePrefix(tokens, limit),
    async candidates(req: SearchRequest) {
      const key = JSON.stringify(req);
      const now = Date.now();
      // Read before the query: a write racing it leaves the entry under the older generation, never the newer.
      const gen = (await generations?.current('search')) ?? '';
      const hit = cache.get(key);
      if (hit && hit.generation === inner.generation && hit.shared === gen && now - hit.at < opts.ttlMs) {
        // Refresh the LRU position; callers get copies because ranking normalises scores in place.
        cache.delete(key);
        cache.set(key, hit);
        return { capped: hit.value.capped, candidates: hit.value.candidates.map((c) => ({ ...c })) };
      }
      const generation = inner.generation;
      const value = await inner.candidates(req);
      cache.set(key, { at: now, generation, shared: gen, value });
      if (cache.size > opts.entries) cache.delete(cache.keys().next().value as string);
      return { capped: value.capped, candidates: value.candidates.map((c) => ({ ...c })) };
    },
  };
}

import type { CandidateSet, SearchIndex, SearchRequest } from './search-index.ts';

/**
 * Hot-query cache over a SearchIndex: candidate windows keyed by the request, dropped when this process writes the
 * index (generation) and after `ttlMs` (another process — the worker role — may have written it). Only ids and
 * ranking metadata are cached; titles, status and excerpts are read fresh for every page.
 */
export function withQueryCache(inner: SearchIndex, opts: { entries: number; ttlMs: number }): SearchIndex {
  if (opts.entries <= 0 || opts.ttlMs <= 0) return inner;
  const cache = new Map<string, { at: number; generation: number; value: CandidateSet }>();
  return {
    get generation() {
      return inner.generation;
    },
    upsert: (docs) => inner.upsert(docs),
    remove: (ids) => inner.remove(ids),
    clear: () => inner.clear(),
    invalidate: () => inner.invalidate(),
    titlePrefix: (tokens, limit) => inner.titlePrefix(tokens, limit),
    async candidates(req: SearchRequest) {
      const key = JSON.stringify(req);
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.generation === inner.generation && now - hit.at < opts.ttlMs) {
        // Refresh the LRU position; callers get copies because ranking normalises scores in place.
        cache.delete(key);
        cache.set(key, hit);
        return { capped: hit.value.capped, candidates: hit.value.candidates.map((c) => ({ ...c })) };
      }
      const value = await inner.candidates(req);
      cache.set(key, { at: now, generation: inner.generation, value });
      if (cache.size > opts.entries) cache.delete(cache.keys().next().value as string);
      return { capped: value.capped, candidates: value.candidates.map((c) => ({ ...c })) };
    },
  };
}

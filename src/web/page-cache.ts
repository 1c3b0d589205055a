/**
 * Rendered anonymous pages, keyed by path and validated by an ETag that encodes every revision the page depends on.
 * Each process keeps its own small LRU; correctness across processes comes from the ETag, which is recomputed from
 * the database on every request, so a stale entry can never be served.
 */
export interface PageCache {
  get(key: string, etag: string): Buffer | undefined;
  set(key: string, etag: string, body: Buffer): void;
  readonly size: number;
}

/** An LRU of at most `max` entries (Map keeps insertion order; a hit is moved to the end). */
export function createPageCache(max: number): PageCache {
  const map = new Map<string, { etag: string; body: Buffer }>();
  return {
    get(key, etag) {
      const hit = map.get(key);
      if (!hit || hit.etag !== etag) return undefined;
      map.delete(key);
      map.set(key, hit);
      return hit.body;
    },
    set(key, etag, body) {
      if (max <= 0) return;
      map.delete(key);
      map.set(key, { etag, body });
      while (map.size > max) {
        const oldest = map.keys().next().value;
        if (oldest === undefined) break;
        map.delete(oldest);
      }
    },
    get size() {
      return map.size;
    },
  };
}

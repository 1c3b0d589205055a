import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Content codings a cached page can be sent in. */
export type Coding = 'br' | 'gzip' | 'identity';

/** One rendered page; compressed forms are made on first use and kept with it. */
export interface CachedPage {
  readonly etag: string;
  readonly body: Buffer;
  encoded(coding: Coding): Buffer;
}

/**
 * Rendered anonymous pages, keyed by path and validated by an ETag that encodes every revision the page depends on.
 * Each process keeps its own small LRU; correctness across processes comes from the ETag, which is recomputed from
 * the database on every request, so a stale entry can never be served.
 */
export interface PageCache {
  get(key: string, etag: string): CachedPage | undefined;
  set(key: string, etag: string, body: Buffer): CachedPage;
  readonly size: number;
}

function cachedPage(etag: string, body: Buffer): CachedPage {
  let br: Buffer | undefined;
  let gzip: Buffer | undefined;
  return {
    etag,
    body,
    encoded(coding) {
      // Compressing once per render instead of once per response: browsers always ask for br or gzip.
      if (coding === 'br') {
        br ??= brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
        return br;
      }
      if (coding === 'gzip') {
        gzip ??= gzipSync(body, { level: 9 });
        return gzip;
      }
      return body;
    },
  };
}

/**
 * An LRU of at most `max` entries in a Map's insertion order, promoting lazily: a hit moves its entry to the young end
 * (a delete and an insert, a measurable share of a front-cache hit) only when at least half the cache's worth of
 * entries has been added or moved since the entry last was — a page in the young half stays where it is. So a page
 * read at least once in every `max / 2` additions is never evicted, and a page read again and again while nothing
 * else changes costs no Map update at all. Eviction takes the oldest end.
 */
export function createPageCache(max: number): PageCache {
  const map = new Map<string, { page: CachedPage; tick: number }>();
  const young = Math.max(1, Math.floor(max / 2));
  let tick = 0;
  return {
    get(key, etag) {
      const hit = map.get(key);
      if (!hit || hit.page.etag !== etag) return undefined;
      if (tick - hit.tick >= young) {
        map.delete(key);
        map.set(key, hit);
        hit.tick = ++tick;
      }
      return hit.page;
    },
    set(key, etag, body) {
      const page = cachedPage(etag, body);
      if (max <= 0) return page;
      map.delete(key);
      map.set(key, { page, tick: ++tick });
      while (map.size > max) {
        const oldest = map.keys().next().value;
        if (oldest === undefined) break;
        map.delete(oldest);
      }
      return page;
    },
    get size() {
      return map.size;
    },
  };
}

/** Picks the best coding the client accepts (br, then gzip), honouring `;q=0`. */
export function negotiateCoding(acceptEncoding: string | undefined): Coding {
  if (!acceptEncoding) return 'identity';
  let br = false;
  let gzip = false;
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    if (q !== undefined && Number(q) === 0) continue;
    if (name === 'br') br = true;
    else if (name === 'gzip' || name === '*') gzip = true;
  }
  return br ? 'br' : gzip ? 'gzip' : 'identity';
}

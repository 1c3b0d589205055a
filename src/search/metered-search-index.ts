import type { Histogram } from 'prom-client';
import type { SearchIndex } from './search-index.ts';

/**
 * Times every candidate lookup (cache hits included: it wraps the cache) into the search latency histogram. Every
 * other member — including the `generation` getter — is forwarded untouched, so the port can grow without this
 * wrapper silently dropping a method.
 */
export function withSearchMetrics(inner: SearchIndex, histogram: Histogram<'sort'>): SearchIndex {
  const candidates: SearchIndex['candidates'] = async (req) => {
    const end = histogram.startTimer({ sort: req.sort });
    try {
      return await inner.candidates(req);
    } finally {
      end();
    }
  };
  return new Proxy(inner, {
    get: (target, prop, receiver) => (prop === 'candidates' ? candidates : Reflect.get(target, prop, receiver)),
  });
}

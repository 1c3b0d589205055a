import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** A gauge whose values are read when Prometheus scrapes (queue depth, ledger totals): one query per scrape. */
export interface ScrapeGauge {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Current values, one per label set. Called on every scrape; keep it to one indexed or small query. */
  collect(): Promise<ReadonlyArray<{ labels: Record<string, string>; value: number }>>;
}

/**
 * This process's Prometheus metrics. Each process (web or worker) has its own registry and is scraped on its own;
 * Prometheus sums counters and histograms across instances, so nothing here needs to be shared between processes.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Request latency by method, route pattern (never the raw URL: ids would explode the series) and status class. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Conversion outcomes: published, held (review or privacy) or rejected, with the rejection's reason code. */
  readonly conversions: Counter<'outcome' | 'reason'>;
  /** Search latency in the search port (candidate window + ranking), by sort. */
  readonly searchDuration: Histogram<'sort'>;
  /** Adds gauges computed at scrape time. */
  addScrapeGauge(gauge: ScrapeGauge): void;
}

/** Latency buckets in seconds, from the front cache's sub-millisecond hits to slow conversions' uploads. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the registry with process metrics (CPU, memory, event-loop lag, GC) and the application's instruments. */
export function createMetrics(opts: { role: string } = { role: 'all' }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role: opts.role });
  collectDefaultMetrics({ register: registry, prefix: 'wenyuan_' });
  const httpDuration = new Histogram({
    name: 'wenyuan_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const conversions = new Counter({
    name: 'wenyuan_conversions_total',
    help: 'Document conversions by outcome (published, held, rejected) and rejection reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const searchDuration = new Histogram({
    name: 'wenyuan_search_duration_seconds',
    help: 'Search latency in the search index (candidates and ranking), by sort',
    labelNames: ['sort'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    conversions,
    searchDuration,
    addScrapeGauge(g) {
      new Gauge({
        name: g.name,
        help: g.help,
        labelNames: g.labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          for (const { labels, value } of await g.collect()) this.set(labels, value);
        },
      });
    },
  };
}

/** The status class label: 2xx, 3xx, 4xx, 5xx (exact codes would multiply the series for little use). */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

import type { Histogram, LabelValues } from 'prom-client';

/** The per-label-set record prom-client 15 keeps in `Histogram#hashMap` (lib/histogram.js, `createBaseValues`). */
interface Series {
  labels: LabelValues<string>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}
interface HistogramInternals {
  hashMap: Record<string, Series>;
  upperBounds: number[];
}

/**
 * `histogram.labels(labels).observe` for one fixed label set, for the hottest path (the front cache's hit): prom-client
 * converts, validates and hashes the label set on every observation (≈ 2 000 instructions a call, bench/page-ir.ts);
 * this validates once, finds the series prom-client created for the label set, and then adds to it as prom-client's
 * own `observe` does (sum, count, the one bucket of the first bound ≥ the value; buckets are made cumulative when
 * scraped). Whenever the series is not the one found (after `reset()`, which replaces the map, or `remove()`), the
 * observation goes through prom-client and the series is found again. `fixed-observer.test.ts` compares the scraped
 * text with prom-client's own path.
 */
export function fixedLabelObserver<T extends string>(
  histogram: Histogram<T>,
  labels: LabelValues<T>,
): (value: number) => void {
  const h = histogram as unknown as HistogramInternals;
  const bounds = [...h.upperBounds];
  // Property keys as prom-client writes them (`bucketValues[bound]` with a number key): String(bound).
  const keys = bounds.map(String);
  const labelled = histogram.labels(labels);
  let map: Record<string, Series> | undefined;
  let key: string | undefined;
  let series: Series | undefined;
  const find = () => {
    map = h.hashMap;
    key = undefined;
    series = undefined;
    for (const [k, s] of Object.entries(map)) {
      if (sameLabels(s.labels, labels)) {
        key = k;
        series = s;
        return;
      }
    }
  };
  return (value) => {
    if (series === undefined || map !== h.hashMap || map[key as string] !== series || !Number.isFinite(value)) {
      labelled.observe(value);
      find();
      return;
    }
    series.sum += value;
    series.count += 1;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        (series.bucketValues[keys[i] as string] as number) += 1;
        return;
      }
    }
  };
}

function sameLabels(a: LabelValues<string>, b: LabelValues<string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => String(a[k]) === String(b[k]));
}

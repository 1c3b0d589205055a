// The front cache's histogram path (fixed-observer.ts) must scrape exactly as prom-client's own labelled observe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { fixedLabelObserver } from './fixed-observer.ts';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LABELS = { method: 'GET', route: '/d/:id', status: '2xx' } as const;

function pair() {
  const make = () => {
    const registry = new Registry();
    const h = new Histogram({
      name: 'h',
      help: 'h',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers: [registry],
    });
    return { registry, h };
  };
  return { own: make(), fast: make() };
}

/** Values on, between and beyond the bounds, including 0, the smallest and largest bound and +Inf's bucket. */
function values(n: number): number[] {
  const out = [0, 0.0005, 10, 10.0001, 1e6, ...BUCKETS.map((b) => b * 0.999)];
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push((x / 2 ** 32) ** 3 * 12);
  }
  return out;
}

test('the fixed-label observer scrapes byte for byte as prom-client`s labelled observe', async () => {
  const { own, fast } = pair();
  const observe = fixedLabelObserver(fast.h, LABELS);
  // The other label sets are written through prom-client on both sides, interleaved.
  const other = { method: 'HEAD', route: '/d/:id', status: '3xx' } as const;
  for (const [i, v] of values(5000).entries()) {
    own.h.labels(LABELS).observe(v);
    observe(v);
    if (i % 7 === 0) {
      own.h.observe(other, v / 3);
      fast.h.observe(other, v / 3);
    }
  }
  const text = await own.registry.metrics();
  assert.match(text, /h_bucket\{le="0.0005",method="GET",route="\/d\/:id",status="2xx"\} [1-9]/);
  assert.equal(await fast.registry.metrics(), text);
});

test('after reset() and remove() the observer records into the new series', async () => {
  const { own, fast } = pair();
  const observe = fixedLabelObserver(fast.h, LABELS);
  for (const v of values(100)) {
    own.h.labels(LABELS).observe(v);
    observe(v);
  }
  own.h.reset();
  fast.h.reset();
  for (const v of values(50)) {
    own.h.labels(LABELS).observe(v);
    observe(v);
  }
  assert.equal(await fast.registry.metrics(), await own.registry.metrics());
  own.h.remove(LABELS);
  fast.h.remove(LABELS);
  const last = values(30);
  for (const v of last) {
    own.h.labels(LABELS).observe(v);
    observe(v);
  }
  const text = await own.registry.metrics();
  assert.ok(text.includes(`h_count{method="GET",route="/d/:id",status="2xx"} ${last.length}\n`), text);
  assert.equal(await fast.registry.metrics(), text);
});

test('a value that is not a finite number is refused as prom-client refuses it', () => {
  const { fast } = pair();
  const observe = fixedLabelObserver(fast.h, LABELS);
  observe(0.001);
  assert.throws(() => observe(Number.NaN), TypeError);
  assert.throws(() => observe(Number.POSITIVE_INFINITY), TypeError);
});

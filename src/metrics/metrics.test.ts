// Issue #14: /metrics in Prometheus format — request latency by route, queue depth and oldest age, conversion
// outcomes, search latency, ledger totals and process metrics — behind a token on the site, or on its own port.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { grantCredits } from '../features/credits/grants.ts';
import { TestClient, waitForStatus } from '../testing/client.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { DIALECTS } from '../testing/test-db.ts';
import { startMetricsServer } from './metrics-server.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample line (`name{labels} value`) whose labels include every given pair. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

for (const dialect of DIALECTS) {
  describe(`metrics (${dialect})`, () => {
    let t: TestApp;
    let writer: TestClient;
    before(async () => {
      t = await createTestApp(dialect, { env: { METRICS_TOKEN: TOKEN } });
      writer = new TestClient(t.app);
      await writer.register('writer@example.com', '作者');
      const good = await writer.upload(
        {
          name: '通知.txt',
          data: Buffer.from('关于开展安全生产大检查的通知\n请各单位认真贯彻落实，按时报送检查情况。\n'),
        },
        { title: '', category: '1', price: '0' },
        { accept: 'application/json' },
      );
      await waitForStatus(writer, (good.json() as { id: number }).id);
      const empty = await writer.upload(
        { name: '空白.txt', data: Buffer.from('   \n\n  ') },
        { title: '空白', category: '1', price: '0' },
        { accept: 'application/json' },
      );
      if (empty.statusCode < 300) await waitForStatus(writer, (empty.json() as { id: number }).id);
      await writer.get(`/search?q=${encodeURIComponent('安全生产')}`);
      // Some money in the ledger, so its totals have rows.
      const user = await t.deps.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'writer@example.com')
        .executeTakeFirstOrThrow();
      await grantCredits(t.deps, undefined, { userId: user.id, amount: 500, reason: '指标测试' });
    });
    after(() => t.close());

    test('without the bearer token /metrics is refused and says nothing', async () => {
      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
        const res = await t.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
        assert.equal(res.statusCode, 401, String(authorization));
        assert.equal(res.body, '');
      }
    });

    test('with the token it serves every family with live values', async () => {
      const res = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      const body = res.body;
      // Route patterns, not raw URLs: the search above is counted under /search, never under its query.
      assert.ok((sample(body, 'wenyuan_http_request_duration_seconds_count', { route: '/search' }) ?? 0) >= 1);
      assert.ok(!body.includes('安全生产') && !body.includes('%E5%AE%89'), 'a query leaked into a label');
      assert.equal(sample(body, 'wenyuan_conversions_total', { outcome: 'published' }), 1);
      assert.equal(sample(body, 'wenyuan_conversions_total', { outcome: 'rejected' }), 1);
      assert.ok((sample(body, 'wenyuan_search_duration_seconds_count', { sort: 'relevance' }) ?? 0) >= 1);
      // Queue gauges are read from the jobs table at scrape time; ledger totals sum to zero in a healthy ledger.
      assert.match(body, /^# TYPE wenyuan_job_queue_depth gauge$/m);
      assert.match(body, /^# TYPE wenyuan_job_queue_oldest_age_seconds gauge$/m);
      const kinds = [...body.matchAll(/^wenyuan_ledger_balance_total\{kind="(\w+)",role="\w+"\} (-?\d+)$/gm)];
      assert.ok(
        kinds.some((m) => m[1] === 'wallet' && Number(m[2]) === 500),
        'the granted 500 is not in the wallet total',
      );
      assert.equal(
        kinds.reduce((sum, m) => sum + Number(m[2]), 0),
        0,
      );
      assert.ok((sample(body, 'wenyuan_process_resident_memory_bytes') ?? 0) > 0);
    });

    test('queued work shows as depth and age until a worker takes it', async () => {
      // The app's in-process worker claims any due job (and fails one it has no handler for), so on a fast database
      // it could take the probe between the insert and the scrape: stop it first; no later test needs it.
      await t.worker?.stop(2000);
      await t.deps.database.db
        .insertInto('jobs')
        .values({
          name: 'metrics.probe',
          payload: '{}',
          status: 'queued',
          attempts: 0,
          max_attempts: 1,
          run_at: Date.now() - 90_000,
          locked_by: null,
          locked_until: null,
          last_error: null,
          dedupe_key: null,
          created_at: Date.now() - 90_000,
          updated_at: Date.now() - 90_000,
        })
        .execute();
      try {
        const body = await t.deps.metrics.registry.metrics();
        assert.equal(sample(body, 'wenyuan_job_queue_depth', { name: 'metrics.probe', status: 'queued' }), 1);
        const age = sample(body, 'wenyuan_job_queue_oldest_age_seconds', { name: 'metrics.probe' }) ?? 0;
        assert.ok(age >= 90 && age < 3600, `oldest age ${age}`);
      } finally {
        await t.deps.database.db.deleteFrom('jobs').where('name', '=', 'metrics.probe').execute();
      }
    });

    test('a METRICS_PORT listener serves the same registry, and nothing else', async () => {
      const server = await startMetricsServer(t.deps.metrics, { host: '127.0.0.1', port: 0, log: t.deps.log });
      try {
        const res = await fetch(server.url);
        assert.equal(res.status, 200);
        assert.match(await res.text(), /wenyuan_http_request_duration_seconds_bucket/);
        const other = await fetch(server.url.replace('/metrics', '/'));
        assert.equal(other.status, 404);
        const post = await fetch(server.url, { method: 'POST' });
        assert.equal(post.status, 404);
      } finally {
        await server.close();
      }
    });
  });
}

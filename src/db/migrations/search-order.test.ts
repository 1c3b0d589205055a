// The migration that re-creates the SQLite search tiers: an existing library loses its index entries and gets them
// back through the `search.reindex` job it queues, without an operator doing anything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { jobHandlers } from '../../compose.ts';
import { startWorker } from '../../jobs/worker.ts';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { SEED_DOCX } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { up } from './20261127150000-search-order.ts';

describe('search-order migration on sqlite', () => {
  let t: TestApp;
  let client: TestClient;
  let id: number;
  const found = async () => {
    const res = await client.get(`/api/search?q=${encodeURIComponent('文明城市')}`);
    return (res.json() as { hits: Array<{ id: number }> }).hits.map((h) => h.id);
  };
  before(async () => {
    // No hot-query cache: every search below must reach the tables.
    t = await createTestApp('sqlite', { env: { SEARCH_CACHE_SIZE: '0' } });
    client = new TestClient(t.app);
    await client.register('writer@example.com');
    id = ((await client.upload(SEED_DOCX, { title: '', category: '1', price: '0' })).json() as { id: number }).id;
    await waitForStatus(client, id);
  });
  after(() => t.close());

  test('re-created tiers are refilled by the reindex job it queues', async () => {
    assert.deepEqual(await found(), [id]);
    // The worker is paused while the migration runs, so the emptied tiers can be seen before the job refills them.
    await t.worker!.stop(2000);
    await up(t.deps.database.db as never, 'sqlite');
    assert.deepEqual(await found(), []);
    const detail = await sql<{
      sql: string;
    }>`SELECT sql FROM sqlite_master WHERE name IN ('search_head', 'search_body') ORDER BY name`.execute(
      t.deps.database.db,
    );
    assert.match(detail.rows[0]!.sql, /detail = none/);
    assert.match(detail.rows[1]!.sql, /detail = column/);
    // Emptied by the migration; the job queued with it refills the tiers from document_texts.
    const queued = await t.deps.database.db
      .selectFrom('jobs')
      .select('id')
      .where('name', '=', 'search.reindex')
      .execute();
    assert.equal(queued.length, 1);
    const worker = startWorker({
      queue: t.deps.queue,
      handlers: jobHandlers(t.deps),
      concurrency: 1,
      pollMs: 20,
      leaseMs: 30_000,
      backoffMs: 10,
      log: t.deps.log,
    });
    const until = Date.now() + 30_000;
    let ids = await found();
    while (ids.length === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      ids = await found();
    }
    await worker.stop(2000);
    assert.deepEqual(ids, [id]);
    const jobs = await t.deps.database.db
      .selectFrom('jobs')
      .select(['status'])
      .where('name', '=', 'search.reindex')
      .execute();
    assert.deepEqual(
      jobs.map((j) => j.status),
      ['done'],
    );
  });
});

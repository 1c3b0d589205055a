// Two web processes over one database (two app instances in this process, each with its own deps, caches and
// connections, exactly as two processes would have): what one changes, the other never serves stale — at once for
// the page cache (ETags from the database), within the generation check for settings and search (decision 0018),
// with and without Redis. With Redis, rate limits count across both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildDeps } from '../compose.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { getSiteSettings, updateSiteSettings } from '../features/site/service.ts';
import { appParts } from '../routes.ts';
import { segmentQuery } from '../search/segment.ts';
import { TestClient, waitForStatus } from '../testing/client.ts';
import { SEED_TXT } from '../testing/paths.ts';
import { deleteRedisPrefix, testRedisUrl, uniqueRedisPrefix } from '../testing/redis.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { DIALECTS } from '../testing/test-db.ts';
import { createApp } from '../web/app.ts';

const redisUrl = await testRedisUrl();
const MODES = redisUrl ? (['database', 'redis'] as const) : (['database'] as const);

/** Polls `check` until it holds (the other process applies an invalidation within its bound), or fails. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < until, `${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A second web process over the first one's database: its own pool, deps, caches and (Redis) connections. */
async function secondProcess(first: TestApp, env: Record<string, string>) {
  const database = openDatabase(first.tdb.url, { poolSize: 10 });
  const config = loadConfig({
    DATA_DIR: first.dataDir,
    DATABASE_URL: first.tdb.url,
    LOG_LEVEL: 'silent',
    PAGE_IMAGES: 'false',
    ...env,
  });
  const deps: Deps = buildDeps(config, pino({ level: 'silent' }), database);
  const app = await createApp(deps, appParts, { rateLimits: { authPerMinute: 1000 } });
  await app.ready();
  return {
    app,
    deps,
    async close() {
      await app.close();
      await deps.converter.close();
      await deps.shared.close();
      await database.close();
    },
  };
}

for (const dialect of DIALECTS) {
  for (const mode of MODES) {
    describe(`two web processes, ${dialect}, invalidation through ${mode}`, () => {
      const prefix = uniqueRedisPrefix();
      const env: Record<string, string> =
        mode === 'redis' && redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: prefix } : {};
      let a: TestApp;
      let b: Awaited<ReturnType<typeof secondProcess>>;
      before(async () => {
        a = await createTestApp(dialect, { env });
        b = await secondProcess(a, env);
      });
      after(async () => {
        await b?.close();
        await a?.close();
        if (mode === 'redis' && redisUrl) await deleteRedisPrefix(redisUrl, prefix);
      });

      test('the adapter is the one configured', () => {
        assert.equal(a.deps.shared.generations.kind, mode);
        assert.equal(b.deps.shared.generations.kind, mode);
        assert.equal(b.deps.shared.rateLimit === undefined, mode === 'database');
      });

      test('a document edited through A is never served stale by B (anonymous page and front cache)', async () => {
        const owner = new TestClient(a.app);
        await owner.register('owner@example.com');
        const up = await owner.upload(SEED_TXT, { title: '旧标题甲', category: '1', price: '0' });
        const id = (up.json() as { id: number }).id;
        assert.equal((await waitForStatus(owner, id)).status, 'published');
        const visitor = (app: FastifyInstance) => app.inject({ method: 'GET', url: `/d/${id}` });
        // B renders and caches the page, then answers from its cache.
        const first = await visitor(b.app);
        assert.equal(first.statusCode, 200);
        assert.match(first.body, /旧标题甲/);
        assert.match((await visitor(b.app)).body, /旧标题甲/);
        // A changes the title; B's very next answer has it (its ETag is recomputed from the database per request).
        const csrf = await owner.csrf(`/d/${id}/edit`);
        const saved = await owner.postForm(`/d/${id}/edit`, { title: '新标题乙', category: '1', price: '0' }, { csrf });
        assert.ok(saved.statusCode < 400, `edit answered ${saved.statusCode}`);
        const next = await visitor(b.app);
        assert.equal(next.statusCode, 200);
        assert.match(next.body, /新标题乙/);
        assert.doesNotMatch(next.body, /旧标题甲/);
        assert.notEqual(next.headers.etag, first.headers.etag);
      });

      test('site settings changed through A reach B', async () => {
        const before = await getSiteSettings(b.deps);
        assert.notEqual(before.serviceText, '跨进程客服说明');
        // B holds a cached copy now; A writes.
        await getSiteSettings(b.deps);
        await updateSiteSettings(a.deps, { serviceText: '跨进程客服说明' });
        assert.equal((await getSiteSettings(a.deps)).serviceText, '跨进程客服说明', 'the writer sees it at once');
        // Within the generation check (250 ms through the database, a message with Redis): well before the old 2 s TTL.
        await eventually(
          'B sees the new settings',
          async () => (await getSiteSettings(b.deps)).serviceText === '跨进程客服说明',
          1500,
        );
      });

      test("a document indexed by A's worker drops B's cached search windows", async () => {
        const req = { tokens: segmentQuery('通知'), filters: {}, sort: 'relevance' as const };
        assert.equal((await b.deps.search.candidates(req)).candidates.length, 0);
        // Cached in B now (an empty window); A's index write must invalidate it.
        assert.equal((await b.deps.search.candidates(req)).candidates.length, 0);
        // The published document of the page test, indexed under a word its text does not have.
        const doc = await a.deps.database.db
          .selectFrom('documents')
          .select('id')
          .where('status', '=', 'published')
          .executeTakeFirstOrThrow();
        await a.deps.search.upsert([
          { id: Number(doc.id), title: '关于跨进程检索的通知', meta: '', body: '通知 正文', excerpt: '通知' },
        ]);
        // Before this, B kept its window until SEARCH_CACHE_TTL_MS (60 s).
        await eventually(
          'B finds the newly indexed document',
          async () => (await b.deps.search.candidates(req)).candidates.some((c) => c.id === Number(doc.id)),
          1500,
        );
      });

      if (mode === 'redis') {
        test('rate limits count across both processes (Redis store)', async () => {
          const ra = await secondProcessLimited(a, env);
          const rb = await secondProcessLimited(a, env);
          try {
            const hit = (app: FastifyInstance) =>
              app.inject({
                method: 'POST',
                url: '/login',
                payload: 'identifier=x%40example.com&password=nope',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
              });
            // 3 per minute per address, counted together: the 4th request is refused whichever process gets it.
            const codes = [await hit(ra.app), await hit(rb.app), await hit(ra.app), await hit(rb.app)].map(
              (r) => r.statusCode,
            );
            assert.equal(codes.slice(0, 3).includes(429), false, `first three: ${codes}`);
            assert.equal(codes[3], 429);
          } finally {
            await ra.close();
            await rb.close();
          }
        });
      }
    });
  }
}

/** Like secondProcess, with a login limit of 3 per minute. */
async function secondProcessLimited(first: TestApp, env: Record<string, string>) {
  const database = openDatabase(first.tdb.url, { poolSize: 5 });
  const config = loadConfig({ DATA_DIR: first.dataDir, DATABASE_URL: first.tdb.url, LOG_LEVEL: 'silent', ...env });
  const deps: Deps = buildDeps(config, pino({ level: 'silent' }), database);
  const app = await createApp(deps, appParts, { rateLimits: { authPerMinute: 3 } });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await deps.converter.close();
      await deps.shared.close();
      await database.close();
    },
  };
}

// Orphans: stale temp files are swept at start, aborted uploads leave nothing, and the blobs of deleted or rejected
// documents are collected after the grace period unless a live document or a buyer still needs them. Real files,
// real uploads; time is moved by the collector's injectable clock (or by dating rows and files back), never waited.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../config.ts';
import type { Dialect } from '../../db/database.ts';
import { claimRun } from '../../jobs/schedule.ts';
import { startServer } from '../../server.ts';
import { type BlobKey, parseBlobKey } from '../../storage/blob-store.ts';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestDatabase, DIALECTS } from '../../testing/test-db.ts';
import { markVerifiedByEmail } from '../../testing/verification.ts';
import { grantCredits } from '../credits/grants.ts';
import { collectGarbage } from './gc.ts';

const DAY = 24 * 60 * 60 * 1000;
/** Past the default grace period of 7 days. */
const LATER = () => Date.now() + 8 * DAY;
const PDF = join(CORPUS_DIR, 'pdf-zh', 'libpku__专业课__中国哲学（下）__中国哲学（下）复习纲要.pdf');
const ENCRYPTED_PDF = join(CORPUS_DIR, 'malformed', 'pdfjs__bug1782186.pdf');

// Common words of a 公文: a random sequence of them reads as Chinese to the text-quality gate (random characters are
// refused as unreadable), and two such sequences share almost no shingles, so they are never near duplicates.
const WORDS = (
  '发展 建设 工作 改革 经济 社会 管理 服务 推进 加强 提高 完善 落实 创新 质量 安全 群众 政府 部门 单位 制度 机制 ' +
  '项目 资金 环境 教育 文化 卫生 农村 城市 企业 产业 科技 人才 市场 政策 责任 目标 任务 措施 组织 领导 干部 党员 ' +
  '基层 治理 法治 生态 保护 民生 就业 收入 保障 医疗 养老 住房 交通 能源 水利 农业 工业 旅游 开放 合作 规划 实施 ' +
  '推动 促进 优化 提升 强化 健全 深化 扩大 稳定 增长 改善 统筹 协调 监督 检查 考核 评估 宣传 培训 学习 调研 总结'
).split(' ');

/** A distinct plain-text document (random common words, so no two are near duplicates of each other). */
function uniqueText(): { name: string; data: Buffer } {
  const lines: string[] = [];
  for (let l = 0; l < 30; l++) {
    let line = '';
    for (let i = 0; i < 20; i++) line += WORDS[randomInt(WORDS.length)];
    lines.push(`${line}。`);
  }
  return { name: `材料${randomInt(1e9)}.txt`, data: Buffer.from(lines.join('\n')) };
}

async function upload(client: TestClient, file: string | { name: string; data: Buffer }, price = '0') {
  const up = await client.upload(file, { title: `回收测试 ${randomInt(1e9)}`, category: '1', price });
  assert.equal(up.statusCode, 201, up.body);
  return (up.json() as { id: number }).id;
}

async function remove(client: TestClient, id: number) {
  const res = await client.postForm(
    `/d/${id}/delete`,
    {},
    { csrf: await client.csrf(`/d/${id}/delete`), headers: { accept: 'application/json' } },
  );
  assert.equal(res.statusCode, 200, res.body);
}

async function docRow(t: TestApp, id: number) {
  return t.deps.database.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

const stored = (t: TestApp, key: string) => t.deps.blobs.has(parseBlobKey(key));

async function userId(t: TestApp, email: string) {
  const row = await t.deps.database.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** One fresh app per test: the collector's cursor and clock are per database. */
async function withApp(dialect: Dialect, env: Record<string, string>, fn: (t: TestApp) => Promise<void>) {
  const t = await createTestApp(dialect, { env });
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`orphaned files and blobs on ${dialect}`, () => {
    test('stale temp files are swept when a process starts; fresh ones (an upload in progress) stay', async () => {
      const tdb = await createTestDatabase(dialect);
      const dataDir = mkdtempSync(join(tmpdir(), 'wy-gc-start-'));
      try {
        const tmp = join(dataDir, 'blobs', '.tmp');
        mkdirSync(tmp, { recursive: true });
        writeFileSync(join(tmp, 'upload-stale'), Buffer.alloc(4096, 1));
        const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
        utimesSync(join(tmp, 'upload-stale'), twoHoursAgo, twoHoursAgo);
        writeFileSync(join(tmp, 'upload-fresh'), Buffer.alloc(10, 2));
        const config = loadConfig({
          DATA_DIR: dataDir,
          DATABASE_URL: tdb.url,
          WENYUAN_ROLE: 'web',
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'silent',
        });
        const server = await startServer(config, { log: pino({ level: 'silent' }) });
        try {
          assert.deepEqual(readdirSync(tmp), ['upload-fresh']);
        } finally {
          await server.stop();
        }
      } finally {
        await tdb.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    test('an upload aborted mid-stream leaves no temp file', async () => {
      await withApp(dialect, {}, async (t) => {
        const client = new TestClient(t.app);
        await client.register('abort@example.com');
        const csrf = await client.csrf('/upload');
        const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
        const tmp = join(t.deps.config.storage.dir, '.tmp');
        const boundary = 'wenyuanAbort';
        const socket = connect(Number(new URL(base).port), '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write(
          `POST /upload?_csrf=${encodeURIComponent(csrf)} HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\n` +
            `Accept: application/json\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
            'Content-Length: 10000000\r\n\r\n' +
            `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\n1\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n` +
            'Content-Type: text/plain\r\n\r\n',
        );
        socket.write(Buffer.alloc(256 * 1024, 'a'));
        // The temp file exists while the body streams in…
        for (let i = 0; i < 500 && readdirSync(tmp).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
        assert.equal(readdirSync(tmp).length, 1, 'the upload is being written to a temp file');
        // …and is removed once the client goes away.
        socket.destroy();
        for (let i = 0; i < 1000 && readdirSync(tmp).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
        assert.deepEqual(readdirSync(tmp), []);
      });
    });

    test("a deleted document's original and page images outlive the grace period, then are collected", async () => {
      await withApp(dialect, { PAGE_IMAGES: 'true' }, async (t) => {
        const owner = new TestClient(t.app);
        await owner.register('deleter@example.com');
        const id = await upload(owner, PDF);
        assert.equal((await waitForStatus(owner, id)).status, 'published');
        let doc = await docRow(t, id);
        for (let i = 0; i < 1200 && !doc.pages_rendered_at; i++) {
          await new Promise((r) => setTimeout(r, 100));
          doc = await docRow(t, id);
        }
        const pages = (JSON.parse(doc.page_images ?? '[]') as { key: string }[]).map((p) => p.key);
        assert.ok(pages.length > 0, 'the PDF has page images');
        const keys = [doc.blob_key, ...pages];
        for (const k of keys) assert.ok(await stored(t, k), k);

        // Live: nothing to collect, whatever the clock says.
        assert.equal((await collectGarbage(t.deps, { now: LATER() })).collected.files, 0);
        await remove(owner, id);
        // Deleted just now: within the grace period.
        const early = await collectGarbage(t.deps);
        assert.equal(early.collected.files, 0);
        for (const k of keys) assert.ok(await stored(t, k), `${k} kept within the grace period`);

        // After it: a dry run reports and removes nothing…
        const dry = await collectGarbage(t.deps, { now: LATER(), dryRun: true });
        assert.equal(dry.documents, 1);
        assert.equal(dry.collected.files, keys.length);
        for (const k of keys) assert.ok(await stored(t, k), `${k} kept by the dry run`);
        // …and the run removes every blob, and says how many bytes.
        const run = await collectGarbage(t.deps, { now: LATER() });
        assert.deepEqual(run.collected, dry.collected);
        assert.ok(run.collected.bytes > 0);
        for (const k of keys) assert.equal(await stored(t, k), false, `${k} collected`);
        // Each dead document is visited once.
        assert.equal((await collectGarbage(t.deps, { now: LATER() })).documents, 0);
      });
    });

    test('a blob shared with a live document survives; it goes when the last one is deleted', async () => {
      await withApp(dialect, {}, async (t) => {
        const first = new TestClient(t.app);
        await first.register('first@example.com');
        const second = new TestClient(t.app);
        await second.register('second@example.com');
        const file = uniqueText();
        const a = await upload(first, file);
        await waitForStatus(first, a);
        const b = await upload(second, file);
        // Someone else's identical upload is held for review as a duplicate: a live state.
        for (let i = 0; i < 600 && ['uploaded', 'converting'].includes((await docRow(t, b)).status); i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        const held = await docRow(t, b);
        assert.equal(held.status, 'review', `${held.reject_code} ${held.reject_params}`);
        const key = (await docRow(t, a)).blob_key;
        assert.equal((await docRow(t, b)).blob_key, key, 'identical uploads share one blob');

        await remove(first, a);
        const kept = await collectGarbage(t.deps, { now: LATER() });
        assert.equal(kept.collected.files, 0);
        assert.equal(kept.kept, 1);
        assert.ok(await stored(t, key), 'the live document still has its file');

        await remove(second, b);
        const gone = await collectGarbage(t.deps, { now: LATER() });
        assert.equal(gone.collected.files, 1);
        assert.equal(await stored(t, key), false);
      });
    });

    test('a deleted document that was bought keeps its original: the buyer can still download it', async () => {
      await withApp(dialect, { PAGE_IMAGES: 'true' }, async (t) => {
        const writer = new TestClient(t.app);
        await writer.register('seller@example.com');
        await markVerifiedByEmail(t.deps, 'seller@example.com');
        const buyer = new TestClient(t.app);
        await buyer.register('reader@example.com');
        const id = await upload(writer, PDF, '50');
        assert.equal((await waitForStatus(writer, id)).status, 'published');
        let doc = await docRow(t, id);
        for (let i = 0; i < 1200 && !doc.pages_rendered_at; i++) {
          await new Promise((r) => setTimeout(r, 100));
          doc = await docRow(t, id);
        }
        const pages = (JSON.parse(doc.page_images ?? '[]') as { key: string }[]).map((p) => p.key);

        await grantCredits(t.deps, undefined, {
          userId: await userId(t, 'reader@example.com'),
          amount: 100,
          reason: '测试',
        });
        const bought = await buyer.postForm(
          `/d/${id}/buy`,
          { acceptTerms: '1' },
          { csrf: await buyer.csrf(`/d/${id}/buy`) },
        );
        assert.equal(bought.statusCode, 303, bought.body);

        await remove(writer, id);
        const run = await collectGarbage(t.deps, { now: LATER() });
        assert.equal(run.documents, 1);
        assert.ok(await stored(t, doc.blob_key), 'the original stays for the buyer');
        // The page images are never shown again: they go.
        assert.equal(run.collected.files, pages.length);
        for (const k of pages) assert.equal(await stored(t, k), false);

        const dl = await buyer.get(`/d/${id}/download`);
        assert.equal(dl.statusCode, 303, dl.body);
        const file = await buyer.get(dl.headers.location as string);
        assert.equal(file.statusCode, 200);
        // A paid document reaches its buyer marked for them (decision 0019): the original plus the marks.
        assert.equal(file.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
        assert.ok(file.rawPayload.length >= doc.size_bytes, `${file.rawPayload.length} ≥ ${doc.size_bytes}`);
      });
    });

    test("a rejected document's original is collected after the grace period; 重新转换 then says so", async () => {
      await withApp(dialect, {}, async (t) => {
        const owner = new TestClient(t.app);
        await owner.register('rejected@example.com');
        const id = await upload(owner, ENCRYPTED_PDF);
        assert.equal((await waitForStatus(owner, id)).status, 'rejected');
        const key = (await docRow(t, id)).blob_key;

        assert.equal((await collectGarbage(t.deps)).collected.files, 0);
        assert.ok(await stored(t, key), 'kept within the grace period (重新转换 needs it)');
        const run = await collectGarbage(t.deps, { now: LATER() });
        assert.equal(run.collected.files, 1);
        assert.equal(await stored(t, key), false);

        const res = await owner.postForm(
          `/d/${id}/reconvert`,
          {},
          { csrf: await owner.csrf('/my/documents'), headers: { accept: 'application/json' } },
        );
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /原文件已过保留期并被清理/);
        assert.equal((await docRow(t, id)).status, 'rejected', 'nothing was queued');
      });
    });

    test('a dead blob touched within the grace period (a new reference being added) is kept', async () => {
      await withApp(dialect, {}, async (t) => {
        const owner = new TestClient(t.app);
        await owner.register('toucher@example.com');
        const id = await upload(owner, uniqueText());
        await waitForStatus(owner, id);
        await remove(owner, id);
        // Deleted and last written long ago, by the row and by the file…
        const key = (await docRow(t, id)).blob_key as BlobKey;
        const old = Date.now() - 30 * DAY;
        await t.deps.database.db.updateTable('documents').set({ updated_at: old }).where('id', '=', id).execute();
        await t.deps.blobs.withLocalFile(key, async (p) => utimesSync(p, new Date(old), new Date(old)));
        // …but a writer is about to reference it again.
        assert.equal(await t.deps.blobs.touch(key), true);
        const run = await collectGarbage(t.deps);
        assert.equal(run.documents, 1);
        assert.equal(run.collected.files, 0);
        assert.equal(run.kept, 1);
        assert.ok(await stored(t, key));
      });
    });

    test('a recurring task is claimed by one process per interval', async () => {
      const tdb = await createTestDatabase(dialect);
      try {
        const hour = 60 * 60 * 1000;
        const now = Date.now();
        const claims = await Promise.all([1, 2, 3].map(() => claimRun(tdb.database, 'test.task', hour, now)));
        assert.deepEqual(claims.sort(), [false, false, true]);
        assert.equal(await claimRun(tdb.database, 'test.task', hour, now + hour - 1), false);
        assert.equal(await claimRun(tdb.database, 'test.task', hour, now + hour), true);
        assert.equal(await claimRun(tdb.database, 'other.task', hour, now), true, 'tasks are claimed separately');
      } finally {
        await tdb.drop();
      }
    });
  });
}

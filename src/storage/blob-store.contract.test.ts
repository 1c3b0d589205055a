// The BlobStore port's behaviour, one suite run against every adapter: the local directory store and the S3 store
// (on s3rver, with its collect claims in SQLite and, when a server answers, PostgreSQL).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer, text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config.ts';
import type { Dialect } from '../db/database.ts';
import { type S3rverHandle, startS3rver } from '../testing/s3rver.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../testing/test-db.ts';
import { type BlobKey, type BlobStore, blobKey, parseBlobKey } from './blob-store.ts';
import { createDatabaseCollectClaims } from './collect-claims.ts';
import { createLocalBlobStore } from './local-blob-store.ts';
import { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.ts';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** Stores `content` under its hash in `ns`, the way uploads do (temp file, then putFile). */
async function put(store: BlobStore, content: string | Buffer, ns: 'original' | 'page' = 'original') {
  const key = blobKey(ns, sha(content));
  const tmp = store.tempPath('upload');
  writeFileSync(tmp, content);
  await store.putFile(tmp, key);
  return key;
}

const tempFiles = async (store: BlobStore) => (await store.sweepTemp(Date.now() + 60_000, { dryRun: true })).files;

interface Adapter {
  name: string;
  /** A fresh, empty store (and its S3 request log, if any). */
  open(o?: Partial<S3BlobStoreOptions>): Promise<{ store: BlobStore; requests?: string[] }>;
  close(): Promise<void>;
}

function localAdapter(): Adapter {
  const dirs: string[] = [];
  return {
    name: 'local',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'wy-contract-'));
      dirs.push(dir);
      return { store: createLocalBlobStore(dir) };
    },
    async close() {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

function s3Adapter(dialect: Dialect): Adapter {
  let server: S3rverHandle | undefined;
  let tdb: TestDatabase | undefined;
  const dirs: string[] = [];
  let n = 0;
  return {
    name: `s3 (claims in ${dialect})`,
    async open(o = {}) {
      server ??= await startS3rver();
      tdb ??= await createTestDatabase(dialect);
      const dir = mkdtempSync(join(tmpdir(), 'wy-contract-s3-'));
      dirs.push(dir);
      // A prefix per store: every test starts from an empty store on the one server.
      const url = server.url.replace('/site?', `/store-${++n}?`);
      const { s3 } = loadConfig({ ...server.env, STORAGE_URL: url, DATA_DIR: dir }).storage;
      const store = createS3BlobStore({
        s3: s3!,
        tempDir: join(dir, '.tmp'),
        claims: createDatabaseCollectClaims(tdb.database.db),
        partSize: 5 * 1024 * 1024,
        ...o,
      });
      return { store, requests: server.requests };
    },
    async close() {
      await server?.close();
      await tdb?.drop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

const adapters = [localAdapter(), ...DIALECTS.map(s3Adapter)];

for (const adapter of adapters) {
  describe(`BlobStore contract: ${adapter.name}`, () => {
    after(() => adapter.close());

    test('stores content under its hash; reads it whole and by range; stat, has, size, delete', async () => {
      const { store } = await adapter.open();
      const before = Date.now();
      const key = await put(store, '同志们：你好');
      assert.equal(await text(store.read(key)), '同志们：你好');
      assert.equal(await text(store.read(key, { start: 0, end: 2 })), '同');
      assert.equal(await text(store.read(key, { start: 3, end: 5 })), '志');
      assert.equal(await store.size(key), Buffer.byteLength('同志们：你好'));
      assert.equal(await store.has(key), true);
      const st = await store.stat(key);
      assert.equal(st?.size, Buffer.byteLength('同志们：你好'));
      assert.ok(st && st.mtimeMs >= before - 1000, 'modification time is the write');
      // The same bytes again: the temp file is discarded and the blob kept.
      await put(store, '同志们：你好');
      assert.equal(await tempFiles(store), 0);
      assert.equal(await text(store.read(key)), '同志们：你好');
      await store.delete(key);
      assert.equal(await store.has(key), false);
      assert.equal(await store.size(key), undefined);
      assert.equal(await store.stat(key), undefined);
      await store.delete(key); // missing is not an error
      await assert.rejects(text(store.read(key)), 'reading a missing blob fails');
    });

    test('keys are validated before anything reaches the store', async () => {
      const { store } = await adapter.open();
      for (const bad of ['../etc/passwd', 'original/../../x', `original/${'A'.repeat(64)}`, 'other/abc']) {
        assert.throws(() => parseBlobKey(bad));
        await assert.rejects(store.has(bad as BlobKey));
        await assert.rejects(store.collect(bad as BlobKey, Date.now()));
      }
      assert.throws(() => store.read('original/../x' as BlobKey));
    });

    test('collect keeps a blob written or touched at or after the cutoff and removes an older one', async () => {
      const { store } = await adapter.open();
      const t0 = Date.now();
      const key = await put(store, '通知');
      assert.equal(await store.collect(key, t0 - 1000), undefined, 'written after the cutoff: kept');
      await sleep(15);
      const cutoff = Date.now();
      await sleep(15);
      assert.equal(await store.touch(key), true);
      assert.equal(await store.collect(key, cutoff), undefined, 'touched after the cutoff: kept');
      assert.equal(await store.has(key), true);
      assert.equal(await store.collect(key, Date.now() + 60_000), Buffer.byteLength('通知'));
      assert.equal(await store.has(key), false);
      assert.equal(await store.touch(key), false, 'a collected blob cannot be touched back');
      assert.equal(await store.collect(key, Date.now() + 60_000), undefined, 'missing is not an error');
      // Storing the same bytes again after collection stores them anew.
      await put(store, '通知');
      assert.equal(await text(store.read(key)), '通知');
    });

    test('withLocalFile hands over a local file with the bytes and leaves no copy behind', async () => {
      const { store } = await adapter.open();
      const body = randomBytes(70_000);
      const key = await put(store, body);
      const seen = await store.withLocalFile(key, async (path) => readFileSync(path));
      assert.ok(seen.equals(body));
      const many = await Promise.all(
        Array.from({ length: 6 }, () => store.withLocalFile(key, async (p) => sha(readFileSync(p)))),
      );
      assert.deepEqual(new Set(many), new Set([sha(body)]));
      assert.equal(await tempFiles(store), 0);
      await assert.rejects(
        store.withLocalFile(blobKey('original', 'cd'.repeat(32)), async () => 1),
        'a missing blob has no local file',
      );
      assert.equal(await tempFiles(store), 0);
    });

    test('a file over 10 MB goes through (in parts on S3) and reads back identical, whole and by range', async () => {
      const { store, requests } = await adapter.open();
      const body = randomBytes(10 * 1024 * 1024 + 123_457);
      const seen = requests?.length ?? 0;
      const key = await put(store, body);
      assert.equal(await store.size(key), body.length);
      assert.equal(sha(await buffer(store.read(key))), sha(body));
      const start = body.length - 5000;
      const tail = await buffer(store.read(key, { start, end: body.length - 1 }));
      assert.ok(tail.equals(body.subarray(start)));
      if (requests) {
        const mine = requests.slice(seen).filter((r) => r.includes(key.split('/')[1]!));
        assert.ok(
          mine.some((r) => r.startsWith('POST') && r.includes('uploads')),
          'a multipart upload was started',
        );
        assert.ok(mine.filter((r) => r.startsWith('PUT') && r.includes('partNumber=')).length >= 2, 'in parts');
      }
      assert.equal(await tempFiles(store), 0);
    });

    test('list yields every blob with its size', async () => {
      const { store } = await adapter.open();
      const a = await put(store, '甲');
      const b = await put(store, '乙乙', 'page');
      const listed = [];
      for await (const item of store.list()) listed.push(item);
      assert.deepEqual(
        listed.sort((x, y) => x.key.localeCompare(y.key)),
        [
          { key: a, size: Buffer.byteLength('甲') },
          { key: b, size: Buffer.byteLength('乙乙') },
        ].sort((x, y) => x.key.localeCompare(y.key)),
      );
    });

    test('temp files stay local and only stale ones are swept', async () => {
      const { store } = await adapter.open();
      const stale = store.tempPath('upload');
      writeFileSync(stale, 'x'.repeat(100));
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      (await import('node:fs')).utimesSync(stale, old, old);
      writeFileSync(store.tempPath('upload'), 'y');
      const cutoff = Date.now() - 60 * 60 * 1000;
      assert.deepEqual(await store.sweepTemp(cutoff, { dryRun: true }), { files: 1, bytes: 100 });
      assert.deepEqual(await store.sweepTemp(cutoff), { files: 1, bytes: 100 });
      assert.equal(await tempFiles(store), 1);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`S3 store races and pre-signed URLs (claims in ${dialect})`, () => {
    const adapter = s3Adapter(dialect);
    after(() => adapter.close());
    let server: { store: BlobStore } | undefined;
    before(async () => {
      server = await adapter.open();
    });

    test('a putFile racing the collector between its last look and its delete ends with the blob stored', async () => {
      let racing: Promise<void> | undefined;
      const { store } = await adapter.open({
        beforeCollectDelete: async (key) => {
          // A writer stores the same bytes while the collector has decided: it must not lose them.
          const tmp = store.tempPath('upload');
          writeFileSync(tmp, '公告');
          racing = store.putFile(tmp, key);
          await sleep(150);
        },
      });
      const key = await put(store, '公告');
      const freed = await store.collect(key, Date.now() + 60_000);
      assert.equal(freed, Buffer.byteLength('公告'), 'the collector removed the blob it had decided on');
      await racing;
      assert.equal(await text(store.read(key)), '公告', 'the writer stored it again');
    });

    test('a touch racing the collector reports the blob gone rather than keeping a dangling reference', async () => {
      let touched: Promise<boolean> | undefined;
      const { store } = await adapter.open({
        beforeCollectDelete: async (key) => {
          touched = store.touch(key);
          await sleep(150);
        },
      });
      const key = await put(store, '决定');
      assert.equal(await store.collect(key, Date.now() + 60_000), Buffer.byteLength('决定'));
      assert.equal(await touched, false, 'the writer learns the blob is gone and refuses cleanly');
      assert.equal(await store.has(key), false);
    });

    test('a pre-signed URL downloads the bytes with the given headers', async () => {
      const { store } = server!;
      const body = randomBytes(4096);
      const key = await put(store, body);
      assert.ok(store.presignDownload);
      const url = await store.presignDownload(key, {
        contentDisposition: `attachment; filename="a.docx"; filename*=UTF-8''${encodeURIComponent('通知.docx')}`,
        contentType: 'application/octet-stream',
        expiresInSeconds: 60,
      });
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-disposition') ?? '', /filename\*=UTF-8''%E9%80%9A%E7%9F%A5\.docx/);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(body));
      const ranged = await fetch(url, { headers: { range: 'bytes=10-19' } });
      assert.equal(ranged.status, 206);
      assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(body.subarray(10, 20)));
      const unsigned = new URL(url);
      unsigned.searchParams.set(
        'X-Amz-Credential',
        unsigned.searchParams.get('X-Amz-Credential')!.replace('S3RVER', 'NOBODY'),
      );
      assert.equal((await fetch(unsigned)).status, 403, 'an unknown access key is refused');
    });
  });
}

// `wenyuan migrate`: a seeded site on the embedded default (SQLite + local files) moved to PostgreSQL + S3
// (s3rver), interrupted twice and resumed, then compared row by row, blob by blob, and served from the target.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSite } from '../../cli/open-site.ts';
import { blobKey } from '../../storage/blob-store.ts';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { insertTestDocument } from '../../testing/credits.ts';
import { type S3rverHandle, startS3rver } from '../../testing/s3rver.ts';
import { FREE, PAID, runCli, sha } from '../../testing/site-cli.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-db.ts';
import { insertUser } from '../../testing/users.ts';
import { grantCredits } from '../credits/grants.ts';
import { purchaseDocument } from '../credits/purchases.ts';
import { verifyLedger } from '../credits/verify.ts';
import { OperationError, PERSISTED_SECRETS } from './backup.ts';
import { siteFacts } from './facts.ts';
import { copySecrets, type MigrationStep, migrateSite } from './site-migration.ts';
import { countRows } from './table-copy.ts';

if (DIALECTS.includes('postgres')) {
  describe('wenyuan migrate: SQLite + local files → PostgreSQL + S3', () => {
    let s3: S3rverHandle;
    const cleanup: (() => Promise<void>)[] = [];
    const tempDir = (prefix: string) => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
      return dir;
    };
    const sqliteDb = async () => {
      const tdb = await createTestDatabase('sqlite');
      cleanup.push(() => tdb.drop());
      return tdb;
    };
    const openApp = (dialect: 'sqlite' | 'postgres', url: string, dataDir: string, env: Record<string, string> = {}) =>
      createTestApp(dialect, { existing: { databaseUrl: url, dataDir }, env });

    before(async () => {
      s3 = await startS3rver({ prefix: 'migrated' });
    });
    after(async () => {
      for (const c of cleanup.reverse()) await c();
      await s3.close();
    });

    test('a seeded site moves whole, resumes after interruptions, and the target serves it', async () => {
      // The source: an upload converted by the pipeline, two paid documents bought, comments and a reply.
      const srcDb = await sqliteDb();
      const srcDir = tempDir('wy-src-');
      const site: TestApp = await openApp('sqlite', srcDb.url, srcDir);
      let siteOpen = true;
      const stopSite = async () => {
        if (siteOpen) await site.close();
        siteOpen = false;
      };
      cleanup.push(stopSite);
      const writer = new TestClient(site.app);
      await writer.register('mg-writer@example.com', '迁移写手');
      const up = await writer.upload(FREE, { title: '测试文案', category: '1', description: '', price: '0' });
      const freeId = (up.json() as { id: number }).id;
      assert.deepEqual(await waitForStatus(writer, freeId, 180_000), { status: 'published', reason: null });
      const idOf = async (name: string) =>
        Number(
          (
            await site.deps.database.db
              .selectFrom('users')
              .select('id')
              .where('display_name', '=', name)
              .executeTakeFirstOrThrow()
          ).id,
        );
      const writerId = await idOf('迁移写手');
      const paid: number[] = [];
      for (const file of PAID) {
        const key = blobKey('original', sha(readFileSync(file)));
        const tmp = site.deps.blobs.tempPath('seed');
        writeFileSync(tmp, readFileSync(file));
        await site.deps.blobs.putFile(tmp, key);
        paid.push(await insertTestDocument(site.deps.database, writerId, { price: 40, blobKey: key }));
      }
      const buyer = new TestClient(site.app);
      await buyer.register('mg-buyer@example.com', '迁移买家', 'buyer password 1');
      const buyerId = await idOf('迁移买家');
      await grantCredits(site.deps, undefined, { userId: buyerId, amount: 100, reason: '迁移测试' });
      for (const id of paid) await purchaseDocument(site.deps, { id: buyerId }, id, { acceptTerms: true });
      const comment = async (c: TestClient, fields: Record<string, string>) => {
        const res = await c.postForm(`/d/${freeId}/comments`, fields, {
          csrf: await c.csrf(`/d/${freeId}/comments`),
          headers: { accept: 'application/json' },
        });
        assert.equal(res.statusCode, 201, res.body);
        return (res.json() as { id: number }).id;
      };
      const first = await comment(buyer, { body: '写得很规范，收藏了' });
      await comment(writer, { body: '谢谢支持', replyTo: String(first) });
      const download = async (client: TestClient, id: number) => {
        const dl = await client.get(`/d/${id}/download`);
        assert.equal(dl.statusCode, 303, `download of ${id}`);
        const file = await client.get(dl.headers.location as string);
        assert.equal(file.statusCode, 200);
        return sha(file.rawPayload);
      };
      const bytesBefore: string[] = [];
      for (const id of [freeId, ...paid]) bytesBefore.push(await download(buyer, id));
      const pageBefore = await buyer.get(`/d/${freeId}`);
      assert.equal(pageBefore.statusCode, 200);
      const factsBefore = (await siteFacts(site.deps)).facts;
      const keysBefore: string[] = [];
      for await (const b of site.deps.blobs.list()) keysBefore.push(b.key);
      keysBefore.sort();
      assert.ok(keysBefore.length >= 3);
      await stopSite(); // the site is stopped for its move

      // The target: an empty PostgreSQL database, a bucket prefix and a new DATA_DIR.
      const target: TestDatabase = await createTestDatabase('postgres', { migrate: false });
      cleanup.push(() => target.drop());
      await target.database.close();
      const toDir = tempDir('wy-target-');
      const srcEnv = { DATA_DIR: srcDir, DATABASE_URL: srcDb.url, LOG_LEVEL: 'silent' };
      const args = ['--to-database', target.url, '--to-storage', s3.url, '--to-data-dir', toDir];
      const targetEnv = { ...process.env, ...s3.env, DATABASE_URL: target.url, DATA_DIR: toDir, LOG_LEVEL: 'silent' };
      // The CLI's source is the configured site (SQLite, local files); the credentials are for the target's bucket.
      const { STORAGE_URL: _target, ...creds } = s3.env;

      // Interrupted twice in this process: mid-table (one row per batch), then mid-blobs.
      const interrupted = async (at: (step: MigrationStep) => boolean, batch = 500) => {
        const source = await openSite({ ...process.env, ...srcEnv });
        copySecrets(srcDir, toDir); // as the CLI does before it opens the target
        const dest = await openSite(targetEnv);
        const abort = new AbortController();
        try {
          await assert.rejects(
            migrateSite(source.deps, dest.deps, {
              batch,
              toDataDir: toDir,
              signal: abort.signal,
              onStep: (s) => {
                if (at(s)) abort.abort();
              },
            }),
            (err: Error) => err.name === 'AbortError',
          );
        } finally {
          await dest.close();
          await source.close();
        }
      };
      // Mid-ledger: the run stops after the first entry row (one row per batch).
      await interrupted((s) => s.kind === 'rows' && s.table === 'ledger_entries', 1);
      const entriesMidway = await (async () => {
        const dest = await openSite(targetEnv, { migrate: false });
        try {
          return await countRows(dest.deps.database, 'ledger_entries');
        } finally {
          await dest.close();
        }
      })();
      assert.equal(entriesMidway, 1, 'the first run stopped inside the ledger');
      await interrupted((s) => s.kind === 'blob');

      // A different site may not write into this target (it is not its run).
      const otherDb = await sqliteDb();
      const other = await runCli(['migrate', ...args.slice(0, 4)], {
        ...creds,
        DATA_DIR: tempDir('wy-other-'),
        DATABASE_URL: otherDb.url,
      });
      assert.equal(other.code, 1);
      assert.match(other.stderr, /another site/);

      // Run again, as an operator would: it resumes and finishes.
      const done = await runCli(['migrate', ...args], { ...creds, ...srcEnv });
      assert.equal(done.code, 0, done.stderr);
      const summary = JSON.parse(done.stdout) as {
        resumed: boolean;
        blobs: { copied: number; present: number };
        facts: typeof factsBefore;
        indexed: number;
      };
      assert.equal(summary.resumed, true);
      assert.ok(summary.blobs.present >= 1, 'blobs copied before the interruption are not sent again');
      assert.equal(summary.blobs.present + summary.blobs.copied, keysBefore.length);
      assert.deepEqual(summary.facts, factsBefore);
      assert.ok(summary.indexed >= 3);

      // Compared independently of the command's own verification.
      const src = await openSite({ ...process.env, ...srcEnv });
      const dst = await openSite(targetEnv);
      cleanup.push(() => src.close());
      try {
        const tables = (
          await dst.deps.database.db
            .selectFrom('information_schema.tables' as never)
            .select('table_name' as never)
            .where('table_schema' as never, '=', 'public' as never)
            .execute()
        ).map((r) => (r as { table_name: string }).table_name);
        for (const table of tables) {
          if (/^(kysely_|search_docs|blob_claims|site_migration)/.test(table)) continue;
          assert.equal(
            await countRows(dst.deps.database, table),
            await countRows(src.deps.database, table),
            `rows of ${table}`,
          );
        }
        const keysAfter: string[] = [];
        for await (const b of dst.deps.blobs.list()) {
          let hash = createHash('sha256');
          for await (const chunk of dst.deps.blobs.read(b.key)) hash = hash.update(chunk as Buffer);
          assert.equal(hash.digest('hex'), b.key.split('/')[1], `checksum of ${b.key}`);
          keysAfter.push(b.key);
        }
        assert.deepEqual(keysAfter.sort(), keysBefore, 'the same blobs, each once');
        assert.ok((await verifyLedger(dst.deps)).ok);
        // A second run over a finished target re-verifies and changes nothing.
        const again = await migrateSite(src.deps, dst.deps);
        assert.equal(again.blobs.copied, 0);
        assert.deepEqual(again.facts, factsBefore);
      } finally {
        await dst.close();
      }

      // The target's DATA_DIR holds the site's generated keys (the PII keys open its sealed data).
      for (const name of PERSISTED_SECRETS)
        assert.deepEqual(readFileSync(join(toDir, name)), readFileSync(join(srcDir, name)), name);

      // The site started on the target: same page, same bytes, the buyer's password, search, new rows.
      const moved = await openApp('postgres', target.url, toDir, s3.env);
      cleanup.push(() => moved.close());
      const again = new TestClient(moved.app);
      const login = await again.postForm(
        '/login',
        { identifier: 'mg-buyer@example.com', password: 'buyer password 1' },
        { csrf: await again.csrf('/login') },
      );
      assert.equal(login.statusCode, 303, 'the buyer logs in with the same password');
      const page = await again.get(`/d/${freeId}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /测试文案/);
      assert.match(page.body, /写得很规范/);
      const bytesAfter: string[] = [];
      for (const id of [freeId, ...paid]) bytesAfter.push(await download(again, id));
      assert.deepEqual(bytesAfter, bytesBefore, 'byte-identical downloads, bought documents included');
      const found = await again.get(`/api/search?q=${encodeURIComponent('测试文案')}`);
      assert.equal(found.statusCode, 200);
      assert.ok(
        (found.json() as { hits?: { id: number }[] }).hits?.some((r) => r.id === freeId),
        found.body,
      );
      // Sequences continue after the copied ids: a new account and a new purchase go through.
      const newcomer = new TestClient(moved.app);
      assert.equal((await newcomer.register('mg-new@example.com', '新来的')).statusCode, 303);
      const newId = Number(
        (
          await moved.deps.database.db
            .selectFrom('users')
            .select('id')
            .where('display_name', '=', '新来的')
            .executeTakeFirstOrThrow()
        ).id,
      );
      assert.ok(newId > buyerId);
      const third = await insertTestDocument(moved.deps.database, writerId, { price: 10, blobKey: keysBefore[0] });
      await purchaseDocument(moved.deps, { id: buyerId }, third, { acceptTerms: true });
      assert.ok((await verifyLedger(moved.deps)).ok);
    });

    test('refuses a target that holds another site', async () => {
      const source = await sqliteDb();
      const srcDir = tempDir('wy-src-');
      const used = await createTestDatabase('postgres');
      cleanup.push(() => used.drop());
      await insertUser(used.database.db, { email: 'someone@example.com', display_name: '已有用户' });
      const from = await openSite({ ...process.env, DATA_DIR: srcDir, DATABASE_URL: source.url, LOG_LEVEL: 'silent' });
      const to = await openSite({ ...process.env, ...s3.env, DATABASE_URL: used.url, DATA_DIR: srcDir });
      try {
        await assert.rejects(
          migrateSite(from.deps, to.deps),
          (err: Error) => err instanceof OperationError && /not empty/.test(err.message),
        );
        assert.equal(await countRows(to.deps.database, 'users'), 1, 'nothing touched');
      } finally {
        await to.close();
        await from.close();
      }
    });
  });
}

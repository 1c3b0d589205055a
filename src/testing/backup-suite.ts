// The backup → wipe → restore suite behind backup.test.ts (SQLite + local files) and backup-postgres.test.ts
// (PostgreSQL + s3rver): `wenyuan backup` / `wenyuan restore` as an operator runs them (the CLI in its own process,
// beside a running site).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resetPostgres, sqlitePath } from '../db/snapshot.ts';
import { siteFacts } from '../features/backup/facts.ts';
import { grantCredits } from '../features/credits/grants.ts';
import { purchaseDocument } from '../features/credits/purchases.ts';
import { balanceOf } from '../features/credits/repo.ts';
import { verifyLedger } from '../features/credits/verify.ts';
import { blobKey } from '../storage/blob-store.ts';
import { TestClient, waitForStatus } from './client.ts';
import { insertTestDocument, insertTestUser } from './credits.ts';
import { type S3rverHandle, startS3rver } from './s3rver.ts';
import { FREE, PAID, runCli, sha } from './site-cli.ts';
import { createTestApp, type TestApp } from './test-app.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

/** One site's places: its database, DATA_DIR and store (a prefix of the shared s3rver, or DATA_DIR/blobs). */
interface Site {
  url: string;
  dataDir: string;
  env: Record<string, string>;
  tdb: TestDatabase;
}

/**
 * The backup → wipe → restore suite for one deployment (SQLite + local files, or PostgreSQL + s3rver). Each
 * deployment runs from its own test file (backup*.test.ts), so each gets its own time limit and they run side by side.
 */
export function backupSuite(dialect: 'sqlite' | 'postgres', onS3: boolean): void {
  describe(`backup and restore (${dialect} + ${onS3 ? 'S3' : 'local files'})`, () => {
    let s3: S3rverHandle | undefined;
    const cleanup: (() => Promise<void>)[] = [];
    let n = 0;

    /** A new, empty site: fresh database, DATA_DIR and store prefix. */
    async function newSite(): Promise<Site> {
      const tdb = await createTestDatabase(dialect);
      const dataDir = mkdtempSync(join(tmpdir(), 'wy-site-'));
      cleanup.push(async () => {
        await tdb.drop();
        rmSync(dataDir, { recursive: true, force: true });
      });
      const store = s3 ? { ...s3.env, STORAGE_URL: s3.url.replace('/site?', `/site-${++n}?`) } : {};
      return { url: tdb.url, dataDir, tdb, env: { DATA_DIR: dataDir, DATABASE_URL: tdb.url, ...store } };
    }

    /** The app over a site (the test database handle is closed first: the app opens its own). */
    async function openApp(site: Site): Promise<TestApp> {
      const { DATA_DIR: _d, DATABASE_URL: _u, ...env } = site.env;
      return createTestApp(dialect, { existing: { databaseUrl: site.url, dataDir: site.dataDir }, env });
    }

    const backupDir = () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'wy-backup-')), 'backup');
      cleanup.push(async () => rmSync(join(dir, '..'), { recursive: true, force: true }));
      return dir;
    };

    before(async () => {
      if (onS3) s3 = await startS3rver();
    });
    after(async () => {
      for (const c of cleanup.reverse()) await c();
      await s3?.close();
    });

    test('a seeded site → backup → wipe → restore serves the same documents, accounts and ledger', async () => {
      const site = await newSite();
      let t = await openApp(site);
      // Seed: an uploaded, converted document; two paid ones with real files; a buyer who buys both.
      const writer = new TestClient(t.app);
      await writer.register('bk-writer@example.com', '写手');
      const up = await writer.upload(FREE, { title: '测试文案', category: '1', description: '', price: '0' });
      const freeId = (up.json() as { id: number }).id;
      assert.deepEqual(await waitForStatus(writer, freeId, 60_000), { status: 'published', reason: null });
      const writerId = Number(
        (
          await t.deps.database.db
            .selectFrom('users')
            .select('id')
            .where('display_name', '=', '写手')
            .executeTakeFirstOrThrow()
        ).id,
      );
      const paid: number[] = [];
      for (const file of PAID) {
        const key = blobKey('original', sha(readFileSync(file)));
        const tmp = t.deps.blobs.tempPath('seed');
        writeFileSync(tmp, readFileSync(file));
        await t.deps.blobs.putFile(tmp, key);
        paid.push(await insertTestDocument(t.deps.database, writerId, { price: 40, blobKey: key }));
      }
      const buyer = new TestClient(t.app);
      await buyer.register('bk-buyer@example.com', '买家', 'buyer password 1');
      const buyerId = Number(
        (
          await t.deps.database.db
            .selectFrom('users')
            .select('id')
            .where('display_name', '=', '买家')
            .executeTakeFirstOrThrow()
        ).id,
      );
      await grantCredits(t.deps, undefined, { userId: buyerId, amount: 100, reason: '备份测试' });
      for (const id of paid) await purchaseDocument(t.deps, { id: buyerId }, id, { acceptTerms: true });
      const download = async (client: TestClient, id: number) => {
        const dl = await client.get(`/d/${id}/download`);
        assert.equal(dl.statusCode, 303, `download of ${id}`);
        const file = await client.get(dl.headers.location as string);
        assert.equal(file.statusCode, 200);
        return sha(file.rawPayload);
      };
      const bytesBefore = [];
      for (const id of [freeId, ...paid]) bytesBefore.push(await download(buyer, id));
      const factsBefore = (await siteFacts(t.deps)).facts;
      assert.ok(factsBefore.ledger.ok);
      const rows = async (app: TestApp) => ({
        users: await app.deps.database.db
          .selectFrom('users')
          .select(['id', 'email', 'display_name', 'password_hash', 'role'])
          .orderBy('id')
          .execute(),
        documents: await app.deps.database.db
          .selectFrom('documents')
          .select(['id', 'title', 'status', 'blob_key', 'price'])
          .orderBy('id')
          .execute(),
        // Balances as the ledger defines them (a hot account's row plus its unsettled credits).
        balances: await Promise.all(
          (await app.deps.database.db.selectFrom('ledger_accounts').select('code').orderBy('code').execute()).map(
            async (a) => [a.code, await balanceOf(app.deps.database.db, a.code)],
          ),
        ),
      });
      const rowsBefore = await rows(t);

      // Backup while the site runs (the CLI in another process).
      const dir = backupDir();
      const made = await runCli(['backup', dir], site.env);
      assert.equal(made.code, 0, made.stderr);
      const summary = JSON.parse(made.stdout) as { blobs: { files: number }; facts: typeof factsBefore };
      assert.deepEqual(summary.facts, factsBefore, 'the backup holds what the site had');
      assert.equal(summary.blobs.files, 3);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { blobs: { key: string }[] };
      for (const b of manifest.blobs) assert.ok(statSync(join(dir, 'blobs', b.key)).isFile());
      assert.equal(statSync(dir).mode & 0o777, 0o700, 'the backup holds keys: owner only');
      assert.equal((await runCli(['backup', dir], site.env)).code, 1, 'never into a non-empty directory');

      // Restore refuses a target that holds a site.
      const refused = await runCli(['restore', dir], site.env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /not empty.*--force/);

      // Wipe: the database, the store and DATA_DIR's generated keys.
      for await (const b of t.deps.blobs.list()) await t.deps.blobs.delete(b.key);
      await t.close();
      if (dialect === 'sqlite') {
        const path = sqlitePath(site.url);
        for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
      } else await resetPostgres(site.url);
      for (const name of readdirSync(site.dataDir)) rmSync(join(site.dataDir, name), { recursive: true, force: true });

      const restored = await runCli(['restore', dir], site.env);
      assert.equal(restored.code, 0, restored.stderr);
      assert.equal((JSON.parse(restored.stdout) as { blobs: { stored: number } }).blobs.stored, 3);

      t = await openApp(site);
      cleanup.push(() => t.close());
      assert.deepEqual((await siteFacts(t.deps)).facts, factsBefore);
      assert.deepEqual(await rows(t), rowsBefore, 'same accounts, documents and balances');
      const again = new TestClient(t.app);
      const csrf = await again.csrf('/login');
      const login = await again.postForm(
        '/login',
        { identifier: 'bk-buyer@example.com', password: 'buyer password 1' },
        { csrf },
      );
      assert.equal(login.statusCode, 303, 'the buyer logs in with the same password');
      const page = await again.get(`/d/${freeId}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /测试文案/);
      const bytesAfter = [];
      for (const id of [freeId, ...paid]) bytesAfter.push(await download(again, id));
      assert.deepEqual(bytesAfter, bytesBefore, 'byte-identical downloads, bought documents included');
      assert.ok((await verifyLedger(t.deps)).ok);
    });

    test('a backup taken while purchases run restores to a consistent ledger', async () => {
      const site = await newSite();
      const t = await openApp(site);
      cleanup.push(() => t.close());
      const { database } = t.deps;
      const seller = await insertTestUser(database, '卖家');
      const file = readFileSync(PAID[0]!);
      const key = blobKey('original', sha(file));
      const tmp = t.deps.blobs.tempPath('seed');
      writeFileSync(tmp, file);
      await t.deps.blobs.putFile(tmp, key);
      const buyers: number[] = [];
      for (let i = 0; i < 4; i++) {
        const b = await insertTestUser(database, `买家${i}`);
        await grantCredits(t.deps, undefined, { userId: b, amount: 100_000, reason: '备份测试' });
        buyers.push(b);
      }
      // Purchases run in this process, each of a new document, until the backup (another process) has finished.
      let backupDone = false;
      let bought = 0;
      const buying = Promise.all(
        buyers.map(async (b) => {
          // Paced (and bounded by the buyers' credits): a steady stream the backup must cut through, not a flood
          // that starves the CLI on a shared machine.
          while (!backupDone) {
            const d = await insertTestDocument(database, seller, { price: 10, blobKey: key });
            await purchaseDocument(t.deps, { id: b }, d, { acceptTerms: true });
            bought++;
            await new Promise((r) => setTimeout(r, 20));
          }
        }),
      );
      let failed: unknown;
      buying.catch((err) => {
        failed = err;
      });
      while (bought < 20 && !failed) await new Promise((r) => setTimeout(r, 5));
      assert.equal(failed, undefined);
      const boughtAtStart = bought;
      const dir = backupDir();
      const made = await runCli(['backup', dir], site.env);
      backupDone = true;
      await buying;
      assert.equal(made.code, 0, made.stderr);
      const boughtAtEnd = bought;
      const facts = (JSON.parse(made.stdout) as { facts: { counts: Record<string, number>; ledger: { ok: boolean } } })
        .facts;
      assert.ok(facts.ledger.ok, 'ledger verify passed on the copy');
      const inCopy = facts.counts.purchases!;
      // Purchases went on until the CLI exited, well after its snapshot: the copy caught them mid-flight.
      assert.ok(inCopy >= boughtAtStart && inCopy < boughtAtEnd, `${boughtAtStart} ≤ ${inCopy} < ${boughtAtEnd}`);
      assert.ok((await verifyLedger(t.deps)).ok, 'the live ledger too');

      // Restored elsewhere (a fresh database, DATA_DIR and store): the same consistent ledger.
      const target = await newSite();
      const restored = await runCli(['restore', dir], target.env);
      assert.equal(restored.code, 0, restored.stderr);
      const r = await openApp(target);
      cleanup.push(() => r.close());
      const report = await verifyLedger(r.deps);
      assert.ok(report.ok, JSON.stringify(report));
      assert.equal((await siteFacts(r.deps)).facts.counts.purchases, inCopy);
      assert.equal(await r.deps.blobs.size(key), file.length);
    });
  });
}

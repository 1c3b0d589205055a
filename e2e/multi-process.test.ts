// Many processes, proved (issue #14): 2 web and 2 worker processes (`tsx src/main.ts --role=…`) on one fresh
// PostgreSQL database, one s3rver bucket and Redis (when it answers). 100 real corpus documents are uploaded over
// both web processes; one worker is killed with SIGKILL while it holds a conversion, whose lease then expires and
// the other worker takes it over; a replacement worker starts; 1 000 purchases (200 in flight) go over both web
// processes while two workers settle the hot accounts. Then: every document converted exactly once (one text, one
// index row, one published state, one first-upload reward per uploader), `wenyuan ledger verify` passes, balances
// exact and never negative, every download byte-identical to its upload, no orphan object in the bucket, and both
// web processes served requests. PostgreSQL only (SQLite is one machine's database): registered when it answers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { buildDeps } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import { startSession } from '../src/features/accounts/service.ts';
import { grantCredits } from '../src/features/credits/grants.ts';
import { ACCOUNTS } from '../src/features/credits/ledger.ts';
import { platformShare } from '../src/features/credits/purchases.ts';
import { corpusFiles, pool, Session } from '../src/testing/multi-process.ts';
import { type ServerProcess, spawnServer } from '../src/testing/process.ts';
import { deleteRedisPrefix, testRedisUrl, uniqueRedisPrefix } from '../src/testing/redis.ts';
import { type S3rverHandle, startS3rver } from '../src/testing/s3rver.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../src/testing/test-db.ts';
import { insertUser } from '../src/testing/users.ts';

const UPLOADERS = 4;
const BUYERS = 100;
const PER_BUYER = 10;
const GRANT = 1000;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const PG_AVAILABLE = DIALECTS.includes('postgres');

if (PG_AVAILABLE) {
  let tdb: TestDatabase;
  let db: Database;
  let s3: S3rverHandle;
  let redisUrl: string | undefined;
  const redisPrefix = uniqueRedisPrefix();
  const dirs: string[] = [];
  const procs: ServerProcess[] = [];
  let env: Record<string, string>;
  /** Stops the watcher that kills a worker (a failed test must not leave it querying a dropped database). */
  let stopWatching = async () => {};

  const spawn = async (role: 'web' | 'worker') => {
    const dataDir = mkdtempSync(join(tmpdir(), `wy-mp-${role}-`));
    dirs.push(dataDir);
    const p = await spawnServer({ ...env, DATA_DIR: dataDir }, [`--role=${role}`]);
    procs.push(p);
    return p;
  };

  before(async () => {
    tdb = await createTestDatabase('postgres');
    db = tdb.database;
    s3 = await startS3rver({ prefix: 'mp' });
    redisUrl = await testRedisUrl();
    const key = () => randomBytes(32).toString('base64');
    env = {
      DATABASE_URL: tdb.url,
      ...s3.env,
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix } : {}),
      // Separate machines share no DATA_DIR: the secrets every process must agree on come from the environment.
      DOWNLOAD_URL_SECRET: randomBytes(32).toString('base64url'),
      PII_ENCRYPTION_KEY: key(),
      PII_LOOKUP_KEY: key(),
      JOB_LEASE_MS: '1500',
      JOB_POLL_MS: '100',
      JOB_CONCURRENCY: '2',
      JOB_BACKOFF_MS: '100',
      PAGE_IMAGES: 'false',
      LOG_ACCESS: 'false',
      LOG_LEVEL: 'warn',
    };
  });

  after(async () => {
    await stopWatching();
    for (const p of procs) await p.kill('SIGTERM');
    await tdb?.drop();
    await s3?.close();
    if (redisUrl) await deleteRedisPrefix(redisUrl, redisPrefix);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  // Its own ceiling: on a loaded 2-core machine the whole run has taken a little over 3 minutes.
  test('2 web + 2 worker processes: uploads, a worker killed mid-conversion, 1 000 purchases — all exact', {
    timeout: 600_000,
  }, async () => {
    const started = Date.now();
    const webs = [await spawn('web'), await spawn('web')];
    const workers = [await spawn('worker'), await spawn('worker')];
    const served = [0, 0];
    const config = loadConfig({ DATABASE_URL: tdb.url, DATA_DIR: dirs[0]!, LOG_LEVEL: 'silent' });
    const sessionDeps = { database: db, config };
    const newUser = async (name: string, seller: boolean) => {
      const id = await insertUser(db.db, {
        display_name: name,
        real_name_verified: seller ? 1 : 0,
        contact_verified_at: Date.now(),
      });
      const { token } = await startSession(sessionDeps, id, { ip: '127.0.0.1', userAgent: 'multi-process test' });
      return { id, session: new Session(token) };
    };

    // 1. Uploads: 4 sellers, 100 real files, alternating web processes, 8 at a time.
    const files = corpusFiles();
    assert.equal(files.length, 100);
    const sellers = await Promise.all(Array.from({ length: UPLOADERS }, (_, i) => newUser(`卖家${i}`, true)));
    const uploaded: { id: number; sha: string; price: number; owner: number; marked: boolean }[] = [];

    // The kill: SIGKILL worker 0 the moment it holds a running conversion.
    const victim = workers[0]!;
    let killedJob: number | undefined;
    let watching = true;
    const watcher = (async () => {
      while (watching && killedJob === undefined) {
        const row = await db.db
          .selectFrom('jobs')
          .select(['id', 'locked_by'])
          .where('name', '=', 'document.convert')
          .where('status', '=', 'running')
          .where('locked_by', 'like', `%:${victim.child.pid}:%`)
          .executeTakeFirst();
        if (row) {
          await victim.kill('SIGKILL');
          killedJob = Number(row.id);
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    stopWatching = async () => {
      watching = false;
      await watcher.catch(() => {});
    };
    // One CSRF token per user before anything runs in parallel (each page fetch may set a new secret cookie).
    for (const s of sellers) await s.session.csrf(webs[0]!.url);
    await pool(files, 8, async (path, i) => {
      const seller = sellers[i % UPLOADERS]!;
      const web = i % 2;
      const base = webs[web]!.url;
      const csrf = await seller.session.csrf(base);
      const bytes = readFileSync(path);
      const price = 1 + (i % 20);
      const form = new FormData();
      form.set('title', `多进程测试 ${i} ${basename(path).slice(0, 40)}`);
      form.set('category', '1');
      form.set('price', String(price));
      form.set('file', new Blob([bytes]), basename(path));
      const res = await seller.session.fetch(base, `/upload?_csrf=${encodeURIComponent(csrf)}`, {
        method: 'POST',
        body: form,
        headers: { accept: 'application/json' },
      });
      assert.equal(res.status, 201, `upload ${basename(path)}: ${res.status} ${await res.clone().text()}`);
      served[web]!++;
      uploaded.push({
        id: ((await res.json()) as { id: number }).id,
        sha: sha256(bytes),
        price,
        owner: seller.id,
        // A buyer's docx or PDF carries a per-buyer mark (decision 0019); other formats go out as uploaded.
        marked: /\.(docx|pdf)$/i.test(path),
      });
    });

    // 2. Every document converts; the killed worker's job is taken over after its lease expires.
    const until = Date.now() + 150_000;
    for (;;) {
      const rows = await db.db.selectFrom('documents').select(['title', 'status', 'reject_code']).execute();
      const pending = rows.filter((r) => !['published', 'rejected', 'review'].includes(r.status));
      if (pending.length === 0 && killedJob !== undefined) {
        const bad = rows.filter((r) => r.status !== 'published');
        assert.deepEqual(bad, [], 'every upload published');
        break;
      }
      assert.ok(Date.now() < until, `conversions finish (${pending.length} pending, killed ${killedJob})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    watching = false;
    await watcher;
    assert.ok(killedJob !== undefined, 'a worker was killed holding a conversion');
    const taken = await db.db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('id', '=', killedJob)
      .executeTakeFirstOrThrow();
    assert.equal(taken.status, 'done');
    assert.ok(taken.attempts >= 2, `the killed job ran again (attempts ${taken.attempts})`);
    const converted = Date.now();
    // A replacement worker: the purchases below are settled by two workers at once.
    workers.push(await spawn('worker'));

    // 3. 1 000 purchases, 200 at a time, over both web processes: 100 buyers × 10 documents each.
    const buyers = await Promise.all(Array.from({ length: BUYERS }, (_, i) => newUser(`买家${i}`, false)));
    for (const b of buyers)
      await grantCredits({ database: db }, undefined, { userId: b.id, amount: GRANT, reason: 'multi-process test' });
    const orders = buyers.flatMap((b, i) =>
      Array.from({ length: PER_BUYER }, (_, k) => ({ buyer: b, doc: uploaded[(i * 7 + k * 13) % uploaded.length]! })),
    );
    for (const b of buyers) await b.session.csrf(webs[0]!.url);
    // 200 in flight at once (1 000 sockets at once mostly measures the load generator's connect timeouts).
    await pool(orders, 200, async ({ buyer, doc }, n) => {
      const web = n % 2;
      const res = await buyer.session.fetch(webs[web]!.url, `/d/${doc.id}/buy`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ _csrf: await buyer.session.csrf(webs[0]!.url), acceptTerms: '1' }).toString(),
      });
      assert.equal(res.status, 200, `purchase: ${res.status} ${await res.clone().text()}`);
      await res.arrayBuffer();
      served[web]!++;
    });
    const purchased = Date.now();

    // 4. The settle loops drain the hot accounts; `wenyuan ledger verify` passes.
    const settleUntil = Date.now() + 30_000;
    while (
      Number(
        (await db.db.selectFrom('ledger_unsettled').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n,
      ) > 0
    ) {
      assert.ok(Date.now() < settleUntil, 'unsettled credits drained');
      await new Promise((r) => setTimeout(r, 100));
    }
    const verify = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'ledger', 'verify'], {
      env: { ...process.env, ...env, DATA_DIR: dirs[0]!, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    assert.match(verify, /ledger verify: OK/);

    // Balances exact and never negative.
    const balance = async (code: string) =>
      Number(
        (await db.db.selectFrom('ledger_accounts').select('balance').where('code', '=', code).executeTakeFirst())
          ?.balance ?? 0,
      );
    const share = config.credits.platformSharePercent;
    for (const [i, b] of buyers.entries()) {
      const spent = orders.filter((o) => o.buyer === b).reduce((s, o) => s + o.doc.price, 0);
      assert.equal(await balance(ACCOUNTS.wallet(b.id)), GRANT - spent, `buyer ${i}'s wallet`);
    }
    let platform = 0;
    for (const s of sellers) {
      const sales = orders.filter((o) => o.doc.owner === s.id);
      const net = sales.reduce((sum, o) => sum + o.doc.price - platformShare(o.doc.price, share), 0);
      platform += sales.reduce((sum, o) => sum + platformShare(o.doc.price, share), 0);
      assert.equal(await balance(ACCOUNTS.earnings(s.id)), net, "a seller's earnings");
    }
    assert.equal(await balance(ACCOUNTS.platform), platform, 'platform revenue');
    const negative = await db.db
      .selectFrom('ledger_accounts')
      .select('code')
      .where('balance', '<', 0)
      .where('code', 'not like', 'system:%')
      .execute();
    assert.deepEqual(negative, []);
    const purchases = await db.db
      .selectFrom('purchases')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(purchases.n), BUYERS * PER_BUYER);

    // 5. Exactly once: one text, one index row, one published state per document; one reward per seller.
    const count = async (q: Promise<{ n: unknown } | undefined>) => Number((await q)?.n ?? -1);
    const ids = uploaded.map((u) => u.id);
    assert.equal(
      await count(
        db.db
          .selectFrom('document_texts')
          .select(sql<number>`count(*)`.as('n'))
          .where('document_id', 'in', ids)
          .executeTakeFirst(),
      ),
      100,
    );
    assert.equal(
      await count(sql<{ n: number }>`select count(*) as n from search_docs`.execute(db.db).then((r) => r.rows[0])),
      100,
    );
    const convertJobs = await db.db
      .selectFrom('jobs')
      .select(['status'])
      .where('name', '=', 'document.convert')
      .execute();
    assert.equal(convertJobs.length, 100, 'one conversion job per document');
    assert.ok(convertJobs.every((j) => j.status === 'done'));
    const rewards = await db.db
      .selectFrom('ledger_transactions')
      .select(['user_id'])
      .where('kind', '=', 'reward')
      .execute();
    assert.deepEqual(
      rewards.map((r) => Number(r.user_id)).sort(),
      sellers.map((s) => s.id).sort(),
      'one first-upload reward per seller',
    );

    // 6. Every download intact (txt byte-identical, docx/pdf the same marked bytes from either process): the link
    // from one web process, the bytes from the other.
    await pool(uploaded, 8, async (doc, i) => {
      const buyer = orders.find((o) => o.doc === doc)?.buyer;
      assert.ok(buyer, `document ${doc.id} was bought`);
      const [from, to] = i % 2 ? [1, 0] : [0, 1];
      const link = await buyer.session.fetch(webs[from]!.url, `/d/${doc.id}/download`);
      assert.equal(link.status, 303);
      const location = link.headers.get('location') ?? '';
      assert.match(location, /^\/dl\//);
      const file = await buyer.session.fetch(webs[to]!.url, location);
      assert.equal(file.status, 200);
      const got = sha256(new Uint8Array(await file.arrayBuffer()));
      if (!doc.marked) assert.equal(got, doc.sha, `document ${doc.id} downloads intact`);
      else {
        // Marked at download time (or sent as uploaded when the marker cannot rewrite the file), deterministically:
        // the other process sends the very same bytes.
        const again = await buyer.session.fetch(webs[from]!.url, location);
        assert.equal(again.status, 200);
        assert.equal(sha256(new Uint8Array(await again.arrayBuffer())), got, `document ${doc.id}: same mark from both`);
      }
      served[from]!++;
      served[to]!++;
    });

    // 7. No orphan object: the bucket holds exactly the blobs the documents reference.
    const listing = buildDeps(
      loadConfig({ ...env, DATA_DIR: dirs[0]!, LOG_LEVEL: 'silent' }),
      pino({ level: 'silent' }),
      db,
    );
    const inBucket = new Set<string>();
    for await (const b of listing.blobs.list()) inBucket.add(b.key);
    await listing.shared.close();
    await listing.converter.close();
    const referenced = new Set<string>();
    for (const r of await db.db.selectFrom('documents').select(['blob_key', 'pdf_key']).execute()) {
      referenced.add(r.blob_key);
      if (r.pdf_key) referenced.add(r.pdf_key);
    }
    assert.deepEqual([...inBucket].sort(), [...referenced].sort());

    // 8. Both web processes served; the figures.
    assert.ok(served[0]! > 500 && served[1]! > 500, `both web processes served (${served})`);
    console.log(
      `multi-process: ${files.length} uploads converted in ${((converted - started) / 1000).toFixed(1)} s ` +
        `(worker ${victim.child.pid} killed holding job ${killedJob}, taken over after its lease), ` +
        `${orders.length} purchases in ${((purchased - converted) / 1000).toFixed(1)} s, requests per web process ${served.join('/')}, ` +
        `${inBucket.size} objects in the bucket, total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
}

/**
 * Purchases per second through the credits ledger, with 50 concurrent buyers of one seller, on SQLite and on
 * PostgreSQL.
 *
 *   npx tsx bench/purchase.ts [--buyers=50] [--docs=100] [--pg | --sqlite] [--pg-url=postgres://…] [--pool=10]
 *                             [--no-settle] [--no-warmup]
 *
 * 1. a fresh database per dialect (SQLite: a temp file with the production pragmas; Postgres: a new database on
 *    BENCH_DATABASE_URL / TEST_DATABASE_URL / the local server, skipped when none answers);
 * 2. one uploader with `--docs` paid documents, `--buyers` buyers each granted exactly enough for every document;
 *    PostgreSQL through a pool of `--pool` connections (10: the server's default); before the clock, one refused
 *    purchase per connection and 200 completed purchases of another seller's documents warm the connections and
 *    this process up (`--no-warmup` to measure a cold start);
 * 3. every buyer buys every document, one after another, all buyers at once — so at any moment most buyers buy the
 *    same document of the same seller (the service call the purchase route makes: terms, guarded debit, earnings,
 *    platform share, entitlement — one transaction each). The settle loop a worker process runs (decision 0017)
 *    runs beside them unless `--no-settle`; every 100th purchase reads the seller's 我的收益 balance and checks it
 *    never lags behind the purchases acknowledged before the read began;
 * 4. print purchases/s and p50/p95/p99 latency of all purchases, then of each buyer's first purchase (it also
 *    records the terms acceptance) and of the rest apart; the CPU this process used (the load generator and the
 *    service code share it: near 100 % of a core means the figure is this process's ceiling, not the database's)
 *    and, with PostgreSQL on this machine, its backends' CPU; the load average; and the `ledger verify` summary
 *    after the settle loop drained.
 *
 * Figures only; nothing is asserted beyond the measurement being valid (every purchase succeeded, balances seen
 * never stale, verify OK).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import type { Database, Dialect } from '../src/db/database.ts';

const { values: args } = parseArgs({
  options: {
    buyers: { type: 'string', default: '50' },
    docs: { type: 'string', default: '100' },
    'pg-url': { type: 'string' },
    pg: { type: 'boolean', default: false },
    sqlite: { type: 'boolean', default: false },
    'no-settle': { type: 'boolean', default: false },
    // The server's default pool (src/db/database.ts); the tests' helper would open 20.
    pool: { type: 'string', default: '10' },
    'no-warmup': { type: 'boolean', default: false },
  },
});
const BUYERS = Number(args.buyers);
const POOL = Number(args.pool);
const DOCS = Number(args.docs);
const PRICE = 10;
/** Completed purchases before the clock (other buyers, another seller): see the warm-up below. */
const WARM_SALES = 200;

async function postgresUrl(): Promise<string | undefined> {
  const url =
    args['pg-url'] ??
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

const pgUrl = args.sqlite ? undefined : await postgresUrl();
if (pgUrl) process.env.TEST_DATABASE_URL = pgUrl;
// Imported after TEST_DATABASE_URL is settled: the test-database helper reads it once.
const { createTestDatabase } = await import('../src/testing/test-db.ts');
const { creditsDeps, insertTestDocument, insertTestUser } = await import('../src/testing/credits.ts');
const { grantCredits } = await import('../src/features/credits/grants.ts');
const { purchaseDocument, platformShare } = await import('../src/features/credits/purchases.ts');
const { getEarnings } = await import('../src/features/credits/wallet.ts');
const { verifyLedger, formatLedgerReport } = await import('../src/features/credits/verify.ts');
const settle = await import('../src/features/credits/settle.ts').catch(() => undefined);
const pino = (await import('pino')).default;

/** CPU seconds (user + system) of this database's PostgreSQL backends, when the server runs on this machine. */
async function backendCpu(database: Database): Promise<number | undefined> {
  const rows = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(
    database.db,
  );
  let ticks = 0;
  for (const { pid } of rows.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return undefined; // not a local server (or not Linux)
    }
  }
  return ticks / 100;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function run(dialect: Dialect) {
  const tdb = await createTestDatabase(dialect, { poolSize: POOL });
  try {
    const deps = creditsDeps(tdb.database);
    const seller = await insertTestUser(tdb.database, '卖家');
    const docs: number[] = [];
    for (let i = 0; i < DOCS; i++) docs.push(await insertTestDocument(tdb.database, seller, { price: PRICE }));
    const buyers: number[] = [];
    for (let i = 0; i < BUYERS; i++) {
      const id = await insertTestUser(tdb.database, `买家${i}`);
      await grantCredits(deps, undefined, { userId: id, amount: PRICE * DOCS, reason: 'bench' });
      buyers.push(id);
    }
    const total = BUYERS * DOCS;
    const net = PRICE - platformShare(PRICE, deps.config.credits.platformSharePercent);
    const settler = args['no-settle'] ? undefined : settle?.startSettling(deps, pino({ level: 'silent' }));
    const loadBefore = load();
    // Each buyer's first purchase apart: it also records the terms acceptance (and, without the warm-up, creates the
    // seller's and the platform's accounts on connections that have not run these statements yet).
    const first: number[] = [];
    const latencies: number[] = [];
    let failures = 0;
    let acknowledged = 0;
    // The seller's view while the sale runs: 我的收益 must show at least every purchase acknowledged before the read.
    // Started from the buying loops every 100th purchase (a timer would starve on SQLite, whose calls never yield).
    const reads: { lagged: number; n: number; maxMs: number } = { lagged: 0, n: 0, maxMs: 0 };
    const pendingReads: Promise<void>[] = [];
    const read = async () => {
      const floor = acknowledged * net;
      const t0 = performance.now();
      const { balance } = await getEarnings(deps, { id: seller });
      reads.maxMs = Math.max(reads.maxMs, performance.now() - t0);
      reads.n++;
      if (balance < floor) reads.lagged++;
    };
    // Every pooled connection open before the clock starts, so their backends' CPU can be read before and after.
    if (dialect === 'postgres') {
      await Promise.all(Array.from({ length: POOL }, () => sql`select pg_sleep(0.01)`.execute(tdb.database.db)));
    }
    // Warm-up, outside the measurement, as on a site that has been up for a while: one refused purchase per pooled
    // connection (a buyer without credits), so every connection has run the purchase's statements and the seller's
    // accounts exist; then WARM_SALES completed purchases of another seller's documents by other buyers, so this
    // process runs the purchase code compiled, not interpreted (the first few hundred calls of a fresh Node process
    // are several times slower). The measured buyers' own first purchases still record their terms acceptance.
    if (!args['no-warmup']) {
      const broke = await Promise.all(Array.from({ length: POOL }, (_, i) => insertTestUser(tdb.database, `热身${i}`)));
      await Promise.all(
        broke.map((b) => purchaseDocument(deps, { id: b }, docs[0]!, { acceptTerms: true }).catch(() => undefined)),
      );
      const other = await insertTestUser(tdb.database, '热身卖家');
      const warmDocs: number[] = [];
      for (let i = 0; i < WARM_SALES / POOL; i++) {
        warmDocs.push(await insertTestDocument(tdb.database, other, { price: PRICE }));
      }
      await Promise.all(
        broke.map(async (b) => {
          await grantCredits(deps, undefined, { userId: b, amount: PRICE * warmDocs.length, reason: 'bench warm-up' });
          for (const d of warmDocs) await purchaseDocument(deps, { id: b }, d, { acceptTerms: true });
        }),
      );
    }
    const pgCpu0 = dialect === 'postgres' ? await backendCpu(tdb.database) : undefined;
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      buyers.map(async (buyer) => {
        for (const [i, doc] of docs.entries()) {
          const t0 = performance.now();
          try {
            await purchaseDocument(deps, { id: buyer }, doc, { acceptTerms: true });
            if (++acknowledged % 100 === 0) pendingReads.push(read());
          } catch (err) {
            failures++;
            if (failures < 5) console.error(err);
          }
          (i === 0 ? first : latencies).push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pgCpu1 = pgCpu0 === undefined ? undefined : await backendCpu(tdb.database);
    await Promise.all(pendingReads);
    await settler?.stop();
    const drained = settle ? await settle.settlePending(deps) : undefined;
    const all = [...first, ...latencies].sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    first.sort((a, b) => a - b);
    const report = await verifyLedger(deps);
    const earnings = (await getEarnings(deps, { id: seller })).balance;
    const ms = (list: number[], p: number) => `${pct(list, p).toFixed(1)} ms`;
    console.log(
      `\n${dialect.padEnd(8)} ${total} purchases by ${BUYERS} concurrent buyers in ${seconds.toFixed(2)} s → ` +
        `${(total / seconds).toFixed(0)} purchases/s · p50 ${ms(all, 50)} · p95 ${ms(all, 95)} · ` +
        `p99 ${ms(all, 99)} · max ${ms(all, 100)} · failures ${failures}`,
    );
    console.log(
      `  each buyer's first purchase (${first.length}): p50 ${ms(first, 50)} · max ${ms(first, 100)}; ` +
        `the other ${latencies.length}: p50 ${ms(latencies, 50)} · p95 ${ms(latencies, 95)} · ` +
        `p99 ${ms(latencies, 99)} · max ${ms(latencies, 100)}`,
    );
    const nodeCpu = (cpu.user + cpu.system) / 1e6;
    const perPurchase = (s: number) => `${((s * 1000) / total).toFixed(2)} ms`;
    console.log(
      `  bench process CPU ${((nodeCpu / seconds) * 100).toFixed(0)} % of one core (${perPurchase(nodeCpu)} per ` +
        'purchase)' +
        (pgCpu1 !== undefined && pgCpu0 !== undefined
          ? ` · PostgreSQL backends ${perPurchase(pgCpu1 - pgCpu0)} CPU per purchase`
          : '') +
        ` · load average before ${loadBefore}, after ${load()}`,
    );
    console.log(
      `  seller's 我的收益 read ${reads.n} times during the sale (slowest ${reads.maxMs.toFixed(1)} ms): ` +
        `${reads.lagged} showed less than the purchases already acknowledged · final ${earnings} ` +
        `(expected ${total * net})` +
        (drained ? ` · settle loop ${settler ? 'on' : 'off'}, left to settle at the end: ${drained.amount}` : ''),
    );
    console.log(formatLedgerReport(report));
    return failures === 0 && report.ok && reads.lagged === 0 && earnings === total * net;
  } finally {
    await tdb.drop();
  }
}

console.log(
  `bench/purchase: ${BUYERS} buyers × ${DOCS} documents at ${PRICE} credits, PostgreSQL pool ${POOL}, ` +
    `${args['no-warmup'] ? 'cold' : 'warmed up'}, settle loop ${args['no-settle'] ? 'off' : 'on'} (node ${process.version})`,
);
let ok = true;
if (!args.pg) ok = (await run('sqlite')) && ok;
if (pgUrl && !args.sqlite) ok = (await run('postgres')) && ok;
else if (!args.sqlite) console.log('\npostgres: skipped (no server answered; set BENCH_DATABASE_URL)');
process.exitCode = ok ? 0 : 1;

/**
 * Purchases per second through the credits ledger, with 50 concurrent buyers, on SQLite and on PostgreSQL.
 *
 *   npx tsx bench/purchase.ts [--buyers=50] [--docs=100] [--pg-url=postgres://…]
 *
 * 1. a fresh database per dialect (SQLite: a temp file with the production pragmas; Postgres: a new database on
 *    BENCH_DATABASE_URL / TEST_DATABASE_URL / the local server, skipped when none answers);
 * 2. one uploader with `--docs` paid documents, `--buyers` buyers each granted exactly enough for every document;
 * 3. every buyer buys every document, one after another, all buyers at once (the service call the purchase route
 *    makes: terms, guarded debit, earnings, platform share, entitlement — one transaction each);
 * 4. print purchases/s, latency percentiles, and the `ledger verify` summary.
 *
 * Figures only; nothing is asserted beyond the measurement being valid (every purchase succeeded, verify OK).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Dialect } from '../src/db/database.ts';

const { values: args } = parseArgs({
  options: {
    buyers: { type: 'string', default: '50' },
    docs: { type: 'string', default: '100' },
    'pg-url': { type: 'string' },
  },
});
const BUYERS = Number(args.buyers);
const DOCS = Number(args.docs);
const PRICE = 10;

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

const pgUrl = await postgresUrl();
if (pgUrl) process.env.TEST_DATABASE_URL = pgUrl;
// Imported after TEST_DATABASE_URL is settled: the test-database helper reads it once.
const { createTestDatabase } = await import('../src/testing/test-db.ts');
const { creditsDeps, insertTestDocument, insertTestUser } = await import('../src/features/credits/testing.ts');
const { grantCredits } = await import('../src/features/credits/grants.ts');
const { purchaseDocument } = await import('../src/features/credits/purchases.ts');
const { verifyLedger, formatLedgerReport } = await import('../src/features/credits/verify.ts');

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function run(dialect: Dialect) {
  const tdb = await createTestDatabase(dialect);
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
    const latencies: number[] = [];
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      buyers.map(async (buyer) => {
        for (const doc of docs) {
          const t0 = performance.now();
          try {
            await purchaseDocument(deps, { id: buyer }, doc, { acceptTerms: true });
          } catch (err) {
            failures++;
            if (failures < 5) console.error(err);
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const report = await verifyLedger(deps);
    const total = BUYERS * DOCS;
    console.log(
      `\n${dialect.padEnd(8)} ${total} purchases by ${BUYERS} concurrent buyers in ${seconds.toFixed(2)} s → ` +
        `${(total / seconds).toFixed(0)} purchases/s · p50 ${pct(latencies, 50).toFixed(1)} ms · ` +
        `p99 ${pct(latencies, 99).toFixed(1)} ms · failures ${failures}`,
    );
    console.log(formatLedgerReport(report));
    return failures === 0 && report.ok;
  } finally {
    await tdb.drop();
  }
}

console.log(`bench/purchase: ${BUYERS} buyers × ${DOCS} documents at ${PRICE} credits (node ${process.version})`);
let ok = await run('sqlite');
if (pgUrl) ok = (await run('postgres')) && ok;
else console.log('\npostgres: skipped (no server answered; set BENCH_DATABASE_URL)');
process.exitCode = ok ? 0 : 1;

/**
 * Anonymous `GET /d/<id>` — the bulk of a 文库's traffic — against a bare `node:http` server sending the same bytes.
 *
 *   npx tsx bench/page.ts [--pg] [--wrk [--rounds=N]] [--duration=10] [--warmup=2] [--connections=64] [--cpu-prof]
 *   npm run bench:page -- --pg
 *
 * --wrk loads with wrk (bench/wrk.ts) pinned to CPU 0 while the server under test is pinned to CPU 1, and adds a
 * bare Fastify server (one route sending the same bytes) as the reference: the target is ≥ 0.8× the bare
 * Fastify rate with p99 ≤ 25 ms. Without it, autocannon runs in this process (it shares the cores with the server
 * and tops out near both servers' rates on two cores, so the ratio says little there).
 *
 * 1. start wenyuan as a child process on a free port over a fresh temp DATA_DIR (SQLite; `--pg` or
 *    BENCH_DATABASE_URL adds Postgres rows on a fresh database), with production logging: LOG_LEVEL=info and
 *    LOG_ACCESS=true, stdout going to a file, as a service manager would collect it;
 * 2. seed through HTTP like a user: register, upload the seed speech, wait until it is published;
 * 3. capture the anonymous page once and serve exactly those bytes from a bare `node:http` child;
 * 4. load each server in turn from this process (autocannon, keep-alive, no Accept-Encoding): first the bare server,
 *    then wenyuan, wenyuan answering `If-None-Match` (304), and wenyuan restarted with LOG_ACCESS=false;
 * 5. print the table, the ratio to the bare server and the targets (≥ 0.6× bare, p99 ≤ 25 ms).
 *
 * --rounds=N (with --wrk) then keeps wenyuan (access log) and bare Fastify running side by side and loads them in
 * alternation, N rounds in the order A B B A A B …, so that a machine whose speed drifts during the run (other
 * tenants, frequency, the page cache) weighs on both alike; it prints each round's ratio and their median.
 *
 * Figures only: the exit code is 1 only when the measurement itself is invalid (unexpected statuses, socket errors).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  BARE_FASTIFY,
  BARE_SERVER,
  BARE_SERVER_HEADERS,
  bareServerEnv,
  type Child,
  children,
  cpuMicros,
  httpGet,
  processTree,
  REPO,
  rssMb,
  settle,
  startChild,
  startWenyuan,
  stopChild,
  tail,
} from './page-procs.ts';
import { seed } from './page-seed.ts';
import { pinToCpu, runWrk, WRK } from './wrk.ts';

const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 25;

const { values: args } = parseArgs({
  options: {
    pg: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    'cpu-prof': { type: 'boolean', default: false },
    wrk: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '0' },
  },
});
const USE_WRK = args.wrk;
if (USE_WRK && !WRK) throw new Error('--wrk: wrk is not installed (apt-get install wrk)');
/** With wrk the reference is a bare Fastify server (the target); the ratio to bare node:http is shown too. */
const WRK_TARGET_RATIO = 0.8;
const DURATION_S = Number(args.duration);
const WARMUP_S = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
for (const [flag, n] of Object.entries({ DURATION_S, WARMUP_S, CONNECTIONS })) {
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number`);
}
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 0) throw new Error('--rounds must be a whole number');
if (ROUNDS > 0 && !USE_WRK) throw new Error('--rounds needs --wrk (the alternation pins each server to CPU 1)');
const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? (args.pg ? 'postgres://postgres@127.0.0.1:5432/postgres' : '');

interface Row {
  readonly name: string;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  /** Responses outside the expected status class, plus socket errors and timeouts: any makes the run invalid. */
  readonly bad: number;
  readonly bodyBytes: number;
  readonly wireBytesPerResponse: number;
  readonly cpuUsPerRequest: number;
  readonly cpuPercent: number;
  readonly loaderCpuPercent: number;
  readonly rssBeforeMb: number;
  readonly rssMb: number;
}

const cleanups: Array<() => Promise<void> | void> = [];

/** The commit under test, marked when the work tree has changes, so figures can be traced to code. */
function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO, encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes in src/` : head;
  } catch {
    return '(not a git checkout)';
  }
}

/** The q-quantile of ascending samples (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : Number.NaN;
}

/** One autocannon run; latencies are kept from the per-response events because its histogram rounds to 1 ms. */
function load(url: string, seconds: number, headers: Record<string, string>, latencies?: number[]) {
  return new Promise<autocannon.Result>((ok, fail) => {
    const run = autocannon({ url, connections: CONNECTIONS, duration: seconds, headers }, (err, result) =>
      err ? fail(err) : ok(result),
    );
    if (latencies) run.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

/** Warm up, then load one URL for the measured duration; server CPU is read from /proc around the measured part. */
async function measure(
  name: string,
  child: Child,
  path: string,
  opts: { headers?: Record<string, string>; expect: '2xx' | '3xx'; bodyBytes: number },
): Promise<Row> {
  const url = `${child.url}${path}`;
  const headers = opts.headers ?? {};
  process.stdout.write(`  ${name}: warm-up ${WARMUP_S} s, load ${DURATION_S} s … `);
  const pid = child.proc.pid!;
  const rssBeforeMb = rssMb(pid);
  if (USE_WRK) return measureWrk(name, pid, url, headers, opts, rssBeforeMb);
  await load(url, WARMUP_S, headers);
  const latencies: number[] = [];
  const cpu0 = cpuMicros(pid);
  const self0 = process.cpuUsage();
  const r = await load(url, DURATION_S, headers, latencies);
  const cpu = cpuMicros(pid) - cpu0;
  const self = process.cpuUsage(self0);
  const sorted = Float64Array.from(latencies).sort();
  const total = r.requests.total;
  const expected = opts.expect === '2xx' ? r['2xx'] : r['3xx'];
  const row: Row = {
    name,
    reqPerSec: total / r.duration,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    non2xx: r.non2xx,
    bad: total - expected + r.errors + r.timeouts,
    bodyBytes: opts.bodyBytes,
    wireBytesPerResponse: total ? r.throughput.total / total : 0,
    cpuUsPerRequest: total ? cpu / total : 0,
    cpuPercent: (cpu / (r.duration * 1e6)) * 100,
    loaderCpuPercent: ((self.user + self.system) / (r.duration * 1e6)) * 100,
    rssBeforeMb,
    rssMb: rssMb(pid),
  };
  console.log(`${Math.round(row.reqPerSec)} req/s`);
  return row;
}

/** The same measurement with wrk on CPU 0 and the server (its whole process tree) on CPU 1. */
async function measureWrk(
  name: string,
  pid: number,
  url: string,
  headers: Record<string, string>,
  opts: { expect: '2xx' | '3xx'; bodyBytes: number },
  rssBeforeMb: number,
): Promise<Row> {
  for (const p of processTree(pid)) pinToCpu(p, 1);
  const load = (seconds: number) => runWrk(url, { seconds, connections: CONNECTIONS, threads: 1, headers, cpu: 0 });
  await load(WARMUP_S);
  const cpu0 = cpuMicros(pid);
  const r = await load(DURATION_S);
  const cpu = cpuMicros(pid) - cpu0;
  const row: Row = {
    name,
    reqPerSec: r.reqPerSec,
    p50: r.p50,
    p99: r.p99,
    non2xx: opts.expect === '2xx' ? r.non2xx3xx : 0,
    // wrk counts neither 2xx nor 3xx as errors: a 304 row and a 200 row are told apart by their bytes per response.
    bad: r.non2xx3xx + r.socketErrors,
    bodyBytes: opts.bodyBytes,
    wireBytesPerResponse: r.requests ? r.bytes / r.requests : 0,
    cpuUsPerRequest: r.requests ? cpu / r.requests : 0,
    cpuPercent: (cpu / (r.seconds * 1e6)) * 100,
    loaderCpuPercent: Number.NaN,
    rssBeforeMb,
    rssMb: rssMb(pid),
  };
  console.log(`${Math.round(row.reqPerSec)} req/s`);
  return row;
}

type Page = Awaited<ReturnType<typeof httpGet>>;

/**
 * One database's rows: the 200 page with the access log, the 304 path, and the same page without access log.
 * The seeding server converts the upload in-process (and so carries the converter's memory); each row group gets a
 * fresh server over the same data instead, as a web process that only serves pages would be.
 * `beforeLoad` runs once the page is captured, so the bare server can be loaded first with the same bytes.
 */
async function benchWenyuan(
  label: string,
  work: string,
  databaseUrl: string,
  opts: { profDir?: string; beforeLoad?: (page: Page) => Promise<void> } = {},
) {
  const dataDir = join(work, label);
  mkdirSync(dataDir, { recursive: true });
  let wy = await startWenyuan(`wenyuan-${label}-seed`, dataDir, databaseUrl, true);
  try {
    console.log(`  seeding ${label} through HTTP …`);
    const id = await seed(wy.url, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl }, wy.logFile);
    await settle(wy, `/d/${id}`);
    const seedRssMb = rssMb(wy.proc.pid!);
    const page = await httpGet(`${wy.url}/d/${id}`);
    const again = await httpGet(`${wy.url}/d/${id}`);
    if (page.status !== 200 || !page.body.equals(again.body))
      throw new Error(`/d/${id} answered ${page.status}, or two anonymous fetches differ`);
    await stopChild(wy);
    await opts.beforeLoad?.(page);

    const rows: Row[] = [];
    const bodyBytes = page.body.length;
    wy = await startWenyuan(`wenyuan-${label}`, dataDir, databaseUrl, true, opts.profDir);
    rows.push(await measure(`wenyuan ${label} (access log)`, wy, `/d/${id}`, { expect: '2xx', bodyBytes }));
    const notModified = { headers: { 'if-none-match': String(page.headers.etag) }, expect: '3xx' as const };
    rows.push(await measure(`wenyuan ${label} 304 (access log)`, wy, `/d/${id}`, { ...notModified, bodyBytes: 0 }));
    const accessLogLines = tail(wy.logFile, 1e9)
      .split('\n')
      .filter((l) => l.includes('"msg":"request"')).length;
    await stopChild(wy);
    wy = await startWenyuan(`wenyuan-${label}-quiet`, dataDir, databaseUrl, false);
    rows.push(await measure(`wenyuan ${label} (LOG_ACCESS=false)`, wy, `/d/${id}`, { expect: '2xx', bodyBytes }));
    return { id, page, rows, accessLogLines, seedRssMb, dataDir };
  } finally {
    await stopChild(wy);
  }
}

/** Serves the captured page from a bare node:http child and loads it: the ceiling for this machine and client. */
async function benchBare(
  work: string,
  page: Page,
  kind: 'node:http' | 'fastify' | 'node:http, same headers' = 'node:http',
): Promise<Row> {
  const env = bareServerEnv(work, page);
  const source = kind === 'fastify' ? BARE_FASTIFY : kind === 'node:http' ? BARE_SERVER : BARE_SERVER_HEADERS;
  const tag = kind.replace(/\W+/g, '-');
  const bare = await startChild(`bare-${tag}`, ['-e', source], env, join(work, `bare-${tag}.log`), '/');
  try {
    const check = await httpGet(`${bare.url}/`);
    if (!check.body.equals(page.body)) throw new Error('the bare server does not send the captured bytes');
    return await measure(`bare ${kind}`, bare, '/', { expect: '2xx', bodyBytes: page.body.length });
  } finally {
    await stopChild(bare);
  }
}

/**
 * wenyuan (access log) and bare Fastify started side by side and loaded in alternation (A B B A …): each round's
 * ratio compares two loads taken seconds apart, so the machine's drift over the run cancels out of the median.
 */
async function alternate(work: string, dataDir: string, databaseUrl: string, id: number, page: Page) {
  const wy = await startWenyuan('wenyuan-rounds', dataDir, databaseUrl, true);
  const env = bareServerEnv(work, page);
  const bare = await startChild('bare-fastify-rounds', ['-e', BARE_FASTIFY], env, join(work, 'bare-rounds.log'), '/');
  try {
    const rounds: Array<{ wenyuan: Row; fastify: Row }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? (['fastify', 'wenyuan'] as const) : (['wenyuan', 'fastify'] as const);
      const got: Partial<Record<'wenyuan' | 'fastify', Row>> = {};
      for (const which of order) {
        got[which] =
          which === 'wenyuan'
            ? await measure(`round ${i + 1} wenyuan (access log)`, wy, `/d/${id}`, {
                expect: '2xx',
                bodyBytes: page.body.length,
              })
            : await measure(`round ${i + 1} bare fastify`, bare, '/', { expect: '2xx', bodyBytes: page.body.length });
      }
      rounds.push({ wenyuan: got.wenyuan as Row, fastify: got.fastify as Row });
    }
    return rounds;
  } finally {
    await stopChild(bare);
    await stopChild(wy);
  }
}

async function createPgDatabase(adminUrl: string): Promise<string> {
  const { default: pg } = await import('pg');
  const name = `wy_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

function printTable(rows: Row[]): void {
  const head = [
    'server',
    'req/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'bad',
    'body B',
    'wire B/resp',
    'cpu µs/req',
    'cpu %',
    'loader cpu %',
  ];
  const body = rows.map((r) => [
    r.name,
    r.reqPerSec.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.non2xx),
    String(r.bad),
    String(r.bodyBytes),
    r.wireBytesPerResponse.toFixed(0),
    r.cpuUsPerRequest.toFixed(0),
    r.cpuPercent.toFixed(0),
    r.loaderCpuPercent.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

function verdict(row: Row, bare: Row, target = TARGET_RATIO): string {
  const ratio = row.reqPerSec / bare.reqPerSec;
  const r = `${ratio >= target ? '✔' : '✖'} ratio ${ratio.toFixed(2)} (target ≥ ${target})`;
  const p = `${row.p99 <= TARGET_P99_MS ? '✔' : '✖'} p99 ${row.p99.toFixed(1)} ms (target ≤ ${TARGET_P99_MS})`;
  return `${row.name.padEnd(36)} ${r}   ${p}   RSS ${row.rssBeforeMb.toFixed(0)} → ${row.rssMb.toFixed(0)} MB`;
}

async function cleanup(work: string): Promise<void> {
  await Promise.allSettled([...children].map(stopChild));
  for (const fn of cleanups.splice(0).reverse()) await Promise.resolve(fn()).catch(() => {});
  rmSync(work, { recursive: true, force: true });
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'wenyuan-bench-'));
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    console.error('\ninterrupted: stopping servers and removing the temp dir');
    void cleanup(work).finally(() => process.exit(130));
  });
  // Profiles go to the git-ignored .bench/ so they survive the temp dir for `--cpu-prof` analysis.
  const profDir = args['cpu-prof'] ? join(REPO, '.bench', `prof-${Date.now()}`) : undefined;
  try {
    console.log(
      `GET /d/<id> anonymous · ${CONNECTIONS} connections · ${WARMUP_S} s warm-up + ${DURATION_S} s · ` +
        `node ${process.version} · ${cpus().length} cores`,
    );
    console.log(`  wenyuan ${revision()}`);
    // Server and load generator share the cores, so anything else running skews every figure.
    const [busy = 0] = loadavg();
    if (busy > 0.5) console.log(`  note: load average ${busy.toFixed(2)} before the run; figures will be noisy`);
    let bareRow: Row | undefined;
    let fastifyRow: Row | undefined;
    let sameHeadersRow: Row | undefined;
    const sqliteUrl = `sqlite:${join(work, 'sqlite', 'wenyuan.db')}`;
    const sqlite = await benchWenyuan('sqlite', work, sqliteUrl, {
      profDir,
      beforeLoad: async (page) => {
        bareRow = await benchBare(work, page);
        if (USE_WRK) {
          fastifyRow = await benchBare(work, page, 'fastify');
          sameHeadersRow = await benchBare(work, page, 'node:http, same headers');
        }
      },
    });
    if (!bareRow) throw new Error('the bare server was not measured');
    const rounds = ROUNDS ? await alternate(work, sqlite.dataDir, sqliteUrl, sqlite.id, sqlite.page) : [];
    const references = [bareRow, ...(fastifyRow ? [fastifyRow] : []), ...(sameHeadersRow ? [sameHeadersRow] : [])];
    const rows = [...references, ...sqlite.rows];
    if (PG_ADMIN_URL) {
      const pgUrl = await createPgDatabase(PG_ADMIN_URL);
      rows.push(...(await benchWenyuan('postgres', work, pgUrl)).rows);
    }
    const contentType = sqlite.page.headers['content-type'];

    console.log('');
    printTable(rows);
    console.log('');
    console.log(`ratio and targets (vs bare ${bareRow.reqPerSec.toFixed(0)} req/s):`);
    for (const row of rows.slice(1)) console.log(`  ${verdict(row, bareRow)}`);
    if (fastifyRow) {
      console.log(`ratio and targets with wrk (vs bare Fastify ${fastifyRow.reqPerSec.toFixed(0)} req/s):`);
      for (const row of rows.slice(references.length)) console.log(`  ${verdict(row, fastifyRow, WRK_TARGET_RATIO)}`);
      console.log('  wrk on CPU 0, each server (and its children) pinned to CPU 1; loader cpu % not measured.');
      if (sameHeadersRow) {
        // The floor under any application: Node writing this page's own headers (17 of them) and body.
        const floor = sameHeadersRow.reqPerSec / fastifyRow.reqPerSec;
        console.log(
          `  bare node:http sending the page's own headers is ${floor.toFixed(2)}× bare Fastify (which sends two);` +
            ` wenyuan (access log) is ${(sqlite.rows[0]!.reqPerSec / sameHeadersRow.reqPerSec).toFixed(2)}× it.`,
        );
      }
    }
    if (rounds.length) {
      console.log(`alternating rounds (wenyuan with access log and bare Fastify running side by side, A B B A …):`);
      for (const [i, r] of rounds.entries()) {
        console.log(
          `  round ${i + 1}: fastify ${r.fastify.reqPerSec.toFixed(0)} req/s, wenyuan ${r.wenyuan.reqPerSec.toFixed(0)} ` +
            `req/s (p99 ${r.wenyuan.p99.toFixed(1)} ms) → ${(r.wenyuan.reqPerSec / r.fastify.reqPerSec).toFixed(2)}×`,
        );
      }
      const ratios = Float64Array.from(rounds.map((r) => r.wenyuan.reqPerSec / r.fastify.reqPerSec)).sort();
      const p99s = rounds.map((r) => r.wenyuan.p99);
      const median =
        ratios.length % 2
          ? ratios[(ratios.length - 1) / 2]!
          : (ratios[ratios.length / 2 - 1]! + ratios[ratios.length / 2]!) / 2;
      console.log(
        `  median ratio ${median.toFixed(2)}× (range ${ratios[0]!.toFixed(2)}–${ratios[ratios.length - 1]!.toFixed(2)}, ` +
          `target ≥ ${WRK_TARGET_RATIO}); wenyuan p99 ${Math.min(...p99s).toFixed(1)}–${Math.max(...p99s).toFixed(1)} ms ` +
          `(target ≤ ${TARGET_P99_MS})`,
      );
    }
    console.log('');
    console.log(
      `access log: LOG_LEVEL=info LOG_ACCESS=true (production defaults), stdout+stderr to a file; ` +
        `${sqlite.accessLogLines} request lines written. Content-Type ${contentType}, ETag ${sqlite.page.headers.etag}.`,
    );
    console.log(
      `RSS of the seeding server after converting the upload in-process: ${sqlite.seedRssMb.toFixed(0)} MB ` +
        '(the rows above use fresh servers over the same data).',
    );
    console.log(
      'cpu µs/req and cpu % are the server process only, loader cpu % this process (one core = 100 %); ' +
        'RSS is the server before warm-up → after load.',
    );
    if (profDir) console.log(`CPU profile of the sqlite server with access log (200 + 304 rows): ${profDir}`);
    const bad = [...rows, ...rounds.flatMap((r) => [r.wenyuan, r.fastify])].reduce((n, r) => n + r.bad, 0);
    if (bad > 0) {
      console.error(`invalid measurement: ${bad} unexpected responses or socket errors`);
      return 1;
    }
    return 0;
  } catch (err) {
    if (interrupted) return 130;
    console.error(err instanceof Error ? err.message : err);
    return 1;
  } finally {
    if (!interrupted) await cleanup(work);
  }
}

process.exitCode = await main();

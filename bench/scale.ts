/**
 * Scale-out on PostgreSQL (issue #14): the anonymous document page and search, served by one `--role=web` process and
 * then by two side by side on the same database, loaded with wrk (bench/wrk.ts).
 *
 *   npx tsx bench/scale.ts [--docs=1000] [--duration=10] [--warmup=2] [--connections=32] [--redis] [--dist]
 *
 * 1. a fresh PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres, is the
 *    admin connection), migrated and seeded in this process with `--docs` published, indexed documents generated from
 *    shared/corpus/text-zh (bench/search-corpus.ts);
 * 2. web process A (`node --import tsx src/main.ts --role=web`, production logging to a file) → wrk on `GET /d/<id>`
 *    and on `GET /search?q=…` rotating over 50 realistic queries (a wrk Lua script);
 * 3. web process B beside A over the same database and DATA_DIR → the same loads, one wrk per process at once with
 *    half the connections each; their rates add up, the p99 is the worse of the two;
 * 4. prints both rows side by side, the 2-process/1-process ratio, and the load average and core count: on a
 *    2-core machine wrk, PostgreSQL and both servers share the same two cores, so the second process mostly shows
 *    that nothing in the web role serialises across processes, not a doubling.
 *
 * --dist runs the web processes from dist/ (`npm run build` first), as `npm start` does; otherwise through tsx.
 * --redis sets REDIS_URL=redis://127.0.0.1:6379 (shared rate limits and cache invalidation by pub/sub); without it
 * the caches check generation rows in the database (decision 0018).
 * Figures only: the exit code is 1 only when the measurement itself is invalid (errors, unexpected statuses).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { buildDeps } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { insertIndexedDocument, insertReader } from '../src/testing/engagement.ts';
import { benchQueries, generateDocument, loadParagraphs } from './search-corpus.ts';
import { runWrk, WRK, type WrkResult } from './wrk.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../shared/corpus/text-zh/', import.meta.url));

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    redis: { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
  },
});
const DOCS = Number(args.docs);
const DURATION_S = Number(args.duration);
const WARMUP_S = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
for (const [flag, n] of Object.entries({ DOCS, DURATION_S, WARMUP_S, CONNECTIONS }))
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer`);
if (!WRK) throw new Error('bench/scale.ts needs wrk (apt-get install wrk)');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Web {
  readonly proc: ChildProcess;
  readonly url: string;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wy_scale_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** `--docs` published, indexed documents; returns their ids. */
async function seed(databaseUrl: string, dataDir: string): Promise<number[]> {
  const database = openDatabase(databaseUrl);
  try {
    await migrate(database);
    const deps = buildDeps(
      loadConfig({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir }),
      pino({ level: 'silent' }),
      database,
    );
    const paras = loadParagraphs(CORPUS);
    const owner = await insertReader(deps, '基层小笔杆');
    const ids: number[] = [];
    const started = Date.now();
    for (let i = 0; i < DOCS; i++) {
      const d = generateDocument(paras, i, 2400);
      ids.push(await insertIndexedDocument(deps, owner, { title: d.title, body: d.body, price: d.price }));
    }
    console.log(`  seeded ${DOCS} documents in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await deps.converter.close();
    await deps.shared.close();
    return ids;
  } finally {
    await database.close();
  }
}

/** Every web process started, stopped at the end even when one never became ready. */
const started: Web[] = [];

async function startWeb(name: string, env: Record<string, string>, work: string): Promise<Web> {
  const port = await freePort();
  const fd = openSync(join(work, `${name}.log`), 'a');
  // --dist: the compiled build (`npm run build` first; what `npm start` runs), else the sources through tsx.
  const entry = args.dist ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const proc = spawn(process.execPath, [...entry, '--role=web'], {
    cwd: REPO,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', LOG_ACCESS: 'true' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  started.push({ proc, url });
  // Generous: a loaded machine starts a process slowly (the start is not what is measured).
  const until = Date.now() + 600_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited:\n${readFileSync(join(work, `${name}.log`), 'utf8')}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { proc, url };
    if (Date.now() > until) throw new Error(`${name} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopWeb(web: Web): Promise<void> {
  if (web.proc.exitCode !== null || web.proc.signalCode !== null) return;
  const exited = new Promise((ok) => web.proc.once('exit', ok));
  web.proc.kill('SIGTERM');
  const timer = setTimeout(() => web.proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A wrk Lua script sending GET requests that rotate over `paths`. */
function rotatingScript(work: string, name: string, paths: string[]): string {
  const file = join(work, `${name}.lua`);
  const list = paths.map((p) => `"${p.replace(/["\\]/g, '')}"`).join(',\n  ');
  writeFileSync(
    file,
    `local paths = {\n  ${list}\n}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n`,
  );
  return file;
}

interface Load {
  readonly name: string;
  readonly path: string;
  readonly script?: string;
}

/** Loads every web process at once (connections split between them); rates add up, p99 is the worst. */
async function measure(webs: Web[], load: Load): Promise<{ reqPerSec: number; p50: number; p99: number; bad: number }> {
  const run = (seconds: number) =>
    Promise.all(
      webs.map((w) =>
        runWrk(`${w.url}${load.path}`, {
          seconds,
          connections: Math.max(1, Math.floor(CONNECTIONS / webs.length)),
          threads: 1,
          script: load.script,
        }),
      ),
    );
  await run(WARMUP_S);
  const results: WrkResult[] = await run(DURATION_S);
  return {
    reqPerSec: results.reduce((s, r) => s + r.reqPerSec, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    bad: results.reduce((s, r) => s + r.non2xx3xx + r.socketErrors, 0),
  };
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'wenyuan-scale-'));
  const db = await createDatabase();
  const webs: Web[] = [];
  try {
    console.log(
      `scale-out on PostgreSQL · ${DOCS} documents · wrk ${CONNECTIONS} connections in all · ` +
        `${WARMUP_S} s warm-up + ${DURATION_S} s · node ${process.version} · ${cpus().length} cores · ` +
        `load average ${loadavg()[0]!.toFixed(2)} before the run`,
    );
    const ids = await seed(db.url, work);
    const env: Record<string, string> = {
      DATABASE_URL: db.url,
      DATA_DIR: work,
      ...(args.redis ? { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: `wy-scale-${process.pid}:` } : {}),
    };
    const page = `/d/${ids[Math.floor(ids.length / 2)]}`;
    const queries = benchQueries(loadParagraphs(CORPUS)).slice(0, 50);
    const searchPaths = queries.map((q) => `/search?q=${encodeURIComponent(q.q)}`);
    const loads: Load[] = [
      { name: 'document page', path: page },
      { name: 'search (50 queries)', path: searchPaths[0]!, script: rotatingScript(work, 'search', searchPaths) },
    ];
    webs.push(await startWeb('web-a', env, work));
    const check = await fetch(`${webs[0]!.url}${page}`);
    if (check.status !== 200) throw new Error(`${page} answered ${check.status}`);
    const rows: Record<string, Awaited<ReturnType<typeof measure>>[]> = {};
    for (const l of loads) {
      process.stdout.write(`  1 web process, ${l.name} … `);
      rows[l.name] = [await measure(webs, l)];
      console.log(`${rows[l.name]![0]!.reqPerSec.toFixed(0)} req/s`);
    }
    webs.push(await startWeb('web-b', env, work));
    for (const l of loads) {
      process.stdout.write(`  2 web processes, ${l.name} … `);
      rows[l.name]!.push(await measure(webs, l));
      console.log(`${rows[l.name]![1]!.reqPerSec.toFixed(0)} req/s`);
    }

    console.log('');
    const head = ['load', '1 web req/s', 'p50 ms', 'p99 ms', '2 web req/s', 'p50 ms', 'p99 ms', '2/1'];
    const body = loads.map((l) => {
      const [one, two] = rows[l.name]!;
      return [
        l.name,
        one!.reqPerSec.toFixed(0),
        one!.p50.toFixed(1),
        one!.p99.toFixed(1),
        two!.reqPerSec.toFixed(0),
        two!.p50.toFixed(1),
        two!.p99.toFixed(1),
        `${(two!.reqPerSec / one!.reqPerSec).toFixed(2)}×`,
      ];
    });
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
    const line = (c: string[]) => c.map((x, i) => (i ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ');
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const b of body) console.log(line(b));
    console.log('');
    console.log(
      `load average after: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')} · wrk, PostgreSQL and the web processes share ${cpus().length} cores` +
        `${args.redis ? ' · REDIS_URL set' : ' · no Redis (database generations)'}`,
    );
    const bad = Object.values(rows)
      .flat()
      .reduce((n, r) => n + r.bad, 0);
    if (bad) {
      console.error(`invalid measurement: ${bad} errors or unexpected statuses`);
      return 1;
    }
    return 0;
  } finally {
    for (const w of started) await stopWeb(w);
    await db.drop().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();

// The server side of bench/search.ts: the production server started as `npm start` runs it, its RSS, warming a
// file into the page cache, and a SQLite file's size by part.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

const ROOT = new URL('../', import.meta.url).pathname;
export const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** The node flags `npm start` runs the server with (package.json), so the bench measures the same process. */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const m = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+(?:--import tsx src\/main\.ts|dist\/main\.js)/.exec(start);
  if (!m) throw new Error(`unexpected start script: ${start}`);
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}

/**
 * The node arguments that run the compiled server as `npm start` does (built first when the sources are newer):
 * through tsx the same process holds ~130 MB more (the loader's transforms and source maps) and pays for the
 * loader's hooks, which is not what production pays.
 */
export function compiledServer(): string[] {
  const flags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? startFlags();
  // Once per bench run: the sources do not change between its server starts.
  if (!built) {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
    built = true;
  }
  return [...flags, join(ROOT, 'dist/main.js')];
}
let built = false;

export async function startServer(databaseUrl: string, port: number): Promise<ChildProcess> {
  const dataDir = `/tmp/wy-bench-search-data`;
  mkdirSync(dataDir, { recursive: true });
  const argv = compiledServer();
  console.log(`server: node ${argv.join(' ')}`);
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      WENYUAN_ROLE: 'web',
      LOG_LEVEL: 'warn',
      SEARCH_CACHE_SIZE: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/search?q=warmup`);
      if (r.ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}

/** Reads a file once so its pages are in the OS page cache; returns what it did. */
export function warm(file: string): string {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(16 << 20);
  let total = 0;
  const t = performance.now();
  for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) total += n;
  closeSync(fd);
  return `read ${file.slice(file.lastIndexOf('/') + 1)} (${mb(total)}) in ${((performance.now() - t) / 1000).toFixed(1)} s`;
}

export function rssMb(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k: string) => Number(status.match(new RegExp(`${k}:\\s+(\\d+)`))?.[1] ?? 0) / 1024;
  return `RSS ${get('VmRSS').toFixed(0)} MB (peak ${get('VmHWM').toFixed(0)} MB)`;
}

/** Sizes of a SQLite bench file by part (dbstat reads every page). */
export function sizes(file: string): void {
  const raw = new SqliteDatabase(file, { readonly: true });
  const rows = raw
    .prepare(
      `SELECT CASE WHEN name LIKE 'search_head%' THEN 'title/summary tier' WHEN name LIKE 'search_body%' THEN 'body tier'
         WHEN name LIKE 'search_pairs%' THEN 'pair tier' WHEN name LIKE 'search_excerpts%' THEN 'excerpts' WHEN name LIKE 'bench_naive%' THEN 'naive FTS5'
         ELSE 'other tables' END AS part, sum(pgsize) AS bytes FROM dbstat GROUP BY part ORDER BY bytes DESC`,
    )
    .all() as Array<{ part: string; bytes: number }>;
  for (const r of rows) console.log(`  size ${r.part}: ${mb(r.bytes)}`);
  raw.close();
}

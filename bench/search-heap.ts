/**
 * What a searching web process holds (issue 12's RSS target). `npx tsx bench/search-heap.ts URL [--flags "…"]
 * [--gc-at-end]`: starts the compiled server (`npm start`'s node flags, then `--flags`) on a `bench/search.ts`
 * database (SQLite file or postgres:// URL) with metrics on a side port, runs the bench's 200 queries over HTTP one
 * after another, and prints after every 50 the resident size (anonymous and file-backed, from /proc) and V8's heap
 * (total, used) and external memory (from /metrics). `--gc-at-end` then asks for a heap snapshot (which collects
 * first) and prints the same again: the live set, against what was garbage not yet collected.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { benchQueries, loadParagraphs } from './search-corpus.ts';
import { compiledServer } from './search-server.ts';

const CORPUS = new URL('../../shared/corpus/text-zh/', import.meta.url).pathname;
const url = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/pgsearch_db';
const at = process.argv.indexOf('--flags');
const extra = at >= 0 ? (process.argv[at + 1] ?? '').split(/\s+/).filter(Boolean) : [];
const gcAtEnd = process.argv.includes('--gc-at-end');
const PORT = 3999;
const METRICS_PORT = 3998;
const snapDir = '/tmp/wy-bench-search-heap';

if (gcAtEnd) mkdirSync(snapDir, { recursive: true });
const queries = benchQueries(loadParagraphs(CORPUS));
const argv = [...extra, ...(gcAtEnd ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapDir}`] : [])];
// Flags given here come after the start script's, so they win where both set one.
const server = compiledServer();
const nodeArgs = [...server.slice(0, -1), ...argv, server.at(-1)!];
const child = spawn(process.execPath, nodeArgs, {
  env: {
    ...process.env,
    ...(url.startsWith('postgres') ? { DATABASE_URL: url } : { DATABASE_URL: `sqlite:${url}` }),
    DATA_DIR: '/tmp/wy-bench-search-data',
    PORT: String(PORT),
    HOST: '127.0.0.1',
    WENYUAN_ROLE: 'web',
    LOG_LEVEL: 'warn',
    SEARCH_CACHE_SIZE: '0',
    METRICS_PORT: String(METRICS_PORT),
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const search = (q: string) => fetch(`http://127.0.0.1:${PORT}/api/search?q=${encodeURIComponent(q)}`);
for (let i = 0; ; i++) {
  try {
    if ((await search('warmup')).ok) break;
  } catch {}
  if (i > 600) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 200));
}

const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
async function snap(label: string) {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) * 1024;
  const metrics = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
  const metric = (name: string) =>
    Number(new RegExp(`^wenyuan_${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  console.log(
    `${label.padEnd(22)} RSS ${mb(kb('VmRSS'))} MB (anon ${mb(kb('RssAnon'))}, file ${mb(kb('RssFile'))}), heap ` +
      `${mb(metric('nodejs_heap_size_used_bytes'))} used of ${mb(metric('nodejs_heap_size_total_bytes'))} MB, ` +
      `external ${mb(metric('nodejs_external_memory_bytes'))} MB`,
  );
}

console.log(`server: node ${nodeArgs.join(' ')}; ${queries.length} queries`);
await snap('after start');
for (let i = 0; i < queries.length; i++) {
  await (await search(queries[i]!.q)).text();
  if (i % 50 === 49) await snap(`after ${i + 1} queries`);
}
if (gcAtEnd) {
  process.kill(child.pid!, 'SIGUSR2');
  // Writing the snapshot collects first; wait until the file is there and has stopped growing.
  let size = -1;
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const file = readdirSync(snapDir).find((f) => f.endsWith('.heapsnapshot'));
    const now = file ? statSync(`${snapDir}/${file}`).size : -1;
    if (now > 0 && now === size) break;
    size = now;
  }
  await snap('after a full collection');
  rmSync(snapDir, { recursive: true, force: true });
}
child.kill();

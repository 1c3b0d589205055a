/**
 * Startup time and memory of the production build (`node dist/main.js`) beside the TypeScript entry run through tsx.
 *
 *   npx tsx bench/startup.ts [--runs=5]
 *
 * 1. build dist/ if it is stale (`scripts/build.mjs --if-stale`, timed: the cost `npm start` adds when nothing changed);
 * 2. for each way of starting, `runs` times: spawn the server on a free port over a DATA_DIR that is already migrated
 *    (a restart, the common case) and poll /healthz every 5 ms; the time to the first 200 is the startup time;
 * 3. then read the process's resident memory (VmRSS, and VmHWM, its peak) from /proc after one document-page-sized
 *    request, and stop it;
 * 4. print median and range per way.
 *
 * Figures only: never an assertion. Run it on a quiet machine (the load average is printed beside the figures).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../src/testing/process.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Math.max(1, Number(args.runs));

const WAYS = {
  'node dist/main.js': ['--max-semi-space-size=4', 'dist/main.js'],
  'tsx src/main.ts': ['--max-semi-space-size=4', '--import', 'tsx', 'src/main.ts'],
} as const;

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function startOnce(argv: readonly string[], dataDir: string) {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, [...argv], {
    cwd: REPO,
    env: { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await (await fetch(`${url}/`)).text();
  const rss = procStatus(child.pid as number, 'VmRSS');
  const peak = procStatus(child.pid as number, 'VmHWM');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { ms, rss, peak };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const range = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

const buildStarted = process.hrtime.bigint();
execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: REPO, stdio: 'inherit' });
const buildCheckMs = Number(process.hrtime.bigint() - buildStarted) / 1e6;

console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; runs per way: ${RUNS}`,
);
console.log(`build --if-stale (what npm start adds): ${buildCheckMs.toFixed(0)} ms`);
console.log('| start | startup ms (median, range) | RSS MB after one page (median) | peak RSS MB (median) |');
console.log('|---|---|---|---|');
for (const [name, argv] of Object.entries(WAYS)) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wy-startup-'));
  try {
    await startOnce(argv, dataDir); // migrates the fresh database; not counted
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await startOnce(argv, dataDir));
    const ms = runs.map((r) => r.ms);
    const rss = runs.map((r) => r.rss);
    const peak = runs.map((r) => r.peak);
    console.log(
      `| ${name} | ${median(ms).toFixed(0)} (${range(ms)}) | ${median(rss).toFixed(1)} | ${median(peak).toFixed(1)} |`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

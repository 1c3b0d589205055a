/**
 * Instructions per anonymous `GET /d/<id>` hit, counted by valgrind's callgrind: the page bench's comparison
 * (bench/page.ts --wrk) in a unit that does not move with the machine's load. On a shared two-core machine the CPU
 * µs per request of one server varies by ±30 % from run to run, more than the differences we tune for; an instruction
 * count is the same whatever else the machine is doing (it says nothing about cache misses or the kernel's socket
 * work, which are the same bytes for every server here — bench/page.ts measures the time).
 *
 *   npx tsx bench/page-ir.ts [--seconds=15] [--windows=2] [--connections=8] [--warmup=20] [--only=wenyuan] [--keep]
 *
 * 1. seed one published document through HTTP (bench/page-seed.ts) and capture its anonymous page;
 * 2. start each server under `valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes` (not counting
 *    while it starts), warm it up with wrk uncounted, so that V8 has optimised the hot path;
 * 3. for each window: switch counting on (`callgrind_control -i on`), load with wrk, switch off and dump; the
 *    instructions of the main thread (the event loop: parsing, the handler, the response, scavenges) and of the
 *    other threads (V8's background GC and compiler) are divided by the requests wrk completed in the window. The
 *    first counted window is thrown away (see `measure`).
 *
 * Servers: bare Fastify and bare node:http with the page's own headers (the references of bench/page.ts --wrk),
 * then wenyuan's compiled web role with and without the access log. Figures only; exit code 1 only when a
 * measurement is invalid (wrong statuses, socket errors, no dump).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BARE_FASTIFY,
  BARE_SERVER_HEADERS,
  bareServerEnv,
  type Child,
  children,
  httpGet,
  settle,
  startChild,
  startWenyuan,
  stopChild,
} from './page-procs.ts';
import { seed } from './page-seed.ts';
import { runWrk } from './wrk.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    windows: { type: 'string', default: '2' },
    connections: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '20' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const WINDOWS = Number(args.windows);
const CONNECTIONS = Number(args.connections);
const WARMUP_S = Number(args.warmup);
for (const [flag, n] of Object.entries({ SECONDS, WINDOWS, CONNECTIONS, WARMUP_S })) {
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number`);
}
const VALGRIND = ['/usr/bin/valgrind', '/usr/local/bin/valgrind'].find((p) => existsSync(p));
if (!VALGRIND) throw new Error('valgrind is not installed (apt-get install valgrind)');

interface Window {
  readonly requests: number;
  readonly mainIr: number;
  readonly otherIr: number;
  /** Main-thread instructions inside calls from generated code into V8's C++ runtime (inline caches' slow paths…). */
  readonly runtimeIr: number;
}

/**
 * Instructions spent inside V8's runtime entry (`Builtins_CEntry_*`, inclusive) in one thread's dump: the slow paths
 * of generated code. A process can settle into a state where a hot site calls the runtime every time (seen: the
 * object literal of Node's `process.nextTick` after its feedback went megamorphic, ~20 calls a request), which shows
 * here and nowhere else.
 */
function runtimeInstructions(file: string): number {
  const out = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  let n = 0;
  for (const line of out.split('\n')) {
    const m = /^\s*([\d,]+) .*Builtins_CEntry_/.exec(line);
    if (m) n += Number((m[1] as string).replaceAll(',', ''));
  }
  return n;
}

/** The `totals:` of one callgrind dump file. */
function totals(file: string): number {
  const m = /^totals:\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file}: no totals line`);
  return Number(m[1]);
}

/** callgrind_control finds the process by a pipe named after HOST and USER as the process saw them. */
function control(pid: number, ...argv: string[]): void {
  execFileSync('callgrind_control', [...argv, String(pid)], {
    env: { ...process.env, HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
}

async function measure(name: string, child: Child, path: string, outBase: string): Promise<Window[]> {
  const pid = child.proc.pid as number;
  const url = `${child.url}${path}`;
  process.stdout.write(`  ${name}: warm-up ${WARMUP_S} s uncounted`);
  const warm = await runWrk(url, { seconds: WARMUP_S, connections: CONNECTIONS });
  if (warm.non2xx3xx || warm.socketErrors) throw new Error(`${name}: bad responses during warm-up`);
  // Switching counting on changes the timing V8 sees (everything runs ~50× slower): the first counted window was
  // seen to carry background recompilation (half again the instructions). It is run and thrown away.
  process.stdout.write(' · a window thrown away');
  control(pid, '-i', 'on');
  await runWrk(url, { seconds: SECONDS, connections: CONNECTIONS });
  control(pid, '-i', 'off');
  const windows: Window[] = [];
  for (let w = 1; w <= WINDOWS; w++) {
    process.stdout.write(` · window ${w}`);
    control(pid, '-z');
    control(pid, '-i', 'on');
    const r = await runWrk(url, { seconds: SECONDS, connections: CONNECTIONS });
    control(pid, '-i', 'off');
    control(pid, '-d');
    if (r.non2xx3xx || r.socketErrors || r.requests === 0) throw new Error(`${name}: bad responses in window ${w}`);
    // With --separate-threads=yes each dump is one file per thread: <base>.<dump>-<thread>, thread 01 the main one.
    const dir = dirname(outBase);
    const base = basename(outBase);
    const files = readdirSync(dir).filter((f) => f.startsWith(`${base}.${w}-`));
    if (files.length === 0) throw new Error(`${name}: no callgrind dump for window ${w}`);
    let mainIr = 0;
    let otherIr = 0;
    let runtimeIr = 0;
    for (const f of files) {
      const n = totals(join(dir, f));
      if (f.endsWith('-01')) {
        mainIr += n;
        runtimeIr += runtimeInstructions(join(dir, f));
      } else otherIr += n;
    }
    windows.push({ requests: r.requests, mainIr, otherIr, runtimeIr });
  }
  console.log('');
  return windows;
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'wenyuan-bench-ir-'));
  try {
    console.log(
      `GET /d/<id> anonymous under callgrind · ${CONNECTIONS} connections · warm-up ${WARMUP_S} s · ` +
        `${WINDOWS} × ${SECONDS} s counted · node ${process.version}`,
    );
    const dataDir = join(work, 'sqlite');
    mkdirSync(dataDir, { recursive: true });
    const databaseUrl = `sqlite:${join(dataDir, 'wenyuan.db')}`;
    const seeder = await startWenyuan('wenyuan-seed', dataDir, databaseUrl, true);
    const id = await seed(seeder.url, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl }, seeder.logFile);
    await settle(seeder, `/d/${id}`);
    const page = await httpGet(`${seeder.url}/d/${id}`);
    await stopChild(seeder);
    if (page.status !== 200) throw new Error(`/d/${id} answered ${page.status}`);

    const bareEnv = bareServerEnv(work, page);

    const all: { name: string; start: (wrapper: string[]) => Promise<Child>; path: string }[] = [
      {
        name: 'bare fastify',
        path: '/',
        start: (w) => startChild('bare-fastify', ['-e', BARE_FASTIFY], bareEnv, join(work, 'fastify.log'), '/', w),
      },
      {
        name: 'bare node:http, same headers',
        path: '/',
        start: (w) =>
          startChild('bare-headers', ['-e', BARE_SERVER_HEADERS], bareEnv, join(work, 'headers.log'), '/', w),
      },
      {
        name: 'wenyuan (access log)',
        path: `/d/${id}`,
        start: (w) => startWenyuan('wenyuan-log', dataDir, databaseUrl, true, undefined, w),
      },
      {
        name: 'wenyuan (LOG_ACCESS=false)',
        path: `/d/${id}`,
        start: (w) => startWenyuan('wenyuan-quiet', dataDir, databaseUrl, false, undefined, w),
      },
    ];
    const servers = all.filter((s) => !args.only || s.name.includes(args.only));

    const rows: { name: string; windows: Window[] }[] = [];
    for (const [i, s] of servers.entries()) {
      const outBase = join(work, `cg${i}`);
      const wrapper = [
        VALGRIND as string,
        '--tool=callgrind',
        '--instr-atstart=no',
        '--separate-threads=yes',
        `--callgrind-out-file=${outBase}`,
      ];
      const child = await s.start(wrapper);
      try {
        // The same page but for the site origin in its links, which carries each server's own port.
        const check = await httpGet(`${child.url}${s.path}`);
        const portless = (b: Buffer) => b.toString('utf8').replace(/http:\/\/localhost:\d+/g, '');
        if (check.status !== 200 || portless(check.body) !== portless(page.body))
          throw new Error(`${s.name} does not send the captured page`);
        rows.push({ name: s.name, windows: await measure(s.name, child, s.path, outBase) });
      } finally {
        await stopChild(child);
      }
    }

    const k = (n: number) => (n / 1000).toFixed(1);
    console.log('');
    console.log(
      'instructions per request (thousands), each window: main thread (event loop) + other threads = total ' +
        '[main thread inside V8 runtime calls]',
    );
    const ref = rows.find((r) => r.name === 'bare fastify');
    const mean = (ws: Window[]) => ws.reduce((n, w) => n + (w.mainIr + w.otherIr) / w.requests, 0) / ws.length;
    for (const r of rows) {
      const cells = r.windows.map(
        (w) =>
          `${k(w.mainIr / w.requests)} + ${k(w.otherIr / w.requests)} = ${k((w.mainIr + w.otherIr) / w.requests)} ` +
          `[${k(w.runtimeIr / w.requests)}]`,
      );
      const vs = ref ? ` · ${(mean(r.windows) / mean(ref.windows)).toFixed(2)}× bare Fastify` : '';
      console.log(`  ${r.name.padEnd(30)} ${cells.join('  |  ')}${vs}`);
    }
    console.log(`  (${rows.map((r) => r.windows.map((w) => w.requests).join('/')).join(', ')} requests per window)`);
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  } finally {
    await Promise.allSettled([...children].map(stopChild));
    if (args.keep) console.log(`callgrind dumps kept in ${work} (callgrind_annotate --inclusive=yes <file>)`);
    else rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();

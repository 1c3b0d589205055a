// Office formats (doc, wps, rtf, odt, pptx, ppt, dps, xlsx, xls, et, ods) → PDF with LibreOffice from Debian.
// Two ways, one isolation (office-process.ts):
// - pooled (OfficeOptions.pool > 0, Debian's python3-uno present): a few long-lived members driven over UNO
//   (libreoffice-pool.ts, decision 0028), recycled after N documents or any failure;
// - one child process per file, `soffice --headless --convert-to pdf` (when the pool is off, python3-uno is
//   missing, or a member failed on this file: the file then gets a process of its own).
// Each LibreOffice process gets
// - a fresh user profile (-env:UserInstallation) in its own temp directory: a profile shared by two runs makes the
//   second one exit 0 without writing anything;
// - a timeout that kills the whole process group (soffice is a shell script that starts soffice.bin);
// - a resident-memory cap: a watchdog sums VmRSS over the run's processes (/proc) and kills them all past the cap.
//   Not an address-space cap (prlimit --as): LibreOffice maps far more than it uses (2.36 GB mapped for 343 MB
//   resident on a 3 MB .ppt), so such a cap refused ordinary files. The machine has no writable cgroup v2 memory
//   controller here (cgroup v1 hybrid), which would be the kernel-enforced alternative;
// - macros disabled in the fresh profile (security level "very high", execution off): a document's macros never run;
// - a zip with stray bytes after its end record is handed over as the clean zip it should be (zip-open.ts);
// - no network (`unshare -n`, when the kernel lets this user make a network namespace);
// - a slot in a semaphore (one-shot) or a pool member, so at most `concurrency` (`pool`) run at once.
// The text is then read from the PDF by the ordinary PDF extractor.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOfficePool, type OfficePool, type PoolOutcome } from './libreoffice-pool.ts';
import {
  killGroup,
  killStragglers,
  markedRss,
  RSS_POLL_MS,
  sofficeArgv,
  sofficeEnv,
  writeProfile,
} from './office-process.ts';
import { cfbProtection, odfIsEncrypted } from './office-protection.ts';
import { ConversionError, type OfficeFormat } from './types.ts';
import { locateZipEnd, needsRepair, writeNormalizedZip } from './zip-open.ts';

export { markedRss } from './office-process.ts';

/** How LibreOffice is run. */
export interface OfficeOptions {
  /** The soffice executable; a path that does not exist means "not installed". */
  sofficePath: string;
  /** Time allowed for one file (a one-shot run, start-up included; one document of a pool member). */
  timeoutMs: number;
  /** Resident-memory cap of the LibreOffice run (all its processes together; a pool member), in MB. */
  memoryMb: number;
  /** Most one-shot conversions at once. */
  concurrency: number;
  /** Long-lived pool members (0 or absent: one process per file). */
  pool?: number;
  /** A member is replaced after this many documents (and after any failure); default 200. */
  recycleAfter?: number;
  /** The python3 with Debian's python3-uno; default /usr/bin/python3. */
  python?: string;
  /** A pool member without work for this long is stopped; default 120 s. */
  idleMs?: number;
  /** For the line saying the pool is off (python3-uno missing) and for member failures. */
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** fontconfig file for the child (zh-CN preference, 公文 font aliases); defaults to the one shipped in the repo. */
  fontconfigFile?: string;
  /** Where the per-run directories (profile, output) are made; the system temp directory by default. */
  tmpRoot?: string;
}

/** What was run: pool members started, documents they converted, one-shot processes started. */
export interface OfficeStats {
  poolStarts: number;
  pooled: number;
  oneShot: number;
}

/** Converts office files to PDF; `available` is false when LibreOffice is not installed. */
export interface OfficeConverter {
  readonly available: boolean;
  /**
   * Converts the file at `input` (sniffed as `format`) to a PDF inside a new temp directory and returns its path;
   * the caller removes `dir` when done. Rejects with a ConversionError. `background` (page images) waits behind
   * every conversion that publishes.
   */
  toPdf(
    input: string,
    format: OfficeFormat | 'docx',
    opts?: { background?: boolean },
  ): Promise<{ pdf: string; dir: string }>;
  stats(): OfficeStats;
  /** Stops the pool: no LibreOffice process of this converter is left when it resolves. */
  close(): Promise<void>;
}

/** The fontconfig file shipped with the project: see docs/fonts.md. */
export const FONTCONFIG_FILE = fileURLToPath(new URL('../../config/fontconfig/fonts.conf', import.meta.url));

/** The UNO driver of a pool member (Python, python3-uno). */
export const UNO_DRIVER = fileURLToPath(new URL('../../config/libreoffice/uno-convert.py', import.meta.url));

/** The soffice to use: $SOFFICE, else /usr/bin/soffice (Debian's libreoffice-*-nogui packages). */
export function defaultSofficePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SOFFICE?.trim() || '/usr/bin/soffice';
}

/** Whether `python` can import uno (Debian's python3-uno). */
export function unoBridgeAvailable(python: string): boolean {
  const r = spawnSync(python, ['-c', 'import uno'], { stdio: 'ignore', timeout: 15_000 });
  return r.status === 0;
}

/** A counting semaphore: at most `n` holders. */
function semaphore(n: number) {
  let free = Math.max(1, Math.floor(n));
  const waiting: Array<() => void> = [];
  return async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

export function createOfficeConverter(opts: OfficeOptions): OfficeConverter {
  const available = existsSync(opts.sofficePath);
  const withSlot = semaphore(opts.concurrency);
  const fontconfig = opts.fontconfigFile ?? FONTCONFIG_FILE;
  const tmpRoot = opts.tmpRoot ?? tmpdir();
  const stats = { oneShot: 0 };
  // One-shot runs in flight, each by the function that kills all its processes: close() and the process's exit kill
  // them (their timeout and watchdog live in this process; a run left behind would go on uncapped).
  const running = new Set<() => void>();
  const onExit = () => {
    for (const kill of running) kill();
  };
  const track = (kill: () => void) => {
    if (running.size === 0) process.on('exit', onExit);
    running.add(kill);
    return () => {
      running.delete(kill);
      if (running.size === 0) process.off('exit', onExit);
    };
  };
  // Decided at the first conversion: null = one process per file.
  let pool: OfficePool | null | undefined;
  const getPool = (): OfficePool | null => {
    if (pool !== undefined) return pool;
    const size = Math.floor(opts.pool ?? 0);
    const python = opts.python ?? '/usr/bin/python3';
    pool = null;
    if (size <= 0) return pool;
    if (!existsSync(UNO_DRIVER) || !unoBridgeAvailable(python)) {
      opts.log?.warn(
        { python },
        'LibreOffice pool off: python3-uno is not installed (apt-get install python3-uno); one process per file',
      );
      return pool;
    }
    opts.log?.info({ size }, 'LibreOffice pool on');
    pool = createOfficePool({
      size,
      sofficePath: opts.sofficePath,
      python,
      driver: UNO_DRIVER,
      fontconfig,
      tmpRoot,
      timeoutMs: opts.timeoutMs,
      memoryMb: opts.memoryMb,
      recycleAfter: opts.recycleAfter ?? 200,
      idleMs: opts.idleMs ?? 120_000,
      startupMs: 60_000,
    });
    return pool;
  };
  let closed = false;

  const oneShot = (dir: string, named: string, input: string) =>
    withSlot(async () => {
      // A run waiting for a slot when the converter closed does not start.
      if (closed) throw new ConversionError('failed', { detail: 'converter closed' }, false);
      stats.oneShot++;
      return runSoffice(opts, fontconfig, dir, named, input, track);
    });

  return {
    available,
    async toPdf(input, format, toPdfOpts) {
      if (!available) throw new ConversionError('unsupported', { ext: format });
      if (closed) throw new ConversionError('failed', { detail: 'converter closed' }, false);
      const dir = await mkdtemp(join(tmpRoot, 'wenyuan-lo-'));
      try {
        const named = await prepareInput(dir, input, format);
        const p = getPool();
        if (p) {
          const outDir = join(dir, 'out');
          await mkdir(outDir);
          const pdf = join(outDir, 'input.pdf');
          const outcome = await p.convert(named, pdf, toPdfOpts?.background ? 1 : 0);
          if (outcome.ok && (await nonEmpty(pdf))) return { pdf, dir };
          if (outcome.ok || outcome.kind !== 'member') throw await poolError(outcome, input, opts.memoryMb);
          // The member failed on this file (crashed, did not start): the file gets a process of its own, whose
          // verdict is the one a one-process-per-file run would give.
          opts.log?.warn({ reason: outcome.message }, 'LibreOffice pool member failed; converting the file alone');
          await rm(outDir, { recursive: true, force: true });
        }
        return { pdf: await oneShot(dir, named, input), dir };
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    },
    stats: () => {
      const s = pool ? pool.stats() : undefined;
      return { poolStarts: s?.starts ?? 0, pooled: s?.documents ?? 0, oneShot: stats.oneShot };
    },
    async close() {
      closed = true;
      onExit();
      // Until every one-shot run has seen its processes end (each removes itself when its child closes).
      for (let i = 0; i < 250 && running.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
      await pool?.close();
    },
  };
}

async function nonEmpty(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

/** The ConversionError for a pool outcome, as a one-shot run would have ended on the same file. */
async function poolError(outcome: PoolOutcome, input: string, memoryMb: number): Promise<ConversionError> {
  if (outcome.ok) return (await isProtected(input)) ? new ConversionError('encrypted') : new ConversionError('corrupt');
  switch (outcome.kind) {
    case 'timeout':
      return new ConversionError('timeout');
    case 'memory':
      return new ConversionError('outOfMemory', { detail: `LibreOffice over ${memoryMb} MB resident` });
    case 'closed':
      return new ConversionError('failed', { detail: 'converter closed' }, false);
    default:
      // LibreOffice could not open or export it: password-protected, or damaged/unknown.
      if (/password/i.test(outcome.message) || (await isProtected(input))) return new ConversionError('encrypted');
      return new ConversionError('corrupt');
  }
}

// Blobs have no extension; LibreOffice picks its import filter partly by the name, so give it one. A zip with stray
// bytes after its end record is written out clean instead.
async function prepareInput(dir: string, input: string, format: OfficeFormat | 'docx'): Promise<string> {
  const named = join(dir, `input.${format}`);
  const extent = (await isZipFile(input)) ? await locateZipEnd(input) : undefined;
  if (needsRepair(extent)) await writeNormalizedZip(input, extent, named);
  else await symlink(input, named);
  return named;
}

async function runSoffice(
  opts: OfficeOptions,
  fontconfig: string,
  dir: string,
  named: string,
  input: string,
  track: (kill: () => void) => () => void,
): Promise<string> {
  const outDir = join(dir, 'out');
  const profile = join(dir, 'profile');
  await writeProfile(profile);
  const argv = sofficeArgv(opts.sofficePath, profile, ['--convert-to', 'pdf', '--outdir', outDir, named]);
  const env = sofficeEnv(dir, fontconfig);
  const r = await run(argv, env, opts.timeoutMs, dir, opts.memoryMb, track);
  const { code, signal, timedOut, overMemory, stderr } = r;
  if (r.closed) throw new ConversionError('failed', { detail: 'converter closed' }, false);
  if (timedOut) throw new ConversionError('timeout');
  if (overMemory) throw new ConversionError('outOfMemory', { detail: `LibreOffice over ${opts.memoryMb} MB resident` });
  const produced = existsSync(outDir) ? (await readdir(outDir)).filter((n) => n.endsWith('.pdf')) : [];
  const pdf = produced[0] ? join(outDir, produced[0]) : undefined;
  if (pdf && (await stat(pdf)).size > 0) return pdf;
  // soffice exits 0 without output when it cannot open the file (damaged, password-protected, unknown).
  if (signal === 'SIGSEGV' || signal === 'SIGABRT' || /bad_alloc|out of memory/i.test(stderr)) {
    throw new ConversionError('outOfMemory');
  }
  // A password-protected file LibreOffice could not open (an Excel FilePass without the default password, an ODF
  // package with encryption-data, anything the sniffer let through) is encrypted, not damaged.
  if (/password/i.test(stderr) || (await isProtected(input))) throw new ConversionError('encrypted');
  if (code !== 0 && code !== null) {
    throw new ConversionError('failed', { detail: `LibreOffice exit ${code}: ${stderr.trim().slice(0, 80)}` }, false);
  }
  throw new ConversionError('corrupt');
}

async function isProtected(input: string): Promise<boolean> {
  try {
    if (await isZipFile(input)) return await odfIsEncrypted(input);
    return (await cfbProtection(input)) !== undefined;
  } catch {
    return false;
  }
}

async function isZipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    return head[0] === 0x50 && head[1] === 0x4b;
  } finally {
    await fh.close();
  }
}

function run(
  argv: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  marker: string,
  memoryMb: number,
  track: (kill: () => void) => () => void,
): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  overMemory: boolean;
  closed: boolean;
  stderr: string;
}> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    let overMemory = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < 4000) stderr += s;
    });
    const killAll = () => {
      killGroup(child.pid);
      killStragglers(marker);
    };
    // Killed because the converter closed: no verdict on the file.
    let closedRun = false;
    const untrack = track(() => {
      closedRun = true;
      killAll();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, timeoutMs);
    // The resident-memory watchdog: every process of the run names its directory on its command line.
    const limit = memoryMb * 1024 * 1024;
    const watchdog =
      process.platform === 'linux'
        ? setInterval(() => {
            if (overMemory || markedRss(marker) <= limit) return;
            overMemory = true;
            killAll();
          }, RSS_POLL_MS)
        : undefined;
    const stop = () => {
      clearTimeout(timer);
      clearInterval(watchdog);
      untrack();
    };
    child.on('error', (err) => {
      stop();
      resolve({ code: 127, signal: null, timedOut: false, overMemory: false, closed: closedRun, stderr: String(err) });
    });
    child.on('close', (code, signal) => {
      stop();
      // Nothing of the run may outlive it (oosplash can leave soffice.bin behind).
      killAll();
      resolve({ code, signal, timedOut, overMemory, closed: closedRun, stderr });
    });
  });
}

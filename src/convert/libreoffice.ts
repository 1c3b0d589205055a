// Office formats (doc, wps, rtf, odt, pptx, ppt, dps, xlsx, xls, et, ods) → PDF with LibreOffice from Debian, one
// child process per file: `soffice --headless --convert-to pdf`. Each run gets
// - a fresh user profile (-env:UserInstallation) in its own temp directory: a profile shared by two runs makes the
//   second one exit 0 without writing anything;
// - a timeout that kills the whole process group (soffice is a shell script that starts soffice.bin);
// - an address-space cap (prlimit --as), inherited by soffice.bin;
// - no network (`unshare -n`, when the kernel lets this user make a network namespace);
// - a slot in a semaphore, so at most `concurrency` run at once.
// The text is then read from the PDF by the ordinary PDF extractor.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConversionError, type OfficeFormat } from './types.ts';

/** How LibreOffice is run. */
export interface OfficeOptions {
  /** The soffice executable; a path that does not exist means "not installed". */
  sofficePath: string;
  timeoutMs: number;
  /** Address-space cap of the LibreOffice process, in MB. */
  memoryMb: number;
  /** Most conversions at once. */
  concurrency: number;
  /** fontconfig file for the child (zh-CN preference, 公文 font aliases); defaults to the one shipped in the repo. */
  fontconfigFile?: string;
  /** Where the per-run directories (profile, output) are made; the system temp directory by default. */
  tmpRoot?: string;
}

/** Converts office files to PDF; `available` is false when LibreOffice is not installed. */
export interface OfficeConverter {
  readonly available: boolean;
  /**
   * Converts the file at `input` (sniffed as `format`) to a PDF inside a new temp directory and returns its path;
   * the caller removes `dir` when done. Rejects with a ConversionError.
   */
  toPdf(input: string, format: OfficeFormat | 'docx'): Promise<{ pdf: string; dir: string }>;
}

/** The fontconfig file shipped with the project: see docs/fonts.md. */
export const FONTCONFIG_FILE = fileURLToPath(new URL('../../config/fontconfig/fonts.conf', import.meta.url));

/** The soffice to use: $SOFFICE, else /usr/bin/soffice (Debian's libreoffice-*-nogui packages). */
export function defaultSofficePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SOFFICE?.trim() || '/usr/bin/soffice';
}

let unshareWorks: boolean | undefined;
/** Whether `unshare -n` can make a network namespace here (root, or unprivileged user namespaces). Probed once. */
function canUnshareNet(): boolean {
  if (unshareWorks === undefined) {
    const r = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore', timeout: 5000 });
    unshareWorks = r.status === 0;
  }
  return unshareWorks;
}

let prlimitWorks: boolean | undefined;
function hasPrlimit(): boolean {
  if (prlimitWorks === undefined) {
    const r = spawnSync('prlimit', ['--version'], { stdio: 'ignore', timeout: 5000 });
    prlimitWorks = r.status === 0;
  }
  return prlimitWorks;
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
  return {
    available,
    async toPdf(input, format) {
      if (!available) throw new ConversionError('unsupported', { ext: format });
      return withSlot(async () => {
        const dir = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), 'wenyuan-lo-'));
        try {
          const pdf = await runSoffice(opts, fontconfig, dir, input, format);
          return { pdf, dir };
        } catch (err) {
          await rm(dir, { recursive: true, force: true });
          throw err;
        }
      });
    },
  };
}

async function runSoffice(
  opts: OfficeOptions,
  fontconfig: string,
  dir: string,
  input: string,
  format: OfficeFormat | 'docx',
): Promise<string> {
  // Blobs have no extension; LibreOffice picks its import filter partly by the name, so give it one.
  const named = join(dir, `input.${format}`);
  await symlink(input, named);
  const outDir = join(dir, 'out');
  const profile = join(dir, 'profile');
  const soffice = [
    opts.sofficePath,
    '--headless',
    '--invisible',
    '--norestore',
    '--nolockcheck',
    '--nodefault',
    '--nologo',
    `-env:UserInstallation=file://${profile}`,
    '--convert-to',
    'pdf',
    '--outdir',
    outDir,
    named,
  ];
  let argv = soffice;
  if (hasPrlimit()) argv = ['prlimit', `--as=${opts.memoryMb * 1024 * 1024}`, '--', ...argv];
  if (canUnshareNet()) argv = ['unshare', '-n', ...argv];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    TMPDIR: dir,
    LANG: 'zh_CN.UTF-8',
    LC_ALL: 'C.UTF-8',
    SAL_USE_VCLPLUGIN: 'svp',
    ...(existsSync(fontconfig) ? { FONTCONFIG_FILE: fontconfig } : {}),
  };
  const { code, signal, timedOut, stderr } = await run(argv, env, opts.timeoutMs, dir);
  if (timedOut) throw new ConversionError('timeout');
  const produced = existsSync(outDir) ? (await readdir(outDir)).filter((n) => n.endsWith('.pdf')) : [];
  const pdf = produced[0] ? join(outDir, produced[0]) : undefined;
  if (pdf && (await stat(pdf)).size > 0) return pdf;
  // soffice exits 0 without output when it cannot open the file (damaged, password-protected, unknown).
  if (signal === 'SIGSEGV' || signal === 'SIGABRT' || /bad_alloc|out of memory/i.test(stderr)) {
    throw new ConversionError('outOfMemory');
  }
  if (/password/i.test(stderr)) throw new ConversionError('encrypted');
  if (code !== 0 && code !== null) {
    throw new ConversionError('failed', { detail: `LibreOffice exit ${code}: ${stderr.trim().slice(0, 80)}` }, false);
  }
  throw new ConversionError('corrupt');
}

/**
 * Kills every process whose command line names this run's private directory. oosplash calls setsid(), so it and
 * its soffice.bin leave our process group and survive a group kill (seen: two soffice.bin left spinning for 30 min).
 */
function killStragglers(marker: string): void {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(marker)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already, or not ours to read
    }
  }
}

function run(
  argv: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  marker: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < 4000) stderr += s;
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      if (process.platform === 'linux') killStragglers(marker);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, signal: null, timedOut: false, stderr: String(err) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Nothing of the run may outlive it (oosplash can leave soffice.bin behind).
      killGroup();
      resolve({ code, signal, timedOut, stderr });
    });
  });
}

// Office formats (doc, wps, rtf, odt, pptx, ppt, dps, xlsx, xls, et, ods) → PDF with LibreOffice from Debian, one
// child process per file: `soffice --headless --convert-to pdf`. Each run gets
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
// - a slot in a semaphore, so at most `concurrency` run at once.
// The text is then read from the PDF by the ordinary PDF extractor.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cfbProtection, odfIsEncrypted } from './office-protection.ts';
import { ConversionError, type OfficeFormat } from './types.ts';
import { locateZipEnd, needsRepair, writeNormalizedZip } from './zip-open.ts';

/** How LibreOffice is run. */
export interface OfficeOptions {
  /** The soffice executable; a path that does not exist means "not installed". */
  sofficePath: string;
  timeoutMs: number;
  /** Resident-memory cap of the LibreOffice run (all its processes together), in MB. */
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

// How often the watchdog reads the run's resident memory; LibreOffice grows by tens of MB between two reads at most.
const RSS_POLL_MS = 200;

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
  // Blobs have no extension; LibreOffice picks its import filter partly by the name, so give it one. A zip with
  // stray bytes after its end record is written out clean instead.
  const named = join(dir, `input.${format}`);
  const extent = (await isZipFile(input)) ? await locateZipEnd(input) : undefined;
  if (needsRepair(extent)) await writeNormalizedZip(input, extent, named);
  else await symlink(input, named);
  const outDir = join(dir, 'out');
  const profile = join(dir, 'profile');
  await writeProfile(profile);
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
  const { code, signal, timedOut, overMemory, stderr } = await run(argv, env, opts.timeoutMs, dir, opts.memoryMb);
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

// Macro security "very high" (only trusted locations, of which there are none) and macro execution disabled, in the
// run's fresh profile, before LibreOffice first reads it.
const PROFILE_XCU = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
`;

async function writeProfile(profile: string): Promise<void> {
  await mkdir(join(profile, 'user'), { recursive: true });
  await writeFile(join(profile, 'user', 'registrymodifications.xcu'), PROFILE_XCU);
}

/** Resident bytes of every process whose command line names `marker` (this run's directory), from /proc. */
export function markedRss(marker: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(marker)) continue;
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // gone already, or not ours to read
    }
  }
  return total;
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
  memoryMb: number,
): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  overMemory: boolean;
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
    // The resident-memory watchdog: every process of the run names its directory on its command line.
    const limit = memoryMb * 1024 * 1024;
    const watchdog =
      process.platform === 'linux'
        ? setInterval(() => {
            if (overMemory || markedRss(marker) <= limit) return;
            overMemory = true;
            killGroup();
          }, RSS_POLL_MS)
        : undefined;
    const stop = () => {
      clearTimeout(timer);
      clearInterval(watchdog);
    };
    child.on('error', (err) => {
      stop();
      resolve({ code: 127, signal: null, timedOut: false, overMemory: false, stderr: String(err) });
    });
    child.on('close', (code, signal) => {
      stop();
      // Nothing of the run may outlive it (oosplash can leave soffice.bin behind).
      killGroup();
      resolve({ code, signal, timedOut, overMemory, stderr });
    });
  });
}

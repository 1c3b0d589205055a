// What every LibreOffice process wenyuan starts has in common, one-shot (libreoffice.ts) or pooled
// (libreoffice-pool.ts): a fresh profile with macros off, no network, the zh-CN fontconfig, and processes found by
// the private directory their command line names, to measure their memory and to kill every one of them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// How often a watchdog reads resident memory; LibreOffice grows by tens of MB between two reads at most.
export const RSS_POLL_MS = 200;

let unshareWorks: boolean | undefined;
/** Whether `unshare -n` can make a network namespace here (root, or unprivileged user namespaces). Probed once. */
export function canUnshareNet(): boolean {
  if (unshareWorks === undefined) {
    const r = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore', timeout: 5000 });
    unshareWorks = r.status === 0;
  }
  return unshareWorks;
}

/** The soffice flags shared by every run: headless, no restore/lock/start centre, and the given profile. */
export function sofficeArgv(sofficePath: string, profile: string, extra: string[]): string[] {
  const argv = [
    sofficePath,
    '--headless',
    '--invisible',
    '--norestore',
    '--nolockcheck',
    '--nodefault',
    '--nologo',
    `-env:UserInstallation=file://${profile}`,
    ...extra,
  ];
  return canUnshareNet() ? ['unshare', '-n', ...argv] : argv;
}

/** The environment of a LibreOffice process living in `dir`: nothing of ours but PATH, zh-CN fonts first. */
export function sofficeEnv(dir: string, fontconfig: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    TMPDIR: dir,
    LANG: 'zh_CN.UTF-8',
    LC_ALL: 'C.UTF-8',
    SAL_USE_VCLPLUGIN: 'svp',
    ...(existsSync(fontconfig) ? { FONTCONFIG_FILE: fontconfig } : {}),
  };
}

// Macro security "very high" (only trusted locations, of which there are none) and macro execution disabled, in the
// run's fresh profile, before LibreOffice first reads it.
const PROFILE_XCU = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
`;

/** Writes a fresh profile (macros off) at `profile`. */
export async function writeProfile(profile: string): Promise<void> {
  await mkdir(join(profile, 'user'), { recursive: true });
  await writeFile(join(profile, 'user', 'registrymodifications.xcu'), PROFILE_XCU);
}

/** Pids of the processes whose command line names `marker` (a private directory), this process excepted. */
export function markedPids(marker: string): number[] {
  const out: number[] = [];
  // A short or empty marker would name other people's processes.
  if (marker.length < 8) return out;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(marker)) out.push(Number(pid));
    } catch {
      // gone already, or not ours to read
    }
  }
  return out;
}

/** Resident bytes of every process whose command line names `marker`, from /proc. */
export function markedRss(marker: string): number {
  let total = 0;
  for (const pid of markedPids(marker)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // gone already
    }
  }
  return total;
}

/**
 * Kills every process whose command line names `marker`. oosplash calls setsid(), so it and its soffice.bin leave
 * our process group and survive a group kill (seen: two soffice.bin left spinning for 30 min).
 */
export function killStragglers(marker: string): void {
  if (process.platform !== 'linux') return;
  for (const pid of markedPids(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** SIGKILLs the process group led by `pid` (soffice is a shell script that starts oosplash and soffice.bin). */
export function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// A small pool of long-lived LibreOffice processes (decision 0028), so a bulk import stops paying LibreOffice's
// start-up and a fresh profile per file. Each member is
// - one `soffice --headless --accept=pipe,name=…;urp;` (a local pipe: no socket, and `unshare -n` as for one-shot
//   runs) with a profile of its own in a private directory, macros off;
// - one python3 driver (config/libreoffice/uno-convert.py, Debian's python3-uno) that talks UNO to it and converts
//   one document per JSON request on its stdin: loaded hidden, read-only, macros never run, links never updated;
// - a resident-memory watchdog over every process naming the member's directory, and a per-document timeout: either
//   kills the member (all its processes), fails that document and lets a fresh member take the next;
// - recycled (killed, its profile removed, a new one started with a fresh profile when there is work) after
//   `recycleAfter` documents or any failure, and stopped after `idleMs` without work.
// Requests wait in priority order (0 = a conversion that publishes, before 1 = page images).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  killGroup,
  killStragglers,
  markedPids,
  markedRss,
  RSS_POLL_MS,
  sofficeArgv,
  sofficeEnv,
  writeProfile,
} from './office-process.ts';

export interface OfficePoolOptions {
  size: number;
  sofficePath: string;
  /** The system python3 that has python3-uno. */
  python: string;
  /** config/libreoffice/uno-convert.py */
  driver: string;
  fontconfig: string;
  tmpRoot: string;
  /** Time allowed for one document. */
  timeoutMs: number;
  /** Resident-memory cap of one member (soffice and its driver together), in MB. */
  memoryMb: number;
  recycleAfter: number;
  idleMs: number;
  startupMs: number;
}

/** How one request ended: converted, refused by LibreOffice, or the member failed (then try a process of its own). */
export type PoolOutcome =
  | { ok: true }
  | { ok: false; kind: 'load' | 'export' | 'timeout' | 'memory' | 'member' | 'closed'; message: string };

export interface PoolStats {
  /** Members started (each one soffice start). */
  starts: number;
  /** Documents answered by a member. */
  documents: number;
  /** Members alive now. */
  members: number;
}

export interface OfficePool {
  /** Converts `input` (named with its extension) to the PDF `output`; priority 0 goes before 1. */
  convert(input: string, output: string, priority: number): Promise<PoolOutcome>;
  stats(): PoolStats;
  /** Kills every member and waits until none of their processes is left. */
  close(): Promise<void>;
}

interface Request {
  input: string;
  output: string;
  priority: number;
  seq: number;
  resolve(outcome: PoolOutcome): void;
}

interface Member {
  dir: string;
  /** The UNO pipe's name; LibreOffice makes it /tmp/OSL_PIPE_<uid>_<name> (not under TMPDIR). */
  pipe?: string;
  soffice?: ChildProcess;
  driver?: ChildProcess;
  ready: boolean;
  dead: boolean;
  docs: number;
  current?: Request;
  /** Why the member was killed on purpose, for the document it was converting. */
  killedFor?: PoolOutcome;
  timer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  watchdog?: NodeJS.Timeout;
}

const unrefStream = (s: unknown) => (s as { unref?: () => void } | null)?.unref?.();

export function createOfficePool(opts: OfficePoolOptions): OfficePool {
  const waiting: Request[] = [];
  const members = new Set<Member>();
  const dirs = new Set<string>();
  let seq = 0;
  let closed = false;
  const stats = { starts: 0, documents: 0 };
  // Members that died before they were ready, in a row; past 3, the pool stands aside for a while and every file gets
  // a process of its own (a broken bridge must not cost a minute per file).
  let startFailures = 0;
  let asideUntil = 0;
  const onExit = () => {
    for (const m of members) kill(m);
  };

  const kill = (m: Member) => {
    if (!m.dir) return;
    killGroup(m.soffice?.pid);
    try {
      m.driver?.kill('SIGKILL');
    } catch {
      // gone already
    }
    killStragglers(m.dir);
  };

  // Takes a member out for good: kills its processes, answers its document with `outcome`, removes its profile.
  const retire = (m: Member, outcome: PoolOutcome) => {
    if (m.dead) return;
    m.dead = true;
    if (!m.ready && !closed && ++startFailures >= 3) {
      asideUntil = Date.now() + 10 * 60_000;
      startFailures = 0;
    }
    members.delete(m);
    if (members.size === 0) process.off('exit', onExit);
    clearTimeout(m.timer);
    clearTimeout(m.idleTimer);
    clearInterval(m.watchdog);
    kill(m);
    const req = m.current;
    m.current = undefined;
    req?.resolve(m.killedFor ?? outcome);
    void removeDir(m.dir);
    // A killed soffice leaves its pipe's socket file behind.
    if (m.pipe) void rm(`/tmp/OSL_PIPE_${process.getuid?.() ?? 0}_${m.pipe}`, { force: true }).catch(() => {});
    pump();
  };

  const removeDir = async (dir: string) => {
    if (!dir) return;
    // SIGKILL is delivered at once but a process takes a moment to go; its files may go meanwhile.
    for (let i = 0; i < 50 && markedPids(dir).length > 0; i++) {
      killStragglers(dir);
      await new Promise((r) => setTimeout(r, 20));
    }
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    dirs.delete(dir);
  };

  const send = (m: Member) => {
    const req = m.current;
    if (!req || !m.ready) return;
    m.timer = setTimeout(() => {
      m.killedFor = { ok: false, kind: 'timeout', message: `LibreOffice took longer than ${opts.timeoutMs} ms` };
      retire(m, m.killedFor);
    }, opts.timeoutMs);
    m.driver?.stdin?.write(`${JSON.stringify({ id: req.seq, input: req.input, output: req.output })}\n`);
  };

  const onLine = (m: Member, line: string) => {
    let msg: { ready?: boolean; id?: number; ok?: boolean; stage?: string; message?: string };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.ready) {
      m.ready = true;
      startFailures = 0;
      clearTimeout(m.timer);
      m.timer = undefined;
      send(m);
      return;
    }
    const req = m.current;
    if (!req || msg.id !== req.seq) return;
    clearTimeout(m.timer);
    m.current = undefined;
    m.docs++;
    stats.documents++;
    if (msg.ok) req.resolve({ ok: true });
    else {
      const kind = msg.stage === 'load' || msg.stage === 'export' ? msg.stage : 'member';
      req.resolve({ ok: false, kind, message: String(msg.message ?? '').slice(0, 300) });
    }
    // Recycled after any failure, and after `recycleAfter` documents: a fresh member with a fresh profile.
    if (!msg.ok || m.docs >= opts.recycleAfter) {
      retire(m, { ok: false, kind: 'member', message: 'recycled' });
      return;
    }
    m.idleTimer = setTimeout(() => {
      if (!m.current) retire(m, { ok: false, kind: 'member', message: 'idle' });
    }, opts.idleMs);
    m.idleTimer.unref();
    pump();
  };

  const start = (req: Request): Member => {
    const m: Member = { dir: '', ready: false, dead: false, docs: 0, current: req };
    members.add(m);
    if (members.size === 1) process.on('exit', onExit);
    stats.starts++;
    // Start-up has its own clock; the document's starts when the member is ready.
    m.timer = setTimeout(
      () => retire(m, { ok: false, kind: 'member', message: 'LibreOffice did not start in time' }),
      opts.startupMs,
    );
    void (async () => {
      try {
        m.dir = await mkdtemp(join(opts.tmpRoot, 'wenyuan-lopool-'));
        dirs.add(m.dir);
        await writeProfile(join(m.dir, 'profile'));
        if (m.dead) return void removeDir(m.dir);
        launch(m);
      } catch (err) {
        retire(m, { ok: false, kind: 'member', message: `LibreOffice did not start: ${String(err).slice(0, 200)}` });
      }
    })();
    return m;
  };

  const launch = (m: Member) => {
    const pipe = `wenyuan-${process.pid}-${randomBytes(6).toString('hex')}`;
    m.pipe = pipe;
    const env = sofficeEnv(m.dir, opts.fontconfig);
    const argv = sofficeArgv(opts.sofficePath, join(m.dir, 'profile'), [
      `--accept=pipe,name=${pipe};urp;StarOffice.ComponentContext`,
    ]);
    const soffice = spawn(argv[0]!, argv.slice(1), { env, detached: true, stdio: 'ignore' });
    // The driver names the member's directory on its command line, so the watchdog counts it and a kill finds it.
    const driver = spawn(opts.python, [opts.driver, pipe, m.dir], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    m.soffice = soffice;
    m.driver = driver;
    // An idle pool must not keep the process alive; a document in flight keeps it alive by its timer.
    soffice.unref();
    driver.unref();
    for (const s of [driver.stdin, driver.stdout, driver.stderr]) unrefStream(s);
    let buf = '';
    let stderr = '';
    driver.stdout.setEncoding('utf8');
    driver.stdout.on('data', (s: string) => {
      buf += s;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        onLine(m, line);
      }
    });
    driver.stderr.setEncoding('utf8');
    driver.stderr.on('data', (s: string) => {
      if (stderr.length < 2000) stderr += s;
    });
    driver.stdin.on('error', () => {});
    const died = (what: string) => (code: number | null, signal: NodeJS.Signals | null) =>
      retire(m, {
        ok: false,
        kind: 'member',
        message: `LibreOffice ${what} stopped (${signal ?? code})${stderr ? `: ${stderr.trim().slice(-200)}` : ''}`,
      });
    driver.on('exit', died('driver'));
    driver.on('error', (err) => retire(m, { ok: false, kind: 'member', message: `driver: ${String(err)}` }));
    soffice.on('exit', died('process'));
    soffice.on('error', (err) => retire(m, { ok: false, kind: 'member', message: `soffice: ${String(err)}` }));
    const limit = opts.memoryMb * 1024 * 1024;
    if (process.platform === 'linux') {
      m.watchdog = setInterval(() => {
        // Only while starting or converting: an idle member does not grow.
        if (m.ready && !m.current) return;
        const rss = markedRss(m.dir);
        if (rss <= limit) return;
        m.killedFor = {
          ok: false,
          kind: 'memory',
          message: `LibreOffice over ${opts.memoryMb} MB resident (${Math.round(rss / 1048576)} MB)`,
        };
        retire(m, m.killedFor);
      }, RSS_POLL_MS);
      m.watchdog.unref();
    }
  };

  const pump = () => {
    while (!closed && waiting.length > 0) {
      let m: Member | undefined;
      for (const c of members) {
        if (c.ready && !c.current && !c.dead) {
          m = c;
          break;
        }
      }
      if (m) {
        clearTimeout(m.idleTimer);
        m.current = waiting.shift()!;
        send(m);
      } else if (members.size < opts.size) {
        start(waiting.shift()!);
      } else return;
    }
  };

  return {
    convert(input, output, priority) {
      return new Promise<PoolOutcome>((resolve) => {
        if (closed) return resolve({ ok: false, kind: 'closed', message: 'converter closed' });
        if (Date.now() < asideUntil) {
          return resolve({ ok: false, kind: 'member', message: 'LibreOffice pool members failed to start' });
        }
        const req: Request = { input, output, priority, seq: ++seq, resolve };
        // After every request of the same or a more urgent priority: first come, first served within a priority.
        const at = waiting.findIndex((w) => w.priority > priority);
        waiting.splice(at < 0 ? waiting.length : at, 0, req);
        pump();
      });
    },
    stats: () => ({ ...stats, members: members.size }),
    async close() {
      closed = true;
      for (const req of waiting.splice(0)) req.resolve({ ok: false, kind: 'closed', message: 'converter closed' });
      for (const m of [...members]) retire(m, { ok: false, kind: 'closed', message: 'converter closed' });
      // Until none of their processes is left and their profiles are gone.
      for (let i = 0; i < 100 && dirs.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

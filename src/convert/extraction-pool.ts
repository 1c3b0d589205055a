// The pool of long-lived extraction child processes behind createConverter (converter.ts; decision 0037): each slot
// is a child forked from convert-child.ts that runs one task at a time, with a per-task timeout (kill + replace →
// ConversionError('timeout')), a heap cap (--max-old-space-size; a heap overflow aborts the child → 'outOfMemory') and
// a cap on the child's whole resident size, native memory included, read from /proc while a task runs (rss-watch.ts;
// kill → 'outOfMemory'). A child serves up to recycleAfter tasks and is replaced sooner when it has grown past
// recycleRssMb, so the memory pdf.js and Node's buffers keep never accumulates — in the child, and never in this
// process. A child without work for idleMs is stopped.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildTask } from './convert-child.ts';
import { treeRss, watchRss } from './rss-watch.ts';
import { ConversionError, type ConvertLimits, type DocFormat, type ExtractedText, shortDetail } from './types.ts';

/** The pool's size and caps; the optional ones are documented with the same names on ConverterOptions. */
export interface ExtractionPoolOptions {
  /** Children at most, one task each at a time (≥ 1). */
  concurrency: number;
  /** Time a task may run, from when its child is ready. */
  timeoutMs: number;
  /** Most JavaScript heap of a child (--max-old-space-size), MB. */
  memoryMb: number;
  /** Most resident memory of a child and its descendants while a task runs, MB. */
  rssMb: number;
  limits: ConvertLimits;
  /** Tasks a child runs before it is replaced (default 200). */
  recycleAfter?: number | undefined;
  /** A child above this resident size (MB) after a task is replaced before the next one (default rssMb / 2). */
  recycleRssMb?: number | undefined;
  /** How often a busy child's resident size is read (ms, default 100). */
  watchMs?: number | undefined;
  /** A child with no task for this long (ms) is stopped (default 120 000). */
  idleMs?: number | undefined;
}

/** What the extraction children have done so far (benchmarks, tests). */
export interface ExtractionStats {
  /** Children started. */
  starts: number;
  /** Children replaced after recycleAfter tasks or because they had grown past recycleRssMb. */
  recycled: number;
  /** Children killed for their task: over the resident cap or over time. */
  killed: number;
  /** Children lost otherwise: crashed (heap overflow included), not ready within a minute, IPC failed. */
  failed: number;
  /** Children stopped after idleMs without work. */
  idleStops: number;
  /** The live children: pid, tasks done, whether one runs now. */
  children: Array<{ pid: number; tasks: number; busy: boolean }>;
}

/** The pool createConverter uses for docx, pdf, txt and ofd (office formats arrive as LibreOffice's PDF). */
export interface ExtractionPool {
  /** The text of the file at `path` (already sniffed as `format`), extracted in a child; rejects with a ConversionError. */
  extract(path: string, format: DocFormat): Promise<ExtractedText>;
  stats(): ExtractionStats;
  /**
   * No new task is taken; queued and running tasks reject with closedError(), every child is killed, and the promise
   * resolves once each has exited.
   */
  close(): Promise<void>;
}

/** The retryable error of a task the converter's close() cut off. */
export function closedError(): ConversionError {
  return new ConversionError('failed', { detail: 'converter closed' }, false);
}

// Loading pdf.js and htmlparser2 takes well under a second; a child that is not ready after this is broken, not slow.
const STARTUP_MS = 60_000;

interface Task {
  id: number;
  path: string;
  format: DocFormat;
  resolve(value: ExtractedText): void;
  reject(err: ConversionError): void;
}

interface Slot {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  ready: boolean;
  tasks: number;
  task?: Task | undefined;
  timer?: NodeJS.Timeout | undefined;
  /** Stops the resident-memory watch of the running task. */
  stopWatch?: (() => void) | undefined;
  startupTimer?: NodeJS.Timeout | undefined;
  idleTimer?: NodeJS.Timeout | undefined;
}

export function createExtractionPool(opts: ExtractionPoolOptions): ExtractionPool {
  const { concurrency, limits, rssMb } = opts;
  const recycleAfter = Math.max(1, Math.floor(opts.recycleAfter ?? 200));
  const recycleRssBytes = (opts.recycleRssMb ?? rssMb / 2) * 1024 * 1024;
  const watchMs = opts.watchMs ?? 100;
  const idleMs = opts.idleMs ?? 120_000;
  const queue: Task[] = [];
  const slots = new Set<Slot>();
  const exiting = new Set<Promise<void>>();
  const stats = { starts: 0, recycled: 0, killed: 0, failed: 0, idleStops: 0 };
  let closed = false;
  let nextId = 1;

  const spawn = (): Slot => {
    const child = startChild(opts.memoryMb);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const slot: Slot = { child, exited, ready: false, tasks: 0 };
    slots.add(slot);
    stats.starts++;
    child.on('message', (reply: ChildReply) => onMessage(slot, reply));
    child.on('error', (err) => {
      retire(slot, new ConversionError('failed', { detail: shortDetail(err) }, false), 'failed');
    });
    child.once('exit', (code, signal) => {
      // A V8 heap overflow aborts the child (SIGABRT, or exit code 134 through a shell); anything else is a crash.
      const oom = signal === 'SIGABRT' || code === 134;
      retire(
        slot,
        oom
          ? new ConversionError('outOfMemory', { detail: 'converter heap' })
          : new ConversionError('failed', { detail: `converter child exited (${signal ?? code})` }, false),
        'failed',
      );
    });
    slot.startupTimer = setTimeout(() => {
      retire(slot, new ConversionError('failed', { detail: 'converter child did not start' }, false), 'failed');
    }, STARTUP_MS);
    slot.startupTimer.unref();
    return slot;
  };

  // While a task runs the child (and its IPC channel) keeps this process alive; an idle one must not, and it is
  // stopped after idleMs without work (a web-and-worker process that converts now and then keeps no child around).
  const hold = (slot: Slot, busy: boolean) => {
    const channel = slot.child.channel as { ref?(): void; unref?(): void } | null | undefined;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    if (busy) {
      slot.child.ref();
      channel?.ref?.();
    } else {
      slot.child.unref();
      channel?.unref?.();
      if (slots.has(slot)) {
        slot.idleTimer = setTimeout(() => {
          if (slot.task || !slots.has(slot)) return;
          stats.idleStops++;
          retire(slot, undefined);
        }, idleMs);
        slot.idleTimer.unref();
      }
    }
  };

  // The task's clock and the resident-memory watch run from when the child can start on it, so loading the
  // libraries is not counted against the task.
  const startTask = (slot: Slot) => {
    slot.timer = setTimeout(() => retire(slot, new ConversionError('timeout'), 'killed'), opts.timeoutMs);
    slot.stopWatch = watchRss(slot.child, {
      limitBytes: rssMb * 1024 * 1024,
      everyMs: watchMs,
      onOver: () =>
        retire(slot, new ConversionError('outOfMemory', { detail: `converter over ${rssMb} MB resident` }), 'killed'),
    });
  };

  const stopTask = (slot: Slot) => {
    clearTimeout(slot.timer);
    slot.stopWatch?.();
    slot.timer = undefined;
    slot.stopWatch = undefined;
  };

  const dispatch = () => {
    while (!closed && queue.length > 0) {
      let slot: Slot | undefined;
      for (const s of slots) {
        if (!s.task) {
          slot = s;
          break;
        }
      }
      if (!slot && slots.size < concurrency) {
        try {
          slot = spawn();
        } catch (err) {
          // The child cannot even be started (bad options, tsx missing): fail this task rather than the caller.
          queue.shift()!.reject(new ConversionError('failed', { detail: shortDetail(err) }, false));
          continue;
        }
      }
      if (!slot) return;
      const task = queue.shift()!;
      slot.task = task;
      hold(slot, true);
      const message: ChildTask = { type: 'task', id: task.id, path: task.path, format: task.format, limits };
      const target = slot;
      target.child.send(message, (err) => {
        if (err) retire(target, new ConversionError('failed', { detail: shortDetail(err) }, false), 'failed');
      });
      if (slot.ready) startTask(slot);
    }
  };

  const onMessage = (slot: Slot, reply: ChildReply) => {
    if (!slots.has(slot)) return;
    if (reply.type === 'ready') {
      slot.ready = true;
      clearTimeout(slot.startupTimer);
      if (slot.task) startTask(slot);
      else hold(slot, false);
      return;
    }
    const task = slot.task;
    if (!task || reply.id !== task.id) return;
    stopTask(slot);
    slot.task = undefined;
    slot.tasks++;
    // Replaced before its next task when it has served its share or kept what this task grew.
    const pid = slot.child.pid;
    if (slot.tasks >= recycleAfter || (pid !== undefined && (treeRss(pid) ?? 0) > recycleRssBytes)) {
      stats.recycled++;
      retire(slot, undefined);
    } else {
      hold(slot, false);
    }
    if (reply.ok) task.resolve(reply.value);
    else task.reject(ConversionError.fromJSON(reply.error));
    dispatch();
  };

  // Takes a child out of the pool for good (recycled, timeout, over its cap, crash, close), kills it and fails its
  // task, if any; `count` says which figure of the stats it adds to (recycled and idle children are counted before).
  const retire = (slot: Slot, error: ConversionError | undefined, count?: 'killed' | 'failed') => {
    if (!slots.delete(slot)) return;
    if (count) stats[count]++;
    stopTask(slot);
    clearTimeout(slot.startupTimer);
    clearTimeout(slot.idleTimer);
    const { child } = slot;
    // Referenced until it has exited, so that close() can wait for it (an idle child was unreferenced).
    if (child.exitCode === null && child.signalCode === null) {
      hold(slot, true);
      child.kill('SIGKILL');
    }
    exiting.add(slot.exited);
    void slot.exited.then(() => exiting.delete(slot.exited));
    const task = slot.task;
    slot.task = undefined;
    if (task) task.reject(error ?? closedError());
    // A replacement is started only when there is work for it.
    dispatch();
  };

  return {
    extract: (path, format) =>
      new Promise<ExtractedText>((resolve, reject) => {
        if (closed) return reject(closedError());
        queue.push({ id: nextId++, path, format, resolve, reject });
        dispatch();
      }),
    stats: () => ({
      ...stats,
      children: [...slots].map((s) => ({ pid: s.child.pid ?? 0, tasks: s.tasks, busy: s.task !== undefined })),
    }),
    close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(closedError());
      for (const slot of [...slots]) retire(slot, closedError());
      return Promise.all([...exiting]).then(() => undefined);
    },
  };
}

// Under tsx (dev, tests, `tsx src/main.ts`) the child's entry is TypeScript and the child loads tsx; a built tree
// (dist/) runs the .js directly.
function startChild(memoryMb: number): ChildProcess {
  const ts = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(ts ? './convert-child.ts' : './convert-child.js', import.meta.url));
  return fork(entry, [], {
    execArgv: [
      ...(ts ? ['--import', import.meta.resolve('tsx')] : []),
      `--max-old-space-size=${Math.max(32, memoryMb)}`,
    ],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
}

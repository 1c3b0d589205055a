import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildTask } from './convert-child.ts';
import { imageToPdf } from './image-scan.ts';
import type { OfficeConverter, OfficeStats } from './libreoffice.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';
import { createRenderPool, treeRss } from './render-process.ts';
import {
  ConversionError,
  type ConvertLimits,
  DEFAULT_LIMITS,
  type DocFormat,
  type ExtractedText,
  isImageFormat,
  isOfficeFormat,
  type OfficeFormat,
  shortDetail,
} from './types.ts';
import { inspectZip } from './zip-inspect.ts';

/** What a caller may do with the PDF LibreOffice made, before it is removed. */
export interface ExtractOptions {
  /** Called with the intermediate PDF of an office format or an image (not for pdf/docx/txt), before it is deleted. */
  onPdf?: (pdfPath: string) => Promise<void>;
}

/** Extracts text from uploaded files away from the main process. */
export interface Converter {
  /** Whether office formats (doc, xlsx, …) can be converted: LibreOffice is installed. */
  readonly officeAvailable: boolean;
  /** The text of the file at `path`, already sniffed as `format`; rejects with a ConversionError. */
  extract(path: string, format: DocFormat, opts?: ExtractOptions): Promise<ExtractedText>;
  /**
   * Runs `fn` with a PDF LibreOffice made of the file (office formats and docx), removed afterwards; rejects with
   * 'unsupported' when LibreOffice is not installed. Zips are inspected first. Used for page images, so it waits
   * behind the conversions that publish.
   */
  withOfficePdf<T>(path: string, format: OfficeFormat | 'docx', fn: (pdf: string) => Promise<T>): Promise<T>;
  /** Renders the first pages of a PDF to image files, in a child process whose whole resident memory is capped. */
  render(req: RenderRequest): Promise<RenderResult>;
  /** LibreOffice processes started and documents converted so far (benchmarks, tests). */
  officeStats(): OfficeStats;
  /** Kills every converter child and LibreOffice process; queued and running tasks reject with a retryable 'failed'. */
  close(): Promise<void>;
}

/** How many children, how long a task may run, and how much memory a child may use. */
export interface ConverterOptions {
  concurrency: number;
  timeoutMs: number;
  /** Most JavaScript heap of an extraction child (--max-old-space-size), and of a page-render child. */
  memoryMb: number;
  limits?: ConvertLimits;
  /** LibreOffice for office formats; without it those formats are 'unsupported'. */
  office?: OfficeConverter;
  /**
   * Most resident memory (MB, native included) of an extraction child and its descendants, read from /proc while a
   * task runs; past it the child is killed and the task ends 'outOfMemory'. Default memoryMb + 512.
   */
  rssMb?: number;
  /** Most resident memory (MB, native included) of a page-render child; default rssMb. */
  renderRssMb?: number;
  /** Tasks an extraction child runs before it is replaced (default 200). */
  recycleAfter?: number;
  /** A child whose resident size after a task is above this (MB) is replaced before the next one; default rssMb / 2. */
  recycleRssMb?: number;
  /** How often a busy child's resident size is read (ms, default 100). */
  watchMs?: number;
  /** A child with no task for this long (ms) is stopped, giving its memory back; default 120 000. */
  idleMs?: number;
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

/** The converter createConverter makes: a Converter that also reports on its extraction children. */
export interface ProcessConverter extends Converter {
  extractionStats(): ExtractionStats;
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
  watch?: NodeJS.Timeout | undefined;
  startupTimer?: NodeJS.Timeout | undefined;
  idleTimer?: NodeJS.Timeout | undefined;
}

/**
 * A pool of long-lived child processes (child_process.fork, one task at a time each) with a per-task timeout (kill +
 * replace → ConversionError('timeout')), a heap cap (--max-old-space-size; a heap overflow aborts the child →
 * 'outOfMemory') and a cap on the child's whole resident size, native memory included, read from /proc while a task
 * runs (kill → 'outOfMemory'). A child serves up to recycleAfter tasks and is replaced sooner when it has grown past
 * recycleRssMb, so the memory pdf.js and Node's buffers keep never accumulates — in the child, and never in this
 * process (decision 0037).
 */
export function createConverter(opts: ConverterOptions): ProcessConverter {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const rssMb = opts.rssMb ?? opts.memoryMb + 512;
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
  // Page images: one child process per render, resident memory and time capped (render-process.ts).
  const renders = createRenderPool(
    { rssMb: opts.renderRssMb ?? rssMb, heapMb: opts.memoryMb, timeoutMs: opts.timeoutMs },
    concurrency,
  );

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
    const limit = rssMb * 1024 * 1024;
    slot.watch = setInterval(() => {
      const pid = slot.child.pid;
      if (!pid) return;
      if ((treeRss(pid) ?? 0) > limit) {
        retire(slot, new ConversionError('outOfMemory', { detail: `converter over ${rssMb} MB resident` }), 'killed');
      }
    }, watchMs);
    slot.watch.unref();
  };

  const stopTask = (slot: Slot) => {
    clearTimeout(slot.timer);
    clearInterval(slot.watch);
    slot.timer = undefined;
    slot.watch = undefined;
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

  const extractInChild = (path: string, format: DocFormat) =>
    new Promise<ExtractedText>((resolve, reject) => {
      if (closed) return reject(closedError());
      queue.push({ id: nextId++, path, format, resolve, reject });
      dispatch();
    });

  return {
    officeAvailable: opts.office?.available ?? false,
    officeStats: () => opts.office?.stats() ?? { poolStarts: 0, pooled: 0, oneShot: 0 },
    extractionStats: () => ({
      ...stats,
      children: [...slots].map((s) => ({ pid: s.child.pid ?? 0, tasks: s.tasks, busy: s.task !== undefined })),
    }),
    async withOfficePdf(path, format, fn) {
      if (!opts.office?.available) throw new ConversionError('unsupported', { ext: format });
      if (await isZip(path)) await inspectZip(path, limits);
      // Page images: behind every LibreOffice conversion that publishes (decision 0028).
      const { pdf, dir } = await opts.office.toPdf(path, format, { background: true });
      try {
        return await fn(pdf);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    render(req) {
      if (closed) return Promise.reject(closedError());
      return renders.render(req);
    },
    async extract(path, format, extractOpts) {
      // An image is a scan: made into an image-only PDF (kept through onPdf), it has no text of its own — the
      // caller's OCR fallback (features/documents/ocr-fallback.ts) reads that PDF.
      if (isImageFormat(format)) {
        if (closed) throw closedError();
        const dir = await mkdtemp(join(tmpdir(), 'wenyuan-scan-'));
        try {
          const pdf = await imageToPdf(path, dir, (req) => renders.render(req));
          if (extractOpts?.onPdf) await extractOpts.onPdf(pdf);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
        throw new ConversionError('emptyText');
      }
      if (!isOfficeFormat(format)) return extractInChild(path, format);
      // Office formats: LibreOffice (child process, capped) → PDF → the PDF extractor in a converter child.
      if (!opts.office?.available) throw new ConversionError('unsupported', { ext: format });
      if (closed) throw closedError();
      // OOXML/ODF are zips: inspected (sizes, ratio, names, DTDs) before LibreOffice parses a byte.
      if (await isZip(path)) await inspectZip(path, limits);
      const { pdf, dir } = await opts.office.toPdf(path, format);
      try {
        const text = await extractInChild(pdf, 'pdf');
        if (printedCompoundFile(text.body)) throw new ConversionError('corrupt');
        if (extractOpts?.onPdf) await extractOpts.onPdf(pdf);
        return text;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async close() {
      closed = true;
      renders.close();
      for (const task of queue.splice(0)) task.reject(closedError());
      for (const slot of [...slots]) retire(slot, closedError());
      await Promise.all([...exiting, opts.office?.close()]);
    },
  };
}

/**
 * An Office 97–2003 file LibreOffice could not parse is opened with its plain-text filter and printed byte for byte:
 * its text then begins with the compound-file signature D0 CF 11 E0 A1 B1 1A E1 read as Latin-1, "ÐÏà¡±á" (the
 * control characters dropped). That is a damaged file, not a text — nor a page for OCR to read back (issue #17).
 */
export function printedCompoundFile(body: string): boolean {
  return /ÐÏ\s?à¡±\s?á/.test(body.slice(0, 4096));
}

function closedError(): ConversionError {
  return new ConversionError('failed', { detail: 'converter closed' }, false);
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

async function isZip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    return head[0] === 0x50 && head[1] === 0x4b;
  } finally {
    await fh.close();
  }
}

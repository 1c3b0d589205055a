import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerTask } from './convert-worker.ts';
import { imageToPdf } from './image-scan.ts';
import type { OfficeConverter, OfficeStats } from './libreoffice.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';
import { createRenderPool } from './render-process.ts';
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

/** Extracts text from uploaded files away from the main thread. */
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
  /** Terminates every worker and LibreOffice process; queued and running tasks reject with a retryable 'failed'. */
  close(): Promise<void>;
}

/** How many workers, how long a task may run, and how much heap a worker may use. */
export interface ConverterOptions {
  concurrency: number;
  timeoutMs: number;
  memoryMb: number;
  limits?: ConvertLimits;
  /** LibreOffice for office formats; without it those formats are 'unsupported'. */
  office?: OfficeConverter;
  /** Most resident memory (MB, native included) of a page-render child; default memoryMb + 512. */
  renderRssMb?: number;
}

// Loading pdf.js and htmlparser2 takes well under a second; a worker that is not ready after this is broken, not slow.
const STARTUP_MS = 60_000;

interface Task {
  id: number;
  path: string;
  format: DocFormat;
  render?: RenderRequest | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: the worker answers an extraction or a render, by task kind
  resolve(value: any): void;
  reject(err: ConversionError): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task?: Task | undefined;
  timer?: NodeJS.Timeout | undefined;
  startupTimer?: NodeJS.Timeout | undefined;
}

/**
 * A pool of worker threads (node:worker_threads) with per-task timeout (terminate + replace the worker →
 * ConversionError('timeout')) and a heap cap via resourceLimits.maxOldGenerationSizeMb (worker dies with
 * ERR_WORKER_OUT_OF_MEMORY → ConversionError('outOfMemory')).
 */
export function createConverter(opts: ConverterOptions): Converter {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const queue: Task[] = [];
  const slots = new Set<Slot>();
  const exiting = new Set<Promise<unknown>>();
  let closed = false;
  let nextId = 1;
  // Page images: one child process per render, resident memory and time capped (render-process.ts).
  const renders = createRenderPool(
    { rssMb: opts.renderRssMb ?? opts.memoryMb + 512, heapMb: opts.memoryMb, timeoutMs: opts.timeoutMs },
    concurrency,
  );

  const spawn = (): Slot => {
    const worker = startWorker(opts.memoryMb);
    const slot: Slot = { worker, ready: false };
    slots.add(slot);
    worker.on('message', (reply: WorkerReply) => onMessage(slot, reply));
    worker.on('error', (err: Error & { code?: string }) => {
      const error =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ConversionError('outOfMemory')
          : new ConversionError('failed', { detail: shortDetail(err) }, false);
      retire(slot, error);
    });
    worker.on('exit', (code) => {
      retire(slot, new ConversionError('failed', { detail: `converter worker exited (${code})` }, false));
    });
    slot.startupTimer = setTimeout(() => {
      retire(slot, new ConversionError('failed', { detail: 'converter worker did not start' }, false));
    }, STARTUP_MS);
    slot.startupTimer.unref();
    return slot;
  };

  const startTimer = (slot: Slot) => {
    slot.timer = setTimeout(() => retire(slot, new ConversionError('timeout')), opts.timeoutMs);
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
          // The worker cannot even be created (bad options, tsx missing): fail this task rather than the caller.
          queue.shift()!.reject(new ConversionError('failed', { detail: shortDetail(err) }, false));
          continue;
        }
      }
      if (!slot) return;
      const task = queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      const message: WorkerTask = {
        type: 'task',
        id: task.id,
        path: task.path,
        format: task.format,
        limits,
        ...(task.render ? { render: task.render } : {}),
      };
      slot.worker.postMessage(message);
      // The clock runs from when the worker can start on the task, so loading the libraries is not counted.
      if (slot.ready) startTimer(slot);
    }
  };

  const onMessage = (slot: Slot, reply: WorkerReply) => {
    if (!slots.has(slot)) return;
    if (reply.type === 'ready') {
      slot.ready = true;
      clearTimeout(slot.startupTimer);
      if (slot.task) startTimer(slot);
      else slot.worker.unref();
      return;
    }
    const task = slot.task;
    if (!task || reply.id !== task.id) return;
    clearTimeout(slot.timer);
    slot.task = undefined;
    // An idle worker must not keep the process alive.
    slot.worker.unref();
    if (reply.ok) task.resolve(reply.value);
    else task.reject(ConversionError.fromJSON(reply.error));
    dispatch();
  };

  // Takes a worker out of the pool for good (timeout, crash, out of memory, close) and fails its task, if any.
  const retire = (slot: Slot, error: ConversionError) => {
    if (!slots.delete(slot)) return;
    clearTimeout(slot.timer);
    clearTimeout(slot.startupTimer);
    const exit = slot.worker.terminate().catch(() => {});
    exiting.add(exit);
    void exit.then(() => exiting.delete(exit));
    const task = slot.task;
    slot.task = undefined;
    task?.reject(error);
    // A replacement is spawned only when there is work for it.
    dispatch();
  };

  const extractInWorker = (path: string, format: DocFormat) =>
    new Promise<ExtractedText>((resolve, reject) => {
      if (closed) return reject(closedError());
      queue.push({ id: nextId++, path, format, resolve, reject });
      dispatch();
    });

  return {
    officeAvailable: opts.office?.available ?? false,
    officeStats: () => opts.office?.stats() ?? { poolStarts: 0, pooled: 0, oneShot: 0 },
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
      if (!isOfficeFormat(format)) return extractInWorker(path, format);
      // Office formats: LibreOffice (child process, capped) → PDF → the PDF extractor in a worker.
      if (!opts.office?.available) throw new ConversionError('unsupported', { ext: format });
      if (closed) throw closedError();
      // OOXML/ODF are zips: inspected (sizes, ratio, names, DTDs) before LibreOffice parses a byte.
      if (await isZip(path)) await inspectZip(path, limits);
      const { pdf, dir } = await opts.office.toPdf(path, format);
      try {
        const text = await extractInWorker(pdf, 'pdf');
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

// Under tsx (dev, tests, `tsx src/main.ts`) the worker entry is a .ts file, which Node 20 will not load as a worker's
// main module even with tsx in execArgv: a one-line ESM bootstrap loads it through tsx's API instead. Built as .js,
// the entry is loaded directly.
function startWorker(memoryMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb };
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./convert-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}));`;
    return new Worker(code, { eval: true, resourceLimits, name: 'wenyuan-convert' });
  }
  return new Worker(new URL('./convert-worker.js', import.meta.url), { resourceLimits, name: 'wenyuan-convert' });
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

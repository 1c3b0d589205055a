import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedError, createExtractionPool, type ExtractionStats } from './extraction-pool.ts';
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
} from './types.ts';
import { inspectZip } from './zip-inspect.ts';

export type { ExtractionStats } from './extraction-pool.ts';

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

/** The converter createConverter makes: a Converter that also reports on its extraction children. */
export interface ProcessConverter extends Converter {
  extractionStats(): ExtractionStats;
}

/**
 * The converter of the application: text in the pool of long-lived extraction children (extraction-pool.ts: per-task
 * timeout, heap cap, resident-memory cap read from /proc, recycling; decision 0037), page images in one capped child
 * per render (render-process.ts, decision 0022), office formats through LibreOffice first (`office`), images made
 * into an image-only PDF for the caller's OCR. Nothing extracted stays in this process.
 */
export function createConverter(opts: ConverterOptions): ProcessConverter {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const rssMb = opts.rssMb ?? opts.memoryMb + 512;
  let closed = false;
  // Text: docx, pdf, txt, ofd (and the PDF LibreOffice made of an office format) in long-lived children.
  const pool = createExtractionPool({
    concurrency,
    timeoutMs: opts.timeoutMs,
    memoryMb: opts.memoryMb,
    rssMb,
    limits,
    recycleAfter: opts.recycleAfter,
    recycleRssMb: opts.recycleRssMb,
    watchMs: opts.watchMs,
    idleMs: opts.idleMs,
  });
  // Page images: one child process per render, resident memory and time capped (render-process.ts).
  const renders = createRenderPool(
    { rssMb: opts.renderRssMb ?? rssMb, heapMb: opts.memoryMb, timeoutMs: opts.timeoutMs },
    concurrency,
  );

  return {
    officeAvailable: opts.office?.available ?? false,
    officeStats: () => opts.office?.stats() ?? { poolStarts: 0, pooled: 0, oneShot: 0 },
    extractionStats: () => pool.stats(),
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
      if (!isOfficeFormat(format)) return pool.extract(path, format);
      // Office formats: LibreOffice (child process, capped) → PDF → the PDF extractor in a converter child.
      if (!opts.office?.available) throw new ConversionError('unsupported', { ext: format });
      if (closed) throw closedError();
      // OOXML/ODF are zips: inspected (sizes, ratio, names, DTDs) before LibreOffice parses a byte.
      if (await isZip(path)) await inspectZip(path, limits);
      const { pdf, dir } = await opts.office.toPdf(path, format);
      try {
        const text = await pool.extract(pdf, 'pdf');
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
      await Promise.all([pool.close(), opts.office?.close()]);
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

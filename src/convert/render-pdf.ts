// Page images of a PDF's first pages: pdf.js draws each page onto an @napi-rs/canvas, a faint diagonal watermark is
// laid over it, and the result is encoded as WebP (PNG if this build of the canvas cannot encode WebP). Runs in a
// render child (see render-child.ts), so the time, heap and resident-memory caps of render-process.ts apply.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Canvas, createCanvas } from '@napi-rs/canvas';
import type { RedLayer } from './ocr-layers.ts';
import { loadPdf, type PdfDocument, pdfOpenError } from './pdfjs.ts';
import { ConversionError } from './types.ts';

/** What to render and how big. */
export interface RenderRequest {
  /** The file to render: a PDF, an OFD package when `source` is 'ofd' (render-ofd.ts), an uploaded scan when
   *  'image' (render-image.ts: made into an image-only PDF); 'ocr' draws a PDF's pages for OCR (render-ocr.ts:
   *  lossless, the red layer apart). */
  pdfPath: string;
  source?: 'pdf' | 'ofd' | 'image' | 'ocr';
  /** 'image' only: most pixels one page may have. */
  maxPixels?: number;
  /** Render pages 1..pages (fewer if the PDF is shorter), or from..pages with `from`. */
  pages: number;
  /** First page to render (1 by default); OCR draws a long scan a few pages at a time. */
  from?: number;
  /** Files are written as `${outDir}/${n}.${ext}`. */
  outDir: string;
  /** Width of an image in pixels; height follows the page's aspect ratio. */
  width: number;
  /** A page taller than this (pixels) is refused as absurd rather than rendered. */
  maxHeight: number;
  /** Text of the watermark. */
  watermark: string;
  /** Most pages the PDF may declare at all. */
  maxPages: number;
  /** 'ocr' only: lift the red type off into a layer of its own (true by default). */
  redLayer?: boolean;
}

/** One rendered page. */
export interface RenderedPage {
  number: number;
  file: string;
  width: number;
  height: number;
  /** 'ocr' only: the page's red type (红头, red titles, seals) drawn apart, bands scaled to ordinary type size. */
  red?: RedLayer;
}

/** The result of a render task. */
export interface RenderResult {
  format: 'webp' | 'png';
  pages: RenderedPage[];
  /** Pages of the whole PDF. */
  pageCount: number;
  /** 'image' only: the image-only PDF made of the scan. */
  pdf?: string;
}

let webpWorks: boolean | undefined;
async function canWebp(): Promise<boolean> {
  if (webpWorks === undefined) {
    try {
      webpWorks = (await createCanvas(2, 2).encode('webp', 80)).length > 0;
    } catch {
      webpWorks = false;
    }
  }
  return webpWorks;
}

export async function renderPdfPages(req: RenderRequest): Promise<RenderResult> {
  const format = (await canWebp()) ? 'webp' : 'png';
  return drawPdfPages(req, format, async (canvas, n) => {
    drawWatermark(
      canvas.getContext('2d') as unknown as CanvasRenderingContext2D,
      canvas.width,
      canvas.height,
      req.watermark,
    );
    const bytes = format === 'webp' ? await canvas.encode('webp', 78) : await canvas.encode('png');
    const path = join(req.outDir, `${n}.${format}`);
    await writeFile(path, bytes);
    return { number: n, file: path, width: canvas.width, height: canvas.height };
  });
}

/**
 * Draws pages 1..req.pages of the PDF at `req.pdfPath`, each onto a white canvas `req.width` pixels wide, and hands
 * each canvas to `onPage`, which writes what it needs (page images here, OCR layers in render-ocr.ts).
 */
export async function drawPdfPages(
  req: RenderRequest,
  format: RenderResult['format'],
  onPage: (canvas: Canvas, n: number) => Promise<RenderedPage>,
): Promise<RenderResult> {
  const file = await readFile(req.pdfPath);
  const task = loadPdf(file);
  let doc: PdfDocument;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    throw pdfOpenError(err);
  }
  try {
    if (doc.numPages > req.maxPages) {
      throw new ConversionError('tooManyPages', { pages: doc.numPages, max: req.maxPages });
    }
    const out: RenderedPage[] = [];
    const count = Math.min(doc.numPages, Math.max(0, Math.floor(req.pages)));
    for (let n = Math.max(1, Math.floor(req.from ?? 1)); n <= count; n++) {
      const page = await doc.getPage(n).catch(damaged);
      try {
        const base = page.getViewport({ scale: 1 });
        const scale = req.width / base.width;
        const viewport = page.getViewport({ scale });
        const width = Math.round(viewport.width);
        const height = Math.round(viewport.height);
        if (!(width > 0 && height > 0) || height > req.maxHeight) break;
        const canvas = createCanvas(width, height);
        const ctx = canvas.getContext('2d');
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(0, 0, width, height);
        await page
          .render({
            canvas: canvas as unknown as HTMLCanvasElement,
            canvasContext: ctx as unknown as CanvasRenderingContext2D,
            viewport,
          })
          .promise.catch(damaged);
        out.push(await onPage(canvas, n));
      } finally {
        page.cleanup();
      }
    }
    return { format, pages: out, pageCount: doc.numPages };
  } finally {
    await doc.destroy();
  }
}

/**
 * pdf.js could not load or draw a page (a broken cross-reference entry, a page tree that loops, a stream cut short):
 * that is the file, and it will be the same next time — corrupt, not a retryable failure (the corpus run retried
 * such scans' OCR three times and then refused them as 'failed'; issue #17).
 */
function damaged(err: unknown): never {
  if (err instanceof ConversionError) throw err;
  throw new ConversionError('corrupt');
}

/** A faint diagonal repeat of the site name: visible on a copied image, not in the way of reading. */
export function drawWatermark(ctx: CanvasRenderingContext2D, width: number, height: number, text: string): void {
  ctx.save();
  ctx.globalAlpha = 0.07;
  ctx.fillStyle = '#1f3a5f';
  const size = Math.max(14, Math.round(width / 22));
  ctx.font = `${size}px "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif`;
  ctx.translate(width / 2, height / 2);
  ctx.rotate(-Math.PI / 6);
  const stepX = size * (text.length + 4);
  const stepY = size * 5;
  const span = Math.hypot(width, height);
  for (let y = -span / 2; y < span / 2; y += stepY) {
    for (let x = -span / 2; x < span / 2; x += stepX) ctx.fillText(text, x, y);
  }
  ctx.restore();
}

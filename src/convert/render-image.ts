// A scanned or photographed page uploaded as an image (JPEG, PNG, TIFF) becomes an image-only PDF, which the rest of
// the pipeline treats as any scan: OCR reads its pages (ocr-fallback.ts) and the page images are drawn from it
// (page-images.ts). Runs in the render child (render-process.ts: resident memory of the child and its children
// watched, a time limit), so a decoder crash or a bitmap too big costs one child.
// - PNG and JPEG are decoded by @napi-rs/canvas (Skia turns EXIF-rotated photos upright), drawn onto a fresh canvas
//   (scaled down past MAX_SIDE) and re-encoded: only pixels reach the PDF, EXIF/XMP/text chunks stay behind.
// - TIFF, which Skia does not read, is converted by libtiff's tiff2pdf (every page; G4 fax, LZW, JPEG, Deflate); its
//   pages were counted and sized by the parent (tiff-pages.ts) before this runs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import { readImageHeader } from './image-header.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';
import { ConversionError } from './types.ts';

/** Longest side kept: A4 at 400 dpi; a bigger photo is scaled down (OCR reads pages at about 200 dpi). */
const MAX_SIDE = 4678;
/** Width of the PDF page in points (A4); its height follows the image. */
const PAGE_WIDTH = 595.28;

/** Turns the image at `req.pdfPath` into an image-only PDF at `${req.outDir}/scan.pdf` (RenderResult.pdf). */
export async function renderImagePages(req: RenderRequest): Promise<RenderResult> {
  const out = join(req.outDir, 'scan.pdf');
  const bytes = await readFile(req.pdfPath);
  const tiff =
    bytes.length >= 4 && (bytes.toString('latin1', 0, 4) === 'II*\0' || bytes.toString('latin1', 0, 4) === 'MM\0*');
  if (tiff) {
    await tiffToPdf(req.pdfPath, out);
    return { format: 'png', pages: [], pageCount: req.pages, pdf: out };
  }
  const header = readImageHeader(bytes);
  if (!header || (header.format !== 'png' && header.format !== 'jpeg')) throw new ConversionError('corrupt');
  const maxPixels = req.maxPixels ?? 50_000_000;
  if (header.width * header.height > maxPixels) throw tooLarge(header.width, header.height, maxPixels);
  const img = await loadImage(bytes).catch(() => {
    throw new ConversionError('corrupt');
  });
  // The decoder's own figures (EXIF-rotated) are checked again: they are the ones allocated.
  if (!(img.width > 0 && img.height > 0)) throw new ConversionError('corrupt');
  if (img.width * img.height > maxPixels) throw tooLarge(img.width, img.height, maxPixels);
  const scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  // A transparent PNG is read as on white paper.
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(img, 0, 0, w, h);
  const doc = await PDFDocument.create();
  const embedded =
    header.format === 'png'
      ? await doc.embedPng(await canvas.encode('png'))
      : await doc.embedJpg(await canvas.encode('jpeg', 92));
  const height = (PAGE_WIDTH * h) / w;
  doc.addPage([PAGE_WIDTH, height]).drawImage(embedded, { x: 0, y: 0, width: PAGE_WIDTH, height });
  await writeFile(out, await doc.save());
  return { format: 'png', pages: [], pageCount: 1, pdf: out };
}

function tooLarge(width: number, height: number, max: number): ConversionError {
  return new ConversionError('imageTooLarge', { width, height, max: Math.round(max / 1e6) });
}

const TIFF2PDF = '/usr/bin/tiff2pdf';

/** tiff2pdf in its own process (the render child's watchdog counts its memory too), without the TIFF's text tags. */
function tiffToPdf(tif: string, out: string): Promise<void> {
  if (!existsSync(TIFF2PDF)) return Promise.reject(new ConversionError('unsupported', { ext: 'tif' }));
  return new Promise((resolve, reject) => {
    // Creator, author, title, subject and keywords are set, so the TIFF's own tags (a scanner's user name…) are not
    // copied into the PDF.
    const args = ['-c', 'wenyuan', '-a', '-', '-t', '-', '-s', '-', '-k', '-', '-o', out, tif];
    const child = spawn(TIFF2PDF, args, { stdio: 'ignore', env: { PATH: '/usr/bin:/bin' } });
    child.on('error', () => reject(new ConversionError('unsupported', { ext: 'tif' })));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new ConversionError('corrupt'))));
  });
}

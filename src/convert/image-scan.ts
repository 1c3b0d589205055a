// Uploaded images (JPEG, PNG, TIFF) are scans: the converter makes each an image-only PDF (render-image.ts, in a
// capped render child) and reports that it has no text, so the pipeline's OCR fallback reads that PDF and the page
// images are drawn from it. Before anything is decoded the pages are counted and sized from the headers: a page of
// more than IMAGE_LIMITS.maxPixels or a TIFF of more than maxPages is refused without a bitmap.
import { open } from 'node:fs/promises';
import { readImageHeader } from './image-header.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';
import { readTiffPages } from './tiff-pages.ts';
import { ConversionError } from './types.ts';

/** Caps of an uploaded image: pixels of one page (a 600 dpi A4 scan is 35 MP) and pages of a TIFF. */
export const IMAGE_LIMITS = { maxPixels: 50_000_000, maxPages: 100 } as const;

/** Makes the image at `path` an image-only PDF in `outDir`; rejects with a ConversionError. */
export async function imageToPdf(
  path: string,
  outDir: string,
  render: (req: RenderRequest) => Promise<RenderResult>,
): Promise<string> {
  const { maxPixels, maxPages } = IMAGE_LIMITS;
  const head = await readHead(path, 64 * 1024);
  const magic = head.toString('latin1', 0, 4);
  let sizes: Array<{ width: number; height: number }>;
  if (magic === 'II*\0' || magic === 'MM\0*') {
    // Counted up to the converter's page cap, so the message can say how many there are.
    const pages = await readTiffPages(path, 2000);
    if (!pages) throw new ConversionError('corrupt');
    if (pages.length > maxPages) throw new ConversionError('tooManyPages', { pages: pages.length, max: maxPages });
    sizes = pages;
  } else {
    const header = readImageHeader(head);
    if (!header || (header.format !== 'png' && header.format !== 'jpeg')) throw new ConversionError('corrupt');
    sizes = [header];
  }
  for (const { width, height } of sizes) {
    if (width * height > maxPixels)
      throw new ConversionError('imageTooLarge', { width, height, max: Math.round(maxPixels / 1e6) });
  }
  const result = await render({
    pdfPath: path,
    source: 'image',
    pages: sizes.length,
    outDir,
    width: 0,
    maxHeight: 0,
    watermark: '',
    maxPages,
    maxPixels,
  });
  if (!result.pdf) throw new ConversionError('failed', { detail: 'no PDF made of the image' }, false);
  return result.pdf;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(b, 0, bytes, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

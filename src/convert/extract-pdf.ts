import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { cleanTitle, normalizeParagraph } from './normalize.ts';
import { itemsToLines, linesToParagraphs } from './pdf-lines.ts';
import { finishExtraction } from './result.ts';
import { ConversionError, type ConvertLimits, type ExtractedText } from './types.ts';

// Chinese PDFs often use predefined CMaps (UniGB-UCS2-H, GBK-EUC-H) and non-embedded fonts: without the CMap files
// pdf.js cannot map their codes to Unicode and most CJK text is lost. Both folders ship with pdfjs-dist.
const PDFJS_DIR = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const CMAP_DIR = join(PDFJS_DIR, 'cmaps') + sep;
const STANDARD_FONT_DIR = join(PDFJS_DIR, 'standard_fonts') + sep;

/** Extracts the text of a PDF with pdf.js, page by page, with exact page starts. */
export async function extractPdf(path: string, limits: ConvertLimits): Promise<ExtractedText> {
  const file = await readFile(path);
  const task = pdfjs.getDocument({
    // pdf.js refuses a Buffer; a plain view spanning the whole ArrayBuffer is taken over without a copy (uploads can
    // be 50 MB), and a view into a shared pool slab (small files) is copied by pdf.js, so the slab is never detached.
    data: new Uint8Array(file.buffer, file.byteOffset, file.byteLength),
    useSystemFonts: false,
    isEvalSupported: false,
    disableFontFace: true,
    enableXfa: false,
    verbosity: 0,
    cMapUrl: CMAP_DIR,
    cMapPacked: true,
    standardFontDataUrl: STANDARD_FONT_DIR,
  });
  let doc: pdfjs.PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    throw openError(err);
  }
  try {
    // 1. The page count comes from the page tree root; refuse before touching any page.
    if (doc.numPages > limits.maxPages) {
      throw new ConversionError('tooManyPages', { pages: doc.numPages, max: limits.maxPages });
    }
    // 2. Page by page: items → lines → paragraphs; a page that fails to parse counts as a page without text.
    const paragraphs: string[] = [];
    const pageStarts: number[] = [];
    let at = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      pageStarts.push(at);
      for (const text of await pageParagraphs(doc, n)) {
        paragraphs.push(text);
        at += text.length + 1;
      }
    }
    // 3. The Info dictionary's title, unless it is a tool's default.
    const info = (await doc.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    const title = cleanTitle(typeof info?.Title === 'string' ? info.Title : undefined);
    return finishExtraction({ body: paragraphs.join('\n'), pageStarts, title }, limits);
  } finally {
    await doc.destroy();
  }
}

async function pageParagraphs(doc: pdfjs.PDFDocumentProxy, n: number): Promise<string[]> {
  try {
    const page = await doc.getPage(n);
    try {
      const content = await page.getTextContent();
      const out: string[] = [];
      for (const p of linesToParagraphs(itemsToLines(content.items))) {
        const text = normalizeParagraph(p);
        if (text) out.push(text);
      }
      return out;
    } finally {
      page.cleanup();
    }
  } catch {
    return [];
  }
}

function openError(err: unknown): ConversionError {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'PasswordException') return new ConversionError('encrypted');
  return new ConversionError('corrupt');
}

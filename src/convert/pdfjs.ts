// The one way this codebase opens a PDF with pdf.js (text extraction and page images share it): the legacy build
// for Node, no eval, no system fonts, no XFA, and the CMaps and standard fonts that ship with pdfjs-dist — Chinese
// PDFs often use predefined CMaps (UniGB-UCS2-H, GBK-EUC-H) and non-embedded fonts, and without those files pdf.js
// cannot map their codes to Unicode and most CJK text is lost. One copy of pdf.js per process (decided stack).
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ConversionError } from './types.ts';

const PDFJS_DIR = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const CMAP_DIR = join(PDFJS_DIR, 'cmaps') + sep;
const STANDARD_FONT_DIR = join(PDFJS_DIR, 'standard_fonts') + sep;

export type PdfDocument = pdfjs.PDFDocumentProxy;

/** Starts loading a PDF held in memory; await `.promise` for the document and `destroy()` the task when done. */
export function loadPdf(file: Buffer) {
  return pdfjs.getDocument({
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
}

/** Why pdf.js could not open a file: a password it does not have ('encrypted'), else a file it cannot read ('corrupt'). */
export function pdfOpenError(err: unknown): ConversionError {
  const name = (err as { name?: unknown } | null)?.name;
  return new ConversionError(name === 'PasswordException' ? 'encrypted' : 'corrupt');
}

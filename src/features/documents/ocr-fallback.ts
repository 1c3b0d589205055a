// Scans: a PDF (or the PDF LibreOffice made of an office file) with no text layer at all ends its extraction with
// 'emptyText'. When an OCR engine is configured (deps.ocr, convert/ocr-tesseract.ts) its pages are read instead, up
// to OCR_MAX_PAGES; the text carries the 'ocr' flag (the document page says 文字由 OCR 识别) and then goes through the
// same quality gate as any text. A page that is a photo of nothing readable still ends 'emptyText'.
import { ConversionError, type ExtractedText } from '../../convert/types.ts';
import type { Deps } from '../../deps.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';

/** The OCR text of a scan, or the original error when OCR does not apply. */
export async function recogniseScan(
  deps: Pick<Deps, 'blobs' | 'config'> & Partial<Pick<Deps, 'ocr'>>,
  doc: { format: string; blob_key: string },
  pdfKey: string | null,
  error: unknown,
): Promise<ExtractedText> {
  const ocr = deps.ocr;
  if (!(error instanceof ConversionError) || error.code !== 'emptyText' || !ocr?.available) throw error;
  const source = doc.format === 'pdf' ? doc.blob_key : pdfKey;
  if (!source) throw error;
  const max = deps.config.convert.ocrMaxPages;
  const text = await deps.blobs.withLocalFile(parseBlobKey(source), (path) => ocr.recognize(path, { maxPages: max }));
  // A few characters from a whole scan are stray marks read as glyphs (a photo's texture, a blank page's specks):
  // nothing readable, so the no-text reason, not "too short".
  if (text.charCount < OCR_NOISE_CHARS) throw error;
  return text;
}

/** Fewer characters than this recognised in a scan count as nothing read. */
const OCR_NOISE_CHARS = 10;

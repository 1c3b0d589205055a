// The hook for recognising text from page images when a file's own text cannot be read (issue 17: a Chinese PDF
// whose fonts have no ToUnicode map, a scan with an OCR-noise text layer). No engine ships here: an OCR engine
// (tesseract, PaddleOCR…) implements OcrEngine and is passed as `deps.ocr` in compose.ts; the pipeline then asks it,
// for a PDF (the original, or the one LibreOffice made), before refusing a text as 'unreadable', and the text it
// returns goes through the same quality gate.
import type { ExtractedText } from './types.ts';

/** Recognises the text of a PDF's pages. */
export interface OcrEngine {
  /** False when the engine is configured but cannot run here (binary or language data missing). */
  readonly available: boolean;
  /** The text of the PDF at `pdfPath`, one page per page; rejects with a ConversionError (timeout, outOfMemory…). */
  recognize(pdfPath: string, opts: { maxPages: number }): Promise<ExtractedText>;
}

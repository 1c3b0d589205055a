// The text-quality gate as the conversion job applies it (convert/text-quality.ts measures and decides): the site's
// minimum length, the OCR fallback for an unreadable text when an engine is configured (convert/ocr.ts), and what
// is recorded on the document (documents.text_quality).
import { assessText, type QualityRejection, type Repair } from '../../convert/text-quality.ts';
import type { ExtractedText } from '../../convert/types.ts';
import type { Deps } from '../../deps.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { getSiteSettings } from '../site/service.ts';

/** What the gate lets through (the text to store, and the JSON for text_quality), or why it refuses the document. */
export type GateResult =
  | { ok: true; text: ExtractedText; quality: string | null }
  | { ok: false; code: `convert.${QualityRejection}`; params: Record<string, number> };

const quality = (repairs: Repair[], ocr = false) =>
  repairs.length > 0 || ocr ? JSON.stringify({ repairs, ...(ocr ? { ocr: true } : {}) }) : null;

/**
 * Runs the gate on an extracted text. An unreadable text of a document that has a PDF (the original, or the one
 * LibreOffice made) is recognised by `deps.ocr` when one is configured, and that text is gated in its turn; an OCR
 * text the engine was mostly unsure of is unreadable (convert/text-quality.ts, MIN_OCR_CONFIDENT).
 */
export async function gateText(
  deps: Pick<Deps, 'database' | 'blobs' | 'config'> & Partial<Pick<Deps, 'shared' | 'ocr'>>,
  doc: { format: string; blob_key: string },
  text: ExtractedText,
  pdfKey: string | null,
): Promise<GateResult> {
  const { minChars } = await getSiteSettings(deps);
  const verdict = assessText(text, { minChars });
  if (verdict.action !== 'reject') return { ok: true, text: verdict.text, quality: quality(verdict.repairs) };
  const pdf = doc.format === 'pdf' ? doc.blob_key : pdfKey;
  // (A text that is already OCR's — a scan's — is not read a second time: the same pages give the same noise.)
  if (verdict.code === 'unreadable' && pdf && deps.ocr?.available && !text.flags?.includes('ocr')) {
    const ocr = deps.ocr;
    const recognised = await deps.blobs.withLocalFile(parseBlobKey(pdf), (path) =>
      ocr.recognize(path, { maxPages: deps.config.convert.ocrMaxPages }),
    );
    const again = assessText(recognised, { minChars });
    if (again.action !== 'reject') return { ok: true, text: again.text, quality: quality(again.repairs, true) };
    return { ok: false, code: `convert.${again.code}`, params: again.params };
  }
  return { ok: false, code: `convert.${verdict.code}`, params: verdict.params };
}

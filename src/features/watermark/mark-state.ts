// What a paid document's download carries (decision 0019), decided in one place for the document page, the purchase
// and the download: the file marked, its converted PDF marked, the original as it is — or, when the operator
// requires marks and no marked copy can be made, not for sale. Whether a docx or PDF can carry the mark is found by
// marking it once at conversion (documents.mark_state).
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isImageFormat } from '../../convert/types.ts';
import { type MarkProblem, markDocx, NotMarkable } from './docx-mark.ts';
import { MARKABLE_FORMATS } from './formats.ts';
import type { PdfMark } from './pdf-mark.ts';
import { markKey, signMark } from './token.ts';

/** documents.mark_state: 'ok', or why the file cannot carry a mark; null when not checked. */
export type MarkState = 'ok' | MarkProblem;

/**
 * - free: no mark (a free document);
 * - marked: the file itself, marked for the buyer;
 * - pdfOnly: marks are required and the file cannot carry one: its converted PDF, marked, instead of the file;
 * - scanPdf: an image upload (a scan or photo): its scan PDF, marked — the photo itself, with its EXIF/GPS
 *   metadata, is never sent to anyone but staff;
 * - asIs: a format that cannot carry a mark (txt, ofd, office files), sent as it is;
 * - unmarkable: a docx or PDF that cannot be marked (mark_state says why), sent as it is;
 * - notForSale: marks are required and no marked copy can be made: not sold (earlier buyers get the original).
 */
export type MarkPlan = 'free' | 'marked' | 'pdfOnly' | 'scanPdf' | 'asIs' | 'unmarkable' | 'notForSale';

export interface MarkPlanDoc {
  price: number;
  format: string;
  pdf_key: string | null;
  mark_state: string | null;
}

/** What a paid download of `doc` carries under the operator's `required` switch. */
export function markPlan(doc: MarkPlanDoc, required: boolean): MarkPlan {
  if (doc.price <= 0) return 'free';
  if (isImageFormat(doc.format)) return doc.pdf_key ? 'scanPdf' : required ? 'notForSale' : 'asIs';
  const markableFormat = MARKABLE_FORMATS.has(doc.format);
  // Not checked yet (converted before mark_state existed): a docx or PDF is taken as markable; the first download
  // records what marking found.
  if (markableFormat && (doc.mark_state === null || doc.mark_state === 'ok')) return 'marked';
  if (required) return doc.pdf_key ? 'pdfOnly' : 'notForSale';
  return markableFormat ? 'unmarkable' : 'asIs';
}

/** What the document page says of a paid download: the plan, or 'pending' while a mark it would claim is unverified. */
export type MarkNoticeKind = MarkPlan | 'pending';

/**
 * The page's notice: a docx or PDF not probed yet (made paid after its conversion, its `watermark.probe` job not run,
 * or converted before mark_state existed) is sold as 'marked' (the download tries, and records what it finds), but
 * its page claims no mark until the probe has found one.
 */
export function markNotice(doc: MarkPlanDoc, required: boolean): MarkNoticeKind {
  const plan = markPlan(doc, required);
  return plan === 'marked' && doc.mark_state === null ? 'pending' : plan;
}

/**
 * `markPdfFile` of pdf-mark.ts, with pdf-lib (≈ 4 MB of heap) loaded by the first PDF marked rather than by every web
 * process at start.
 */
export async function markPdfAt(path: string, mark: PdfMark): Promise<{ bytes: Uint8Array; repaired: boolean }> {
  const { markPdfFile } = await import('./pdf-mark.ts');
  return markPdfFile(path, mark);
}

const PROBE_TOKEN = signMark(markKey('mark probe'), 1);

/**
 * Marks the file once with a throw-away token and says whether that worked: 'ok' or the reason. Undefined for a
 * format that is never marked as it is. Memory as for a download (a PDF up to MAX_PDF_MARK_BYTES in memory).
 */
export async function probeMarkState(path: string, format: string): Promise<MarkState | undefined> {
  if (!MARKABLE_FORMATS.has(format)) return undefined;
  const mark = { token: PROBE_TOKEN, visibleLine: '文苑 · 仅供 买**者 个人使用 · 购于 2026-01-01' };
  try {
    if (format === 'pdf') await markPdfAt(path, mark);
    else {
      const chunks = await markDocx(path, mark);
      // A package that fails while it is copied (an entry shorter than its header says) cannot be sent marked.
      await pipeline(Readable.from(chunks), sink()).catch((err: unknown) => {
        throw new NotMarkable(String(err).slice(0, 200));
      });
    }
    return 'ok';
  } catch (err) {
    if (err instanceof NotMarkable) return err.code;
    throw err;
  }
}

/** Discards what it is written. */
const sink = () =>
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });

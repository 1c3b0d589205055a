// A PDF's document information, XMP packet and text layer, read by pdf.js in a capped child process
// (pdf-inspect-child.ts, capped-child.ts): what the watermark trace reads of an uploaded, untrusted PDF.
import { type ChildCaps, runInCappedChild } from './capped-child.ts';
import type { PdfInspection, PdfInspectRequest } from './pdf-inspect-child.ts';

export type { PdfInspection };

/** Reads `path` under `caps`; rejects with a ConversionError (corrupt, encrypted, timeout, outOfMemory…). */
export async function inspectPdf(
  path: string,
  opts: { infoKeys: string[]; maxPages: number; maxChars: number },
  caps: ChildCaps,
): Promise<PdfInspection> {
  const request: PdfInspectRequest = { path, ...opts };
  return (await runInCappedChild<PdfInspection>('pdf-inspect-child', { ...request }, caps, 'PDF inspection')).value;
}

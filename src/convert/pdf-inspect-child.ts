// The child process of pdf-inspect.ts: reads one PDF's document information, XMP packet and text layer with pdf.js
// and exits. An uploaded PDF is untrusted: here pdf.js runs under capped-child.ts's time, heap and resident-memory
// caps, never in a web process.
import { readFile } from 'node:fs/promises';
import type { CappedChildReply } from './capped-child.ts';
import { loadPdf, type PdfDocument, pdfOpenError } from './pdfjs.ts';
import { toConversionError } from './types.ts';

// The multi-megabyte source maps of pdfjs-dist are not parsed for stack traces nobody reads (see convert-child.ts).
process.setSourceMapsEnabled(false);

/** What to read. */
export interface PdfInspectRequest {
  path: string;
  /** Custom keys of the document information dictionary whose string values are returned. */
  infoKeys: string[];
  /** Pages read at most, from the first. */
  maxPages: number;
  /** Characters of text read at most, over all pages. */
  maxChars: number;
}

/** What a PDF says about itself. */
export interface PdfInspection {
  /** The requested custom information entries that hold a string. */
  info: Record<string, string>;
  /** The raw XMP metadata packet, when there is one. */
  xmp?: string;
  /** The text of each page read, its items joined without separators. */
  pages: string[];
  /** True when maxPages or maxChars stopped the reading before the end. */
  truncated: boolean;
}

async function inspect(req: PdfInspectRequest): Promise<PdfInspection> {
  const task = loadPdf(await readFile(req.path));
  try {
    let doc: PdfDocument;
    try {
      doc = await task.promise;
    } catch (err) {
      throw pdfOpenError(err);
    }
    const meta = await doc.getMetadata().catch(() => undefined);
    const custom = (meta?.info as { Custom?: Record<string, unknown> } | undefined)?.Custom ?? {};
    const info: Record<string, string> = {};
    for (const key of req.infoKeys) {
      const value = Object.hasOwn(custom, key) ? custom[key] : undefined;
      if (typeof value === 'string') info[key] = value;
    }
    const xmp = meta?.metadata?.getRaw();
    const pages: string[] = [];
    let chars = 0;
    const last = Math.min(doc.numPages, req.maxPages);
    for (let p = 1; p <= last && chars < req.maxChars; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) if ('str' in item) text += item.str;
      text = text.slice(0, req.maxChars - chars);
      chars += text.length;
      pages.push(text);
      page.cleanup();
    }
    const truncated = pages.length < doc.numPages || chars >= req.maxChars;
    return { info, ...(typeof xmp === 'string' ? { xmp } : {}), pages, truncated };
  } finally {
    await task.destroy();
  }
}

process.once('message', async (req: PdfInspectRequest) => {
  let reply: CappedChildReply<PdfInspection>;
  try {
    reply = { ok: true, value: await inspect(req) };
  } catch (err) {
    reply = { ok: false, error: toConversionError(err).toJSON() };
  }
  process.send?.(reply, () => process.exit(0));
});

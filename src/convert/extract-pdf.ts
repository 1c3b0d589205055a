import { readFile } from 'node:fs/promises';
import { cleanTitle, normalizeParagraph } from './normalize.ts';
import { itemsToLines, linesToParagraphs } from './pdf-lines.ts';
import { loadPdf, type PdfDocument } from './pdfjs.ts';
import { finishExtraction } from './result.ts';
import { ConversionError, type ConvertLimits, type ExtractedText } from './types.ts';

/** Extracts the text of a PDF with pdf.js, page by page, with exact page starts. */
export async function extractPdf(path: string, limits: ConvertLimits): Promise<ExtractedText> {
  const file = await readFile(path);
  const task = loadPdf(file);
  let doc: PdfDocument;
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

async function pageParagraphs(doc: PdfDocument, n: number): Promise<string[]> {
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

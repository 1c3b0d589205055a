import { readFile } from 'node:fs/promises';
import { cleanTitle, normalizeParagraph } from './normalize.ts';
import { itemsToLines, largeTitleLine, linesToParagraphs } from './pdf-lines.ts';
import { loadPdf, type PdfDocument, pdfOpenError } from './pdfjs.ts';
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
    throw pdfOpenError(err);
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
    let large: string | undefined;
    for (let n = 1; n <= doc.numPages; n++) {
      pageStarts.push(at);
      const page = await pageParagraphs(doc, n);
      if (n === 1) large = page.large;
      for (const text of page.paragraphs) {
        paragraphs.push(text);
        at += text.length + 1;
      }
    }
    // 3. The Info dictionary's title, unless it is a tool's default or a file name; else the first page's line in
    //    clearly larger type ("the first large line").
    const info = (await doc.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    const stated = typeof info?.Title === 'string' ? decodeHexTitle(info.Title) : undefined;
    const fromInfo = stated && !FILE_NAME_TITLE.test(stated.trim()) ? cleanTitle(stated) : undefined;
    const title = fromInfo ?? cleanTitle(large) ?? cleanTitle(stated);
    return finishExtraction({ body: paragraphs.join('\n'), pageStarts, title }, limits);
  } finally {
    await doc.destroy();
  }
}

// An Info title that is a file name or a path ("报告终稿.doc", "D:\\work\\x.tex", "slides.pptx"): what a converter
// copied from the source file, a fallback only after the page's own large line.
const FILE_NAME_TITLE =
  /(?:\.(?:docx?|wps|pdf|txt|rtf|odt|pptx?|xlsx?|md|html?|tex|dvi|ps|indd|pub|ai)$|^[a-z]:[\\/]|^\/|\\)/i;

/**
 * An Info title that reached us as a hex string of raw bytes ("<4D6963726F736F6674…>": Word's PDF printer writing
 * GBK): decoded as UTF-16 with its BOM, else UTF-8, else GBK, so that it is judged (and usually dropped as
 * "Microsoft Word - x.doc") on its words rather than published as hex.
 */
function decodeHexTitle(title: string): string {
  const hex = /^<([0-9a-f\s]+)>$/i.exec(title.trim())?.[1]?.replace(/\s/g, '');
  if (!hex || hex.length % 2) return title;
  const bytes = Buffer.from(hex, 'hex');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

/** A page's paragraphs, and (page 1) its title by type size; a page that fails to parse counts as one without text. */
async function pageParagraphs(doc: PdfDocument, n: number): Promise<{ paragraphs: string[]; large?: string }> {
  try {
    const page = await doc.getPage(n);
    try {
      const content = await page.getTextContent();
      const lines = itemsToLines(content.items);
      const paragraphs: string[] = [];
      for (const p of linesToParagraphs(lines)) {
        const text = normalizeParagraph(p);
        if (text) paragraphs.push(text);
      }
      if (n !== 1) return { paragraphs };
      const [, y0 = 0, , y1 = 842] = page.view;
      const large = largeTitleLine(lines, Math.max(y0, y1), Math.min(y0, y1));
      return large ? { paragraphs, large: normalizeParagraph(large) } : { paragraphs };
    } finally {
      page.cleanup();
    }
  } catch {
    return { paragraphs: [] };
  }
}

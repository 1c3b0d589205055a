import { readDocxBlocks } from './docx-xml.ts';
import { distributePageStarts, estimatePageStarts } from './layout.ts';
import { cleanTitle, joinParagraphs, joinWrapped, splitParagraphs } from './normalize.ts';
import { finishExtraction } from './result.ts';
import { ConversionError, type ConvertLimits, type ExtractedText } from './types.ts';
import { scanZip } from './zip-inspect.ts';

const CORE = 'docProps/core.xml';
const APP = 'docProps/app.xml';
const XML_PART = /\.(xml|rels)$/i;

/**
 * Extracts the text of a .docx: the zip is inspected first, keeping its XML parts, which are then walked as mammoth
 * reads them (src/convert/docx-xml.ts) without building a document model.
 */
export async function extractDocx(path: string, limits: ConvertLimits): Promise<ExtractedText> {
  // 1. Nothing parses the file before the zip has passed inspection (sizes, names, DTDs); the parts come from it.
  const scan = await scanZip(path, limits, (name) => XML_PART.test(name));
  // 2. Paragraphs of the body, then the notes in reference order.
  let blocks: ReturnType<typeof readDocxBlocks>;
  try {
    blocks = readDocxBlocks(scan.kept);
  } catch {
    // No main document part: not a readable docx.
    throw new ConversionError('corrupt');
  }
  // 3. Paragraphs → body, with the title, headings and explicit page breaks carried along.
  const paragraphs: string[] = [];
  const breaksBefore = new Set<number>();
  const headingAt: Array<{ index: number; level: number; text: string }> = [];
  let title: string | undefined;
  let pendingBreak = false;
  for (const block of blocks) {
    pendingBreak ||= block.pageBreakBefore;
    const lines = splitParagraphs(block.text);
    if (lines.length === 0) continue;
    if (pendingBreak) breaksBefore.add(paragraphs.length);
    pendingBreak = false;
    const text = lines.reduce(joinWrapped);
    if (block.kind === 'title' && title === undefined) title = cleanTitle(text);
    if (typeof block.kind === 'number') headingAt.push({ index: paragraphs.length, level: block.kind, text });
    paragraphs.push(...lines);
  }
  const { body, offsets } = joinParagraphs(paragraphs);
  // 4. Pages: the count saved in docProps/app.xml if there is a believable one, else the GB/T 9704 estimate.
  const app = scan.kept.get(APP);
  const estimate = estimatePageStarts(paragraphs, breaksBefore);
  const stated = app ? believable(statedPages(app.toString('utf8')), estimate.length) : undefined;
  if (stated !== undefined && stated > limits.maxPages) {
    throw new ConversionError('tooManyPages', { pages: stated, max: limits.maxPages });
  }
  const pageStarts = stated !== undefined ? distributePageStarts(paragraphs, stated) : estimate;
  const core = scan.kept.get(CORE);
  title ??= core ? cleanTitle(coreTitle(core.toString('utf8'))) : undefined;
  const headings = headingAt.map((h) => ({ offset: offsets[h.index]!, level: h.level, text: h.text }));
  return finishExtraction({ body, pageStarts, title, headings }, limits);
}

function statedPages(appXml: string): number | undefined {
  const m = /<(?:\w+:)?Pages>\s*(\d{1,9})\s*<\/(?:\w+:)?Pages>/.exec(appXml);
  const n = m ? Number(m[1]) : 0;
  return n >= 1 ? n : undefined;
}

// Word refreshes <Pages> only when it lays the document out, and templates carry theirs along: a 35-page text saved
// with <Pages>1</Pages> is common (python-docx output, WPS, documents saved before pagination finished). A real page
// holds at most about five GB/T 9704 pages of text (small type, narrow margins), so a stated count six times below
// the estimate is stale and the estimate is used instead.
function believable(stated: number | undefined, estimated: number): number | undefined {
  if (stated === undefined) return undefined;
  return estimated >= 6 * stated && estimated - stated >= 4 ? undefined : stated;
}

function coreTitle(coreXml: string): string | undefined {
  const m = /<dc:title(?:\s[^>]*)?>([\s\S]*?)<\/dc:title>/.exec(coreXml);
  return m ? decodeXmlText(m[1]!) : undefined;
}

// core.xml has passed the DTD check, so only the five predefined entities and character references can occur.
function decodeXmlText(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (all, ref: string) => {
    const lower = ref.toLowerCase();
    if (lower.startsWith('#')) {
      const cp = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number.parseInt(lower.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? all;
  });
}

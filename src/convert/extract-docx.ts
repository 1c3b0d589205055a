import { readFile } from 'node:fs/promises';
import mammoth from 'mammoth';
import { distributePageStarts, estimatePageStarts } from './layout.ts';
import { cleanTitle, joinParagraphs, joinWrapped, splitParagraphs } from './normalize.ts';
import { finishExtraction } from './result.ts';
import { ConversionError, type ConvertLimits, type ExtractedText } from './types.ts';
import { scanZip } from './zip-inspect.ts';

const CORE = 'docProps/core.xml';
const APP = 'docProps/app.xml';

/** Extracts the text of a .docx: zip inspected first, then mammoth's document model walked paragraph by paragraph. */
export async function extractDocx(path: string, limits: ConvertLimits): Promise<ExtractedText> {
  // 1. Nothing parses the file before the zip has passed inspection (sizes, names, DTDs).
  const scan = await scanZip(path, limits, (name) => name === CORE || name === APP);
  // 2. Let mammoth read the document model; we walk it and hand mammoth an empty document to render.
  const blocks = await readBlocks(await readFile(path));
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

/** One paragraph of the document as the walk sees it; `kind` is 'title', a heading level 1–6, or undefined. */
interface Block {
  text: string;
  kind: 'title' | number | undefined;
  pageBreakBefore: boolean;
}

// The subset of mammoth's document model the walk relies on.
interface MammothNode {
  type: string;
  children?: MammothNode[];
  value?: string;
  breakType?: string;
  styleId?: string | null;
  styleName?: string | null;
  body?: MammothNode[];
  noteType?: string;
  noteId?: string;
}

interface MammothDocument extends MammothNode {
  notes?: { resolve(ref: MammothNode): MammothNode | null };
}

async function readBlocks(buffer: Buffer): Promise<Block[]> {
  let blocks: Block[] | undefined;
  try {
    await mammoth.convertToHtml(
      { buffer },
      {
        externalFileAccess: false,
        transformDocument: (doc: MammothDocument) => {
          blocks = walkDocument(doc);
          // Nothing left to render: mammoth's HTML is never used, and images are never decoded.
          return { ...doc, children: [] };
        },
      },
    );
  } catch {
    // Whatever mammoth trips over (missing parts, bad XML, deep nesting) means the file is not a readable docx.
    throw new ConversionError('corrupt');
  }
  if (!blocks) throw new ConversionError('corrupt');
  return blocks;
}

function walkDocument(doc: MammothDocument): Block[] {
  const out: Block[] = [];
  const noteRefs: MammothNode[] = [];
  const walk = (nodes: MammothNode[] | undefined, breakState: { next: boolean }) => {
    for (const node of nodes ?? []) {
      if (node.type === 'paragraph') walkParagraph(node, out, noteRefs, breakState, walk);
      else walk(node.children, breakState);
    }
  };
  const state = { next: false };
  walk(doc.children, state);
  // Footnotes and endnotes follow the body, in the order they are referenced.
  for (const ref of noteRefs) {
    const note = doc.notes?.resolve(ref);
    if (note) walk(note.body, state);
  }
  return out;
}

function walkParagraph(
  p: MammothNode,
  out: Block[],
  noteRefs: MammothNode[],
  breakState: { next: boolean },
  walk: (nodes: MammothNode[] | undefined, breakState: { next: boolean }) => void,
): void {
  const kind = styleKind(p);
  const nested: MammothNode[] = [];
  let text = '';
  const flush = () => {
    out.push({ text, kind, pageBreakBefore: breakState.next });
    breakState.next = false;
    text = '';
  };
  const inline = (nodes: MammothNode[] | undefined) => {
    for (const node of nodes ?? []) {
      switch (node.type) {
        case 'text':
          text += node.value ?? '';
          break;
        case 'tab':
          text += '\t';
          break;
        case 'break':
          if (node.breakType === 'page') {
            // Text after a page break starts a new block on a new page.
            if (text.trim()) flush();
            breakState.next = true;
          } else {
            text += '\n';
          }
          break;
        case 'noteReference':
          noteRefs.push(node);
          break;
        case 'paragraph':
        case 'table':
          // Text boxes put whole paragraphs inside a run; they are emitted after this paragraph.
          nested.push(node);
          break;
        default:
          inline(node.children);
      }
    }
  };
  inline(p.children);
  if (text.trim()) flush();
  if (nested.length > 0) walk(nested, breakState);
}

function styleKind(p: MammothNode): Block['kind'] {
  const name = (p.styleName ?? '').trim().toLowerCase();
  const id = (p.styleId ?? '').trim().toLowerCase();
  // Built-in styles keep their English name whatever the UI language ('heading 1' with id '1' in Chinese Word);
  // WPS and some templates use the localised name.
  const key = name || id;
  if (key === 'title' || key === '标题') return 'title';
  const m = /^(?:heading|标题)\s*([1-6])$/.exec(key);
  return m ? Number(m[1]) : undefined;
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

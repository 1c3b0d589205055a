// The text of a .docx read straight from its XML parts with a streaming parser (htmlparser2 in XML mode), walking the
// same elements mammoth reads, in the same order, without building a DOM (decision 0008: mammoth's DOM took most of
// the ingestion CPU). The zip has passed inspection (src/convert/zip-inspect.ts) before any part arrives here, so no
// part holds a DTD or an entity declaration; htmlparser2 in XML mode only decodes the predefined entities and
// character references.
import dingbatToUnicode from 'dingbat-to-unicode';
import { findParts, paragraphStyles } from './docx-parts.ts';
import { streamXml } from './xml-stream.ts';

/** One paragraph as the extractor sees it; `kind` is 'title', a heading level 1–6, or undefined. */
export interface DocxBlock {
  text: string;
  kind: 'title' | number | undefined;
  pageBreakBefore: boolean;
}

/** The XML parts of a docx by path (inflated, after inspection). */
export type DocxParts = ReadonlyMap<string, Buffer>;

// Elements whose children are read (mammoth's readers that pass content through); any other element is skipped
// with everything inside it, as mammoth skips elements it does not know.
const CONTAINERS = new Set([
  'w:document',
  'w:body',
  'w:footnotes',
  'w:endnotes',
  'w:p',
  'w:r',
  'w:hyperlink',
  'w:sdt',
  'w:sdtContent',
  'w:customXml',
  'w:ins',
  'w:moveTo',
  'w:object',
  'w:smartTag',
  'w:drawing',
  'w:pict',
  'v:roundrect',
  'v:shape',
  'v:textbox',
  'v:group',
  'v:rect',
  'w:txbxContent',
  'mc:AlternateContent',
  'mc:Fallback',
  'w:tbl',
  'w:tr',
  'w:tc',
]);

// What a paragraph produced, in emission order: its blocks, page-break and note-reference markers, and then the
// same from paragraphs nested inside it (text boxes), which mammoth emits after the paragraph that holds them.
type Item = { block: { text: string; kind: DocxBlock['kind'] } } | { pageBreak: true } | { note: string };

interface ParagraphState {
  text: string;
  kind: DocxBlock['kind'];
  deleted: boolean;
  items: Item[];
  nested: Item[];
  /** Element names from w:pPr down to the element open inside it; empty outside the paragraph's properties. */
  pPr: string[];
}

/**
 * Walks a body-bearing part: the main document (`w:body`) or a notes part. For a notes part, `notes` receives each
 * note's items by 'footnote:<id>' / 'endnote:<id>'.
 */
function walkPart(xml: Buffer, styles: Map<string, string>, notes?: Map<string, Item[]>): Item[] {
  const out: Item[] = [];
  const stack: ParagraphState[] = [];
  let carried: ParagraphState | undefined; // a deleted paragraph's content joins the next paragraph
  let inRun = 0;
  let inText = 0;
  let bodies = 0;
  let noteKey: string | undefined;
  let noteItems: Item[] = [];
  const sink = () => (notes ? noteItems : out);
  const top = () => stack[stack.length - 1];
  const emit = (items: Item[]) => {
    const parent = top();
    if (parent) parent.nested.push(...items);
    else sink().push(...items);
  };
  const flush = (p: ParagraphState) => {
    if (p.text.trim()) p.items.push({ block: { text: p.text, kind: p.kind } });
    p.text = '';
  };
  streamXml(xml, {
    open(name, attrs) {
      if (notes && (name === 'w:footnote' || name === 'w:endnote')) {
        const type = attrs['w:type'];
        if (type === 'separator' || type === 'continuationSeparator') return false;
        noteKey = `${name.slice(2)}:${attrs['w:id'] ?? ''}`;
        noteItems = [];
        return true;
      }
      // Only the first body counts, as in mammoth (a second one is a broken file's leftover).
      if (name === 'w:body' && ++bodies > 1) return false;
      const p = top();
      if (p && (p.pPr.length > 0 || name === 'w:pPr')) {
        // Only the paragraph's own properties count (w:pPrChange holds the old ones, nested deeper).
        p.pPr.push(name);
        const path = p.pPr.join('/');
        if (path === 'w:pPr/w:pStyle') {
          const id = attrs['w:val'] ?? '';
          p.kind = styleKind(styles.get(id) ?? '', id);
        } else if (path === 'w:pPr/w:rPr/w:del') p.deleted = true;
        return true;
      }
      if (!CONTAINERS.has(name)) {
        if (inRun > 0) {
          if (name === 'w:t') {
            inText++;
            return true;
          }
          if (p) readRunLeaf(name, attrs, p);
        }
        return false;
      }
      if (name === 'w:p') {
        const fresh: ParagraphState = {
          text: '',
          kind: undefined,
          deleted: false,
          items: [],
          nested: [],
          pPr: [],
        };
        if (carried) {
          fresh.text = carried.text;
          fresh.items = carried.items;
          fresh.nested = carried.nested;
          carried = undefined;
        }
        stack.push(fresh);
      } else if (name === 'w:r') inRun++;
      return true;
    },
    text(data) {
      const p = top();
      // U+2028 LINE SEPARATOR is a line break (mammoth's XML parser turns it into one too).
      if (inText > 0 && p) p.text += data.includes('\u2028') ? data.replaceAll('\u2028', '\n') : data;
    },
    close(name) {
      const p = top();
      if (p && p.pPr.length > 0) {
        p.pPr.pop();
        return;
      }
      if (name === 'w:t') inText = Math.max(0, inText - 1);
      else if (name === 'w:r') inRun = Math.max(0, inRun - 1);
      else if (name === 'w:p' && p) {
        stack.pop();
        if (p.deleted) {
          carried = p;
          return;
        }
        flush(p);
        emit([...p.items, ...p.nested]);
      } else if (notes && noteKey && (name === 'w:footnote' || name === 'w:endnote')) {
        notes.set(noteKey, noteItems);
        noteKey = undefined;
      }
    },
  });
  return out;

  function readRunLeaf(name: string, attrs: Record<string, string>, p: ParagraphState) {
    switch (name) {
      case 'w:tab':
        p.text += '\t';
        break;
      case 'w:noBreakHyphen':
        p.text += '\u2011';
        break;
      case 'w:softHyphen':
        p.text += '\u00AD';
        break;
      case 'w:sym':
        p.text += symbol(attrs['w:font'], attrs['w:char']);
        break;
      case 'w:br': {
        const type = attrs['w:type'];
        if (type === 'page') {
          flush(p);
          p.items.push({ pageBreak: true });
        } else if (type === undefined || type === 'textWrapping' || type === 'column') p.text += '\n';
        break;
      }
      case 'w:footnoteReference':
      case 'w:endnoteReference':
        p.items.push({ note: `${name.slice(2, -9)}:${attrs['w:id'] ?? ''}` });
        break;
    }
  }
}

/**
 * The paragraphs of a docx, body first, then the footnotes and endnotes in the order they are referenced.
 * Throws when the main document part is missing.
 */
export function readDocxBlocks(parts: DocxParts): DocxBlock[] {
  const paths = findParts(parts);
  const main = parts.get(paths.document);
  if (!main) throw new Error(`no main document part (${paths.document})`);
  const styles = paragraphStyles(parts.get(paths.styles));
  const items = walkPart(main, styles);
  const notes = new Map<string, Item[]>();
  for (const path of [paths.footnotes, paths.endnotes]) {
    const xml = parts.get(path);
    if (xml) walkPart(xml, styles, notes);
  }
  const blocks: DocxBlock[] = [];
  let pageBreak = false;
  // Notes referenced from notes are appended as they are met, as mammoth does.
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if ('pageBreak' in item) pageBreak = true;
    else if ('note' in item) items.push(...(notes.get(item.note) ?? []));
    else {
      blocks.push({ ...item.block, pageBreakBefore: pageBreak });
      pageBreak = false;
    }
  }
  return blocks;
}

// A w:sym character in a symbol font (Symbol, Wingdings…) as Unicode, as mammoth maps it; unknown ones are dropped.
function symbol(font: string | undefined, char: string | undefined): string {
  if (!font || !char) return '';
  const found =
    dingbatToUnicode.hex(font, char) ?? (/^F0..$/i.test(char) ? dingbatToUnicode.hex(font, char.slice(2)) : undefined);
  return found?.string ?? '';
}

function styleKind(name: string, id: string): DocxBlock['kind'] {
  // Built-in styles keep their English name whatever the UI language ('heading 1' with id '1' in Chinese Word);
  // WPS and some templates use the localised name.
  const key = (name.trim() || id.trim()).toLowerCase();
  if (key === 'title' || key === '标题') return 'title';
  const m = /^(?:heading|标题)\s*([1-6])$/.exec(key);
  return m ? Number(m[1]) : undefined;
}

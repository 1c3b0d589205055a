// The reference for src/convert/docx-xml.ts: the paragraphs of a docx as mammoth's document model gives them
// (the extractor used this walk before decision 0008). Tests only: docx-xml.test.ts compares the two over the corpus.
import mammoth from 'mammoth';

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

export async function mammothBlocks(buffer: Buffer): Promise<Block[]> {
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
  } catch (err) {
    throw new Error(`mammoth could not read it: ${String(err)}`);
  }
  if (!blocks) throw new Error('mammoth gave no document');
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

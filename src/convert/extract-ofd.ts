// Text of an OFD (GB/T 33190) package: every document, every page, templates included, in reading order. Glyph
// positions come from TextCode X/Y and DeltaX/DeltaY through the object's CTM and Boundary; glyphs are grouped into
// visual lines (top to bottom, left to right within a line), and lines into paragraphs by the same layout rules as
// PDF text (pdf-lines.ts). Annotations (stamps, watermarks) are not text of the document.

import { cleanTitle, joinParagraphs, splitParagraphs } from './normalize.ts';
import { apply, type Matrix, scaleOf, walkPage } from './ofd/content.ts';
import { type OfdPackage, readOfdPackage } from './ofd/package.ts';
import { linesToParagraphs, type PdfLine } from './pdf-lines.ts';
import { finishExtraction } from './result.ts';
import type { ConvertLimits, ExtractedText } from './types.ts';
import { scanZip } from './zip-inspect.ts';

const XML_PART = /\.xml$/i;

/** Extracts the text of an .ofd; the zip is inspected first (same caps as every zip), keeping its XML parts. */
export async function extractOfd(path: string, limits: ConvertLimits): Promise<ExtractedText> {
  const scan = await scanZip(path, limits, (name) => XML_PART.test(name));
  const pkg = readOfdPackage(scan.kept, scan.names, limits.maxPages);
  const { paragraphs, pageFirst } = ofdParagraphs(pkg);
  const { body, offsets } = joinParagraphs(paragraphs);
  const pageStarts = pageFirst.map((i) => (i < offsets.length ? offsets[i]! : body.length));
  const title = cleanTitle(pkg.documents.find((d) => d.title)?.title);
  const result = finishExtraction({ body, pageStarts, title }, limits);
  if (pkg.signed) result.flags = ['signed'];
  return result;
}

/** Paragraphs of every page, and the index of the first paragraph of each page. */
export function ofdParagraphs(pkg: OfdPackage): { paragraphs: string[]; pageFirst: number[] } {
  const paragraphs: string[] = [];
  const pageFirst: number[] = [];
  for (const doc of pkg.documents) {
    for (const page of doc.pages) {
      pageFirst.push(paragraphs.length);
      const runs: Run[] = [];
      walkPage(page, doc.resources, {
        text(_obj, m, glyphs, { size }) {
          runs.push(...toRuns(m, glyphs, size));
        },
      });
      for (const p of linesToParagraphs(toLines(runs))) paragraphs.push(...splitParagraphs(p));
    }
  }
  return { paragraphs, pageFirst };
}

/** Glyphs on one baseline that follow each other left to right, in page millimetres. */
interface Run {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

function toRuns(m: Matrix, glyphs: ReadonlyArray<{ ch: string; x: number; y: number }>, size: number): Run[] {
  const pageSize = size * scaleOf(m);
  const runs: Run[] = [];
  // Rotated text (a CTM that turns it), or a column of glyphs stacked by DeltaY (vertical labels such as 购买方):
  // read in the order written, as one run where it starts, not glyph by glyph along the page's lines.
  if (glyphs.length > 1 && (rotated(m) || stacked(glyphs))) {
    const points = glyphs.map((g) => apply(m, g.x, g.y));
    const x0 = Math.min(...points.map((p) => p[0]));
    const y = Math.min(...points.map((p) => p[1]));
    const text = glyphs.map((g) => g.ch).join('');
    return text.trim() ? [{ text, x0, x1: x0 + pageSize, y, size: pageSize }] : [];
  }
  let cur: Run | undefined;
  for (const g of glyphs) {
    const [x, y] = apply(m, g.x, g.y);
    const sameLine = cur && Math.abs(y - cur.y) < pageSize * 0.5 && x >= cur.x1 - pageSize * 0.3;
    if (cur && sameLine && x - cur.x1 < pageSize * 3) {
      // A gap wider than a character between glyphs of one code is a space in the text (table cells, tab stops).
      if (x - cur.x1 > pageSize * 0.9 && g.ch.trim()) cur.text += ' ';
      cur.text += g.ch;
      cur.x1 = Math.max(cur.x1, x + pageSize * advanceOf(g.ch));
    } else {
      cur = { text: g.ch, x0: x, x1: x + pageSize * advanceOf(g.ch), y, size: pageSize };
      runs.push(cur);
    }
  }
  return runs.filter((r) => r.text.trim());
}

function rotated(m: Matrix): boolean {
  return Math.abs(m[1]) > 1e-6 * Math.abs(m[0]) + 1e-9 || Math.abs(m[2]) > 1e-6 * Math.abs(m[3]) + 1e-9;
}

// Every step between visible glyphs moves down (or up) more than across: a vertical column.
function stacked(glyphs: ReadonlyArray<{ ch: string; x: number; y: number }>): boolean {
  const ink = glyphs.filter((g) => g.ch.trim());
  if (ink.length < 2) return false;
  for (let i = 1; i < ink.length; i++) {
    const dx = Math.abs(ink[i]!.x - ink[i - 1]!.x);
    const dy = Math.abs(ink[i]!.y - ink[i - 1]!.y);
    if (!(dy > dx * 2)) return false;
  }
  return true;
}

// Full-width characters advance a whole em, ASCII about half.
function advanceOf(ch: string): number {
  return (ch.codePointAt(0) ?? 0) < 0x2e80 ? 0.5 : 1;
}

/** Runs → visual lines: sorted top to bottom, merged when their baselines agree, left to right within a line. */
function toLines(runs: Run[]): PdfLine[] {
  const sorted = [...runs].sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const groups: Run[][] = [];
  for (const r of sorted) {
    const g = groups[groups.length - 1];
    const first = g?.[0];
    if (g && first && Math.abs(r.y - first.y) < Math.min(r.size, first.size) * 0.5) g.push(r);
    else groups.push([r]);
  }
  return groups.map((g) => {
    g.sort((a, b) => a.x0 - b.x0);
    let text = '';
    let end = Number.NEGATIVE_INFINITY;
    for (const r of g) {
      if (text && r.x0 - end > r.size * 0.9) text += ' ';
      text += r.text;
      end = Math.max(end, r.x1);
    }
    const size = Math.max(...g.map((r) => r.size));
    // PDF lines measure y upwards; OFD measures downwards.
    return { text, x0: Math.min(...g.map((r) => r.x0)), x1: end, y: -g[0]!.y, size };
  });
}

// Walks the content of an OFD page (layers of TextObject, PathObject, ImageObject, CompositeObject, PageBlock) and
// hands each object to a visitor with its transform to page millimetres already composed. Text extraction and page
// rendering share this walk, so what is read and what is drawn never disagree.
import type { OfdDrawParam, OfdFont, OfdPage, OfdResources } from './package.ts';
import { readBox } from './package.ts';
import { child, children, type XmlElement } from './xml-tree.ts';

/** An affine transform [a, b, c, d, e, f]: (x, y) → (a·x + c·y + e, b·x + d·y + f). */
export type Matrix = readonly [number, number, number, number, number, number];

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** `outer ∘ inner`: apply `inner` first. */
export function multiply(outer: Matrix, inner: Matrix): Matrix {
  const [a, b, c, d, e, f] = outer;
  const [A, B, C, D, E, F] = inner;
  return [a * A + c * B, b * A + d * B, a * C + c * D, b * C + d * D, a * E + c * F + e, b * E + d * F + f];
}

export function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** How much a transform scales lengths (the square root of its determinant's magnitude). */
export function scaleOf(m: Matrix): number {
  return Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2])) || 1;
}

/** One glyph of a TextCode, in the text object's own space, and its character. */
export interface Glyph {
  ch: string;
  x: number;
  y: number;
}

/** What the walk reports. `m` maps the object's own space to page millimetres. */
export interface ContentVisitor {
  text?(
    obj: XmlElement,
    m: Matrix,
    glyphs: Glyph[],
    info: { size: number; font?: OfdFont | undefined; param?: OfdDrawParam | undefined },
  ): void;
  path?(obj: XmlElement, m: Matrix, param?: OfdDrawParam): void;
  image?(obj: XmlElement, m: Matrix, part: string | undefined): void;
}

/** Limits on one page's walk: a page of a real document has far fewer objects and far shallower nesting. */
const MAX_OBJECTS = 200_000;
const MAX_NESTING = 32;
const MAX_GLYPHS_PER_CODE = 100_000;

/** Walks every layer of `page` (templates included, annotations optionally), in drawing order. */
export function walkPage(
  page: OfdPage,
  res: OfdResources,
  visit: ContentVisitor,
  opts: { annotations?: boolean } = {},
): void {
  const state = { objects: 0 };
  for (const layerRoot of page.layers) {
    for (const layer of children(child(layerRoot, 'Content'), 'Layer')) {
      const param = layer.attrs.DrawParam ? res.drawParams.get(layer.attrs.DrawParam) : undefined;
      walkBlock(layer, IDENTITY, res, visit, param, 0, state);
    }
  }
  if (opts.annotations) {
    for (const appearance of page.annotations) {
      // An Appearance has a Boundary of its own: its objects sit relative to it.
      const box = readBox(appearance.attrs.Boundary);
      const m: Matrix = box ? [1, 0, 0, 1, box.x, box.y] : IDENTITY;
      walkBlock(appearance, m, res, visit, undefined, 0, state);
    }
  }
}

function walkBlock(
  block: XmlElement,
  outer: Matrix,
  res: OfdResources,
  visit: ContentVisitor,
  param: OfdDrawParam | undefined,
  depth: number,
  state: { objects: number },
): void {
  if (depth > MAX_NESTING) return;
  for (const obj of block.children) {
    if (++state.objects > MAX_OBJECTS) return;
    const own = obj.attrs.DrawParam ? res.drawParams.get(obj.attrs.DrawParam) : undefined;
    const p = own ?? param;
    switch (obj.name) {
      case 'PageBlock':
        walkBlock(obj, outer, res, visit, p, depth + 1, state);
        break;
      case 'TextObject': {
        if (!visit.text) break;
        const m = objectMatrix(obj, outer);
        const size = Number(obj.attrs.Size);
        const font = obj.attrs.Font ? res.fonts.get(obj.attrs.Font) : undefined;
        visit.text(obj, m, glyphsOf(obj), { size: Number.isFinite(size) && size > 0 ? size : 3.5, font, param: p });
        break;
      }
      case 'PathObject':
        visit.path?.(obj, objectMatrix(obj, outer), p);
        break;
      case 'ImageObject':
        visit.image?.(obj, objectMatrix(obj, outer), res.media.get(obj.attrs.ResourceID ?? ''));
        break;
      case 'CompositeObject': {
        const unit = res.composites.get(obj.attrs.ResourceID ?? '');
        const content = child(unit, 'Content');
        if (content) walkBlock(content, objectMatrix(obj, outer), res, visit, p, depth + 1, state);
        break;
      }
      default:
        break;
    }
  }
}

/** Object space → page: the CTM first, then the Boundary's origin, then whatever encloses the object. */
function objectMatrix(obj: XmlElement, outer: Matrix): Matrix {
  const box = readBox(obj.attrs.Boundary);
  const ctm = readMatrix(obj.attrs.CTM) ?? IDENTITY;
  const place: Matrix = [1, 0, 0, 1, box?.x ?? 0, box?.y ?? 0];
  return multiply(outer, multiply(place, ctm));
}

function readMatrix(value: string | undefined): Matrix | undefined {
  if (!value) return undefined;
  const n = value
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  if (n.length !== 6 || n.some((v) => !Number.isFinite(v))) return undefined;
  return n as unknown as Matrix;
}

/**
 * The glyphs of a TextObject's TextCodes: each code starts at its X/Y (or where the previous one ended) and moves by
 * DeltaX/DeltaY per character; "g n v" in a delta list means n times v. Without DeltaX the characters advance by
 * the font size (the renderer's default for fixed-pitch CJK).
 */
export function glyphsOf(obj: XmlElement): Glyph[] {
  const out: Glyph[] = [];
  const size = Number(obj.attrs.Size) || 3.5;
  let x = 0;
  let y = 0;
  for (const code of children(obj, 'TextCode')) {
    const cx = Number(code.attrs.X);
    const cy = Number(code.attrs.Y);
    if (code.attrs.X !== undefined && Number.isFinite(cx)) x = cx;
    if (code.attrs.Y !== undefined && Number.isFinite(cy)) y = cy;
    const chars = Array.from(code.text);
    if (chars.length > MAX_GLYPHS_PER_CODE) chars.length = MAX_GLYPHS_PER_CODE;
    const dx = deltas(code.attrs.DeltaX, chars.length);
    const dy = deltas(code.attrs.DeltaY, chars.length);
    chars.forEach((ch, i) => {
      out.push({ ch, x, y });
      x += dx ? (dx[i] ?? 0) : size;
      y += dy ? (dy[i] ?? 0) : 0;
    });
  }
  return out;
}

/** Expands a DeltaX/DeltaY list ("1 2 g 3 4.5") into at most `max` numbers; undefined when absent. */
export function deltas(value: string | undefined, max: number): number[] | undefined {
  if (value === undefined) return undefined;
  const tokens = value.trim().split(/\s+/).filter(Boolean);
  const out: number[] = [];
  for (let i = 0; i < tokens.length && out.length < max; i++) {
    if (tokens[i] === 'g') {
      const n = Math.min(Number(tokens[i + 1]), max - out.length);
      const v = Number(tokens[i + 2]);
      i += 2;
      if (!Number.isFinite(n) || !Number.isFinite(v)) continue;
      for (let k = 0; k < n; k++) out.push(v);
    } else {
      const v = Number(tokens[i]);
      out.push(Number.isFinite(v) ? v : 0);
    }
  }
  return out;
}

// The structure of an OFD package (GB/T 33190-2016): OFD.xml → DocBody → DocRoot (Document.xml) → CommonData
// (page area, resources, template pages) and Pages → each page's Content.xml. Parts come from a zip that has passed
// inspection (scanZip), so every byte here is already within the caps. Paths in OFD are written every way: absolute
// from the package root ("/Doc_0/Pages/Page_0/Content.xml"), relative to the referring part's folder, relative to the
// document root, with backslashes or different case; `resolvePart` tries them in that order.
import { ConversionError } from '../types.ts';
import { child, children, childText, parseXmlTree, type XmlElement } from './xml-tree.ts';

/** A rectangle in millimetres: x, y (top left), width, height. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A font resource: the names a page asks for (mapped to installed faces when drawn). */
export interface OfdFont {
  name: string;
  family?: string | undefined;
  bold: boolean;
  italic: boolean;
  serif: boolean;
}

/** A drawing-parameter resource (shared line width and colours). */
export interface OfdDrawParam {
  relative?: string | undefined;
  lineWidth?: number | undefined;
  fill?: XmlElement | undefined;
  stroke?: XmlElement | undefined;
}

/** The resources of one document: fonts, images (by part name), drawing parameters, composite units. */
export interface OfdResources {
  fonts: Map<string, OfdFont>;
  media: Map<string, string>;
  drawParams: Map<string, OfdDrawParam>;
  composites: Map<string, XmlElement>;
}

/** One page: its area and the content parts drawn on it in order (background templates, the page, foreground). */
export interface OfdPage {
  area: Box;
  /** Page-content roots in drawing order; each is a Page element (a template or the page itself). */
  layers: XmlElement[];
  /** Annotation appearances (stamps, watermarks) drawn over the page; never part of the text. */
  annotations: XmlElement[];
}

/** One document of the package. */
export interface OfdDocument {
  pages: OfdPage[];
  resources: OfdResources;
  title?: string | undefined;
}

/** A whole package: its documents, and whether it carries electronic signatures (Signatures.xml). */
export interface OfdPackage {
  documents: OfdDocument[];
  signed: boolean;
}

/** Bytes of the package's parts by name, as scanZip keeps them. */
export type Parts = ReadonlyMap<string, Buffer>;

const DEFAULT_AREA: Box = { x: 0, y: 0, w: 210, h: 297 };

/** Reads the structure of a package; throws ConversionError('corrupt') when it is not an OFD at all. */
export function readOfdPackage(parts: Parts, names: readonly string[], maxPages: number): OfdPackage {
  const index = new PartIndex(parts, names);
  const ofdXml = index.get('OFD.xml');
  if (!ofdXml) throw new ConversionError('corrupt');
  const ofd = parse(ofdXml);
  if (ofd?.name !== 'OFD') throw new ConversionError('corrupt');
  const documents: OfdDocument[] = [];
  let signed = false;
  let pageTotal = 0;
  for (const body of children(ofd, 'DocBody')) {
    if (childText(body, 'Signatures')) signed = true;
    const rootPath = childText(body, 'DocRoot');
    if (!rootPath) continue;
    const rootName = index.resolve(rootPath, '');
    if (!rootName) continue;
    const docXml = parse(index.get(rootName));
    if (docXml?.name !== 'Document') continue;
    const doc = readDocument(index, rootName, docXml, maxPages - pageTotal);
    doc.title = cleanInfo(childText(child(body, 'DocInfo'), 'Title'));
    pageTotal += doc.pages.length;
    documents.push(doc);
  }
  if (documents.length === 0) throw new ConversionError('corrupt');
  // Some writers put Signatures.xml in place without naming it in OFD.xml.
  if (!signed) signed = names.some((n) => /(^|\/)Signatures\.xml$/i.test(n));
  return { documents, signed };
}

function readDocument(index: PartIndex, rootName: string, doc: XmlElement, pageBudget: number): OfdDocument {
  const common = child(doc, 'CommonData');
  const area = readBox(childText(child(common, 'PageArea'), 'PhysicalBox')) ?? DEFAULT_AREA;
  const resources: OfdResources = { fonts: new Map(), media: new Map(), drawParams: new Map(), composites: new Map() };
  for (const tag of ['PublicRes', 'DocumentRes']) {
    for (const ref of children(common, tag)) {
      const name = index.resolve(ref.text.trim(), rootName);
      if (name) readResources(index, name, resources);
    }
  }
  const templates = new Map<string, string>();
  for (const tpl of children(common, 'TemplatePage')) {
    const name = tpl.attrs.BaseLoc ? index.resolve(tpl.attrs.BaseLoc, rootName) : undefined;
    if (tpl.attrs.ID && name) templates.set(tpl.attrs.ID, name);
  }
  const annotations = readAnnotations(index, rootName, childText(doc, 'Annotations'));
  const pages: OfdPage[] = [];
  const pageList = children(child(doc, 'Pages'), 'Page');
  if (pageList.length > pageBudget) {
    throw new ConversionError('tooManyPages', { pages: pageList.length, max: Math.max(0, pageBudget) });
  }
  for (const ref of pageList) {
    const name = ref.attrs.BaseLoc ? index.resolve(ref.attrs.BaseLoc, rootName) : undefined;
    const page = name ? parse(index.get(name)) : undefined;
    if (!page) {
      // A page whose content part is missing is drawn empty rather than failing the whole document.
      pages.push({ area, layers: [], annotations: [] });
      continue;
    }
    const pageArea = readBox(childText(child(page, 'Area'), 'PhysicalBox')) ?? area;
    const before: XmlElement[] = [];
    const after: XmlElement[] = [];
    // Templates are referenced by ID; a template is drawn at most once per page, and a template's own template
    // references are not followed (the standard has none; following them would allow loops).
    const seen = new Set<string>();
    for (const use of children(page, 'Template')) {
      const id = use.attrs.TemplateID ?? '';
      const tplName = templates.get(id);
      if (!tplName || seen.has(tplName) || tplName === name) continue;
      seen.add(tplName);
      const tpl = parse(index.get(tplName));
      if (!tpl) continue;
      (use.attrs.ZOrder === 'Foreground' ? after : before).push(tpl);
    }
    pages.push({
      area: pageArea,
      layers: [...before, page, ...after],
      annotations: annotations.get(ref.attrs.ID ?? '') ?? [],
    });
  }
  return { pages, resources };
}

function readResources(index: PartIndex, name: string, out: OfdResources): void {
  const res = parse(index.get(name));
  if (res?.name !== 'Res') return;
  // Media files are named relative to the resource part's BaseLoc folder (often "Res"), itself relative to the part.
  const folder = dirname(name);
  const base = res.attrs.BaseLoc ? joinPath(folder, res.attrs.BaseLoc) : folder;
  for (const f of children(child(res, 'Fonts'), 'Font')) {
    const id = f.attrs.ID;
    if (!id) continue;
    out.fonts.set(id, {
      name: f.attrs.FontName ?? '',
      family: f.attrs.FamilyName,
      bold: f.attrs.Bold === 'true',
      italic: f.attrs.Italic === 'true',
      serif: f.attrs.Serif === 'true',
    });
  }
  for (const m of children(child(res, 'MultiMedias'), 'MultiMedia')) {
    const id = m.attrs.ID;
    const file = childText(m, 'MediaFile');
    if (!id || !file) continue;
    const resolved = index.resolve(file, `${base}/x`) ?? index.resolve(file, name);
    if (resolved) out.media.set(id, resolved);
  }
  for (const d of children(child(res, 'DrawParams'), 'DrawParam')) {
    const id = d.attrs.ID;
    if (!id) continue;
    out.drawParams.set(id, {
      relative: d.attrs.Relative,
      lineWidth: num(d.attrs.LineWidth),
      fill: child(d, 'FillColor'),
      stroke: child(d, 'StrokeColor'),
    });
  }
  for (const u of children(child(res, 'CompositeGraphicUnits'), 'CompositeGraphicUnit')) {
    if (u.attrs.ID) out.composites.set(u.attrs.ID, u);
  }
}

// Annotations.xml lists, per page, an annotation part whose Annot elements carry Appearance blocks.
function readAnnotations(index: PartIndex, rootName: string, listPath: string | undefined): Map<string, XmlElement[]> {
  const out = new Map<string, XmlElement[]>();
  if (!listPath) return out;
  const listName = index.resolve(listPath, rootName);
  const list = listName ? parse(index.get(listName)) : undefined;
  if (!list || !listName) return out;
  for (const p of children(list, 'Page')) {
    const file = childText(p, 'FileLoc');
    const partName = file ? index.resolve(file, listName) : undefined;
    const part = partName ? parse(index.get(partName)) : undefined;
    if (!part || !p.attrs.PageID) continue;
    const appearances: XmlElement[] = [];
    for (const annot of children(part, 'Annot')) {
      if (annot.attrs.Visible === 'false') continue;
      const app = child(annot, 'Appearance');
      if (app) appearances.push(app);
    }
    out.set(p.attrs.PageID, appearances);
  }
  return out;
}

/** "x y w h" in millimetres, or undefined when it is not four finite numbers. */
export function readBox(value: string | undefined): Box | undefined {
  if (!value) return undefined;
  const n = value
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  if (n.length !== 4 || n.some((v) => !Number.isFinite(v))) return undefined;
  return { x: n[0]!, y: n[1]!, w: n[2]!, h: n[3]! };
}

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function cleanInfo(v: string | undefined): string | undefined {
  const t = v?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}

function parse(bytes: Buffer | undefined): XmlElement | undefined {
  if (!bytes) return undefined;
  try {
    return parseXmlTree(decodeXml(bytes));
  } catch {
    return undefined;
  }
}

// OFD writers sometimes declare GB 2312/GBK; everything else is UTF-8 (a BOM is dropped by the decoder).
function decodeXml(bytes: Buffer): string {
  const head = bytes.subarray(0, 200).toString('latin1');
  const enc = /encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  const gb = enc === 'gb2312' || enc === 'gbk' || enc === 'gb18030';
  return new TextDecoder(gb ? 'gb18030' : 'utf-8').decode(bytes);
}

function dirname(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

function joinPath(folder: string, rel: string): string {
  const parts = folder ? folder.split('/') : [];
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** Finds parts by the many ways OFD writers spell a path. */
class PartIndex {
  private readonly lower = new Map<string, string>();
  constructor(
    private readonly parts: Parts,
    names: readonly string[],
  ) {
    for (const n of names) this.lower.set(n.toLowerCase(), n);
  }

  get(name: string): Buffer | undefined {
    return this.parts.get(name);
  }

  /** The part name `path` means when written in part `from` ('' for the package root), if such a part exists. */
  resolve(path: string, from: string): string | undefined {
    const clean = path.trim().replace(/\\/g, '/');
    if (!clean) return undefined;
    const candidates: string[] = [];
    if (clean.startsWith('/')) candidates.push(joinPath('', clean));
    else {
      candidates.push(joinPath(dirname(from), clean));
      // Relative to the document root's folder, then to the package root.
      const top = from.split('/')[0] ?? '';
      if (top && from.includes('/')) candidates.push(joinPath(top, clean));
      candidates.push(joinPath('', clean));
    }
    for (const c of candidates) {
      if (this.lower.has(c.toLowerCase())) return this.lower.get(c.toLowerCase());
    }
    return undefined;
  }
}

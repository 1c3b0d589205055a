// Marks a docx for one buyer while streaming it (decision 0019): the invisible token inside body text runs, the
// ASCII token as a custom document property, and (optionally) a visible footer line. Only the main document part,
// the footers, the relationships, [Content_Types].xml and the custom properties are inflated (each capped); every
// other entry — images above all — is copied compressed.
import { findParts, relationships } from '../../convert/docx-parts.ts';
import { DEFAULT_LIMITS } from '../../convert/types.ts';
import { toAscii, toInvisible } from './token.ts';
import { openZipIndex, readEntry, rewriteZip, type ZipIndex } from './zip-rewrite.ts';

export interface DocxMark {
  token: Buffer;
  /** The visible footer line; undefined when the operator switched it off. */
  visibleLine: string | undefined;
}

/** Why a file cannot carry the mark: over the size marked in memory, encrypted (and not decryptable), unreadable. */
export type MarkProblem = 'tooLarge' | 'encrypted' | 'unreadable';

/** A file that cannot carry the mark (not a zip we can rewrite, no main document part, not UTF-8 XML, …). */
export class NotMarkable extends Error {
  constructor(
    message: string,
    readonly code: MarkProblem = 'unreadable',
  ) {
    super(message);
  }
}

const CAP = DEFAULT_LIMITS.maxZipEntryBytes;
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CUSTOM_REL = `${REL}/custom-properties`;
const FOOTER_REL = `${REL}/footer`;
const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const VT_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes';
const FMTID = '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}';
export const MARK_PROPERTY = 'WenyuanMark';
const FOOTER_ID = 'rIdWenyuanMark';
/** Text characters between two invisible copies of the token (a partial copy of a long text still carries one). */
const SPACING = 600;
const MAX_COPIES = 500;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Opens the package and prepares the changed parts; the returned stream writes the marked package. */
export async function markDocx(path: string, mark: DocxMark): Promise<AsyncGenerator<Buffer>> {
  let index: ZipIndex;
  try {
    index = await openZipIndex(path);
  } catch (err) {
    throw new NotMarkable(String(err));
  }
  try {
    if (renamedEntry(index)) throw new NotMarkable('an entry renamed by an Info-ZIP Unicode Path extra field');
    const { replace, add } = await plan(index, mark);
    return rewriteZip(index, replace, add);
  } catch (err) {
    index.zip.close();
    throw err instanceof NotMarkable ? err : new NotMarkable(String(err));
  }
}

/**
 * An entry whose Info-ZIP Unicode Path extra field (0x7075) names it differently from its header: readers disagree
 * on which name holds (the extractor takes the extra field, the rewrite the header), so a part could be marked in
 * one copy and read from another (a POI test file carries two word/document.xml that way). Not marked.
 */
function renamedEntry(index: ZipIndex): boolean {
  for (const entry of index.entries.values()) {
    for (const field of entry.extraFields ?? []) {
      if (field.id !== 0x7075 || field.data.length < 5) continue;
      if (!field.data.subarray(5).equals(entry.fileName as unknown as Buffer)) return true;
    }
  }
  return false;
}

async function plan(index: ZipIndex, mark: DocxMark) {
  const read = (name: string) => readEntry(index, name, CAP);
  const parts = new Map<string, Buffer>();
  const rootRels = await read('_rels/.rels');
  if (rootRels) parts.set('_rels/.rels', rootRels);
  const found = findParts(parts);
  const docName = found.document;
  const dir = docName.includes('/') ? docName.slice(0, docName.lastIndexOf('/') + 1) : '';
  const docRelsName = `${dir}_rels/${docName.slice(dir.length)}.rels`;
  const [docXml, docRels, types] = await Promise.all([read(docName), read(docRelsName), read('[Content_Types].xml')]);
  if (!docXml || !types) throw new NotMarkable('no main document part');
  const replace = new Map<string, Buffer>();
  const add = new Map<string, Buffer>();
  let contentTypes = utf8(types);

  // 1. The body: the invisible token inside text runs. The footers: the visible line (when on) and the ASCII token
  // in 1-point white text, which LibreOffice's PDF export keeps (the invisible characters do not survive it);
  // sections without a default footer get one.
  let body = insertInvisible(utf8(docXml), toInvisible(mark.token));
  {
    const line = footerParagraph(mark.visibleLine, toAscii(mark.token));
    const footers = new Set<string>();
    for (const r of docRels ? relationships(docRels) : []) {
      if (r.type === FOOTER_REL || r.type.endsWith('/relationships/footer')) footers.add(joinPath(dir, r.target));
    }
    for (const name of footers) {
      const xml = await read(name);
      if (!xml) continue;
      const text = utf8(xml);
      const at = text.lastIndexOf('</w:ftr>');
      if (at >= 0) replace.set(name, Buffer.from(text.slice(0, at) + line + text.slice(at)));
    }
    const withRefs = addDefaultFooterRefs(body);
    if (withRefs !== body) {
      body = withRefs;
      const footerName = uniqueName(index, `${dir}footer-wenyuan.xml`);
      add.set(
        footerName,
        Buffer.from(
          `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="${W_NS}">${line}</w:ftr>`,
        ),
      );
      const rel = `<Relationship Id="${FOOTER_ID}" Type="${FOOTER_REL}" Target="${esc(footerName.slice(dir.length))}"/>`;
      const rels = docRels
        ? utf8(docRels)
        : `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`;
      const relsOut = insertBefore(rels, '</Relationships>', rel);
      if (docRels) replace.set(docRelsName, Buffer.from(relsOut));
      else add.set(docRelsName, Buffer.from(relsOut));
      contentTypes = insertBefore(
        contentTypes,
        '</Types>',
        `<Override PartName="/${esc(footerName)}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>`,
      );
    }
  }
  replace.set(docName, Buffer.from(body));

  // 2. The custom property (docProps/custom.xml, created with its relationship and content type when absent).
  const property = (pid: number, vtNs: boolean) =>
    `<property fmtid="${FMTID}" pid="${pid}" name="${MARK_PROPERTY}"><vt:lpwstr${vtNs ? ` xmlns:vt="${VT_NS}"` : ''}>${toAscii(mark.token)}</vt:lpwstr></property>`;
  const customRel = rootRels ? relationships(rootRels).find((r) => r.type === CUSTOM_REL) : undefined;
  const customName = customRel ? joinPath('', customRel.target) : undefined;
  const custom = customName ? await read(customName) : undefined;
  if (customName && custom) {
    const text = utf8(custom);
    const pids = [...text.matchAll(/\bpid="(\d+)"/g)].map((m) => Number(m[1]));
    const pid = Math.max(1, ...pids) + 1;
    // pandoc writes an empty part as one self-closing root element.
    const open = text.replace(/<Properties\b([^>]*?)\s*\/>/, '<Properties$1></Properties>');
    replace.set(customName, Buffer.from(insertBefore(open, '</Properties>', property(pid, true))));
  } else {
    const name = uniqueName(index, 'docProps/custom.xml');
    add.set(
      name,
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="${VT_NS}">${property(2, false)}</Properties>`,
      ),
    );
    const rels = rootRels
      ? utf8(rootRels)
      : `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`;
    const out = insertBefore(
      rels,
      '</Relationships>',
      `<Relationship Id="rIdWenyuanCustom" Type="${CUSTOM_REL}" Target="${esc(name)}"/>`,
    );
    if (rootRels) replace.set('_rels/.rels', Buffer.from(out));
    else add.set('_rels/.rels', Buffer.from(out));
    contentTypes = insertBefore(
      contentTypes,
      '</Types>',
      `<Override PartName="/${esc(name)}" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>`,
    );
  }
  replace.set('[Content_Types].xml', Buffer.from(contentTypes));
  return { replace, add };
}

/** UTF-8 XML as text; a UTF-16 part (legal, never written by Word) is not marked. */
function utf8(xml: Buffer): string {
  if ((xml[0] === 0xff && xml[1] === 0xfe) || (xml[0] === 0xfe && xml[1] === 0xff) || xml.includes(0))
    throw new NotMarkable('UTF-16 XML part');
  const text = xml.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function insertBefore(text: string, closing: string, insert: string): string {
  const at = text.lastIndexOf(closing);
  if (at < 0) throw new NotMarkable(`no ${closing}`);
  return text.slice(0, at) + insert + text.slice(at);
}

function uniqueName(index: ZipIndex, wanted: string): string {
  if (!index.entries.has(wanted)) return wanted;
  const dot = wanted.lastIndexOf('.');
  for (let i = 2; ; i++) {
    const name = `${wanted.slice(0, dot)}${i}${wanted.slice(dot)}`;
    if (!index.entries.has(name)) return name;
  }
}

function joinPath(base: string, target: string): string {
  const segments = target.startsWith('/') ? [] : base.split('/').filter(Boolean);
  for (const s of target.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  return segments.join('/');
}

/**
 * Puts the invisible token at the start of the first text run with text, then again every SPACING characters of
 * text. Only `<w:t>` elements (not deleted text, field codes or math) are touched.
 */
export function insertInvisible(xml: string, frame: string): string {
  const open = /<w:t(?=[\s/>])[^>]*>/g;
  let out = '';
  let last = 0;
  let since = Number.POSITIVE_INFINITY;
  let copies = 0;
  for (let m = open.exec(xml); m; m = open.exec(xml)) {
    if (m[0].endsWith('/>')) continue;
    const start = m.index + m[0].length;
    const end = xml.indexOf('</w:t>', start);
    if (end < 0) break;
    const length = end - start;
    if (length > 0 && since >= SPACING && copies < MAX_COPIES) {
      out += xml.slice(last, start) + frame;
      last = start;
      since = 0;
      copies++;
    }
    since += length;
    open.lastIndex = end;
  }
  return out + xml.slice(last);
}

/** Adds a default footer reference to each section that has none (not inside a tracked section change). */
function addDefaultFooterRefs(xml: string): string {
  const ref = `<w:footerReference xmlns:r="${REL}" w:type="default" r:id="${FOOTER_ID}"/>`;
  const re = /<w:sectPr(?=[\s/>])[^>]*>/g;
  let out = '';
  let last = 0;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const before = xml.slice(0, m.index);
    if (before.lastIndexOf('<w:sectPrChange') > before.lastIndexOf('</w:sectPrChange>')) continue;
    const selfClosing = m[0].endsWith('/>');
    const close = selfClosing ? m.index + m[0].length : xml.indexOf('</w:sectPr>', m.index);
    const inner = selfClosing ? '' : xml.slice(m.index + m[0].length, close);
    if (/<w:footerReference\b[^>]*w:type="default"/.test(inner)) continue;
    if (selfClosing) {
      out += `${xml.slice(last, m.index)}${m[0].slice(0, -2)}>${ref}</w:sectPr>`;
    } else {
      out += xml.slice(last, m.index + m[0].length) + ref;
    }
    last = m.index + m[0].length;
  }
  return out + xml.slice(last);
}

function footerParagraph(line: string | undefined, ascii: string): string {
  const visible = line
    ? '<w:r><w:rPr><w:color w:val="999999"/><w:sz w:val="15"/><w:szCs w:val="15"/></w:rPr>' +
      `<w:t xml:space="preserve">${esc(line)} </w:t></w:r>`
    : '';
  const hidden = `<w:r><w:rPr><w:color w:val="FFFFFF"/><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr><w:t>${ascii}</w:t></w:r>`;
  return `<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:before="0" w:after="0"/></w:pPr>${visible}${hidden}</w:p>`;
}

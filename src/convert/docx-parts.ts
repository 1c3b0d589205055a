// The package structure of a docx: which part is the main document, and where its styles and notes live (found
// through relationships as mammoth finds them, with its fallbacks); paragraph style names by id.
import type { DocxParts } from './docx-xml.ts';
import { streamXml } from './xml-stream.ts';

const REL_BASE = [
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships/',
  'http://purl.oclc.org/ooxml/officeDocument/relationships/',
];

/** Finds the main document and its styles/footnotes/endnotes parts the way mammoth does (relationships, fallbacks). */
export function findParts(parts: DocxParts): {
  document: string;
  styles: string;
  footnotes: string;
  endnotes: string;
} {
  const target = (relsPath: string, base: string, type: string, fallback: string) => {
    const rels = parts.get(relsPath);
    for (const r of rels ? relationships(rels) : []) {
      if (!REL_BASE.some((b) => r.type === b + type)) continue;
      const path = joinPath(base, r.target);
      if (parts.has(path)) return path;
    }
    return fallback;
  };
  const document = target('_rels/.rels', '', 'officeDocument', 'word/document.xml');
  const dir = document.includes('/') ? document.slice(0, document.lastIndexOf('/')) : '';
  const name = document.slice(dir ? dir.length + 1 : 0);
  const docRels = `${dir ? `${dir}/` : ''}_rels/${name}.rels`;
  return {
    document,
    styles: target(docRels, dir, 'styles', 'word/styles.xml'),
    footnotes: target(docRels, dir, 'footnotes', 'word/footnotes.xml'),
    endnotes: target(docRels, dir, 'endnotes', 'word/endnotes.xml'),
  };
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

/** The relationships of a .rels part. */
export function relationships(xml: Buffer): Array<{ type: string; target: string }> {
  const out: Array<{ type: string; target: string }> = [];
  streamXml(xml, {
    open(name, attrs) {
      if (name === 'rel:Relationship' && attrs.Type && attrs.Target)
        out.push({ type: attrs.Type, target: attrs.Target });
      return true;
    },
  });
  return out;
}

/** Paragraph style names by style id (styles.xml). */
export function paragraphStyles(xml: Buffer | undefined): Map<string, string> {
  const names = new Map<string, string>();
  if (!xml) return names;
  let current: string | undefined;
  streamXml(xml, {
    open(name, attrs) {
      if (name === 'w:style') current = attrs['w:type'] === 'paragraph' ? attrs['w:styleId'] : undefined;
      else if (name === 'w:name' && current !== undefined && attrs['w:val'] !== undefined) {
        names.set(current, attrs['w:val']);
      }
      return true;
    },
    close(name) {
      if (name === 'w:style') current = undefined;
    },
  });
  return names;
}

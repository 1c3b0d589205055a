// A namespace-aware streaming walk over one XML part of an Office package, with htmlparser2 in XML mode. The part
// has passed zip inspection first (src/convert/zip-inspect.ts): no DTD or entity declaration reaches here, and
// htmlparser2 decodes only the predefined entities and character references.
import { Parser } from 'htmlparser2';

// Namespaces by URI → the prefixes this walker names elements with (documents may bind any prefix).
const NAMESPACES: Record<string, string> = {
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main': 'w',
  'http://purl.oclc.org/ooxml/wordprocessingml/main': 'w',
  'http://schemas.openxmlformats.org/markup-compatibility/2006': 'mc',
  'urn:schemas-microsoft-com:vml': 'v',
  'http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing': 'wp',
  'http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing': 'wp',
  'http://schemas.openxmlformats.org/package/2006/relationships': 'rel',
};

/** What a walk does with each event. */
export interface XmlHandlers {
  /** An element opens; return false to skip everything inside it. */
  open(name: string, attrs: Record<string, string>): boolean;
  text?(data: string): void;
  close?(name: string): void;
}

/**
 * Streams an XML part through htmlparser2, naming elements by their namespace's usual prefix (only when a part
 * binds another prefix: Word always writes w:, mc:, v:…), skipping subtrees the handler refuses and mc:Choice (as
 * mammoth keeps only mc:Fallback).
 */
export function streamXml(xml: Buffer, h: XmlHandlers): void {
  // Namespace scopes in force, innermost last, with the element depth that declared them.
  const scopes: Array<{ depth: number; map: Map<string, string> }> = [];
  let renaming = false;
  let depth = 0;
  let skip = 0;
  let ending = false;
  let justOpened: string | undefined;
  const canonical = (raw: string): string => {
    if (!renaming) return raw;
    const colon = raw.indexOf(':');
    const prefix = colon < 0 ? '' : raw.slice(0, colon);
    for (let i = scopes.length - 1; i >= 0; i--) {
      const mapped = scopes[i]!.map.get(prefix);
      if (mapped !== undefined) return `${mapped}:${raw.slice(colon + 1)}`;
    }
    return raw;
  };
  const canonicalAttrs = (attrs: Record<string, string>): Record<string, string> => {
    if (!renaming) return attrs;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(attrs)) out[k.includes(':') && !k.startsWith('xmlns') ? canonical(k) : k] = v;
    return out;
  };
  const parser = new Parser(
    {
      onopentag(raw, attrs) {
        justOpened = raw;
        depth++;
        let map: Map<string, string> | undefined;
        for (const k in attrs) {
          if (k !== 'xmlns' && !k.startsWith('xmlns:')) continue;
          const mapped = NAMESPACES[attrs[k]!];
          if (mapped === undefined) continue;
          const prefix = k === 'xmlns' ? '' : k.slice(6);
          map ??= new Map();
          map.set(prefix, mapped);
          if (prefix !== mapped) renaming = true;
        }
        if (map) scopes.push({ depth, map });
        if (skip > 0) {
          skip++;
          return;
        }
        const name = canonical(raw);
        if (name === 'mc:Choice' || !h.open(name, canonicalAttrs(attrs))) skip = 1;
      },
      ontext(data) {
        justOpened = undefined;
        if (skip === 0) h.text?.(data);
      },
      onclosetag(raw, implied) {
        // Closed by the parser, not by the part (an element left open at a parent's end tag or at the end): not
        // well-formed XML, which Word refuses too. A self-closing element is also reported as implied, right after
        // it opened.
        if (ending || (implied && justOpened !== raw)) throw new Error(`unclosed element ${raw}`);
        justOpened = undefined;
        if (skip > 0) skip--;
        else h.close?.(canonical(raw));
        if (scopes.length > 0 && scopes[scopes.length - 1]!.depth === depth) scopes.pop();
        depth--;
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeSelfClosing: true },
  );
  // Fed in slices: no string as large as the part is ever made, so the heap grows gradually and a worker over its
  // cap is stopped cleanly instead of failing one huge allocation (which takes the whole process down).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  for (let at = 0; at < xml.length; at += CHUNK_BYTES) {
    parser.write(decoder.decode(xml.subarray(at, at + CHUNK_BYTES), { stream: true }));
  }
  parser.write(decoder.decode());
  ending = true;
  parser.end();
}

const CHUNK_BYTES = 256 * 1024;

// A small element tree of one OFD XML part, built with htmlparser2 in XML mode. OFD parts are small (one page's
// content, one resource list), so a tree is simpler than a streaming walk here. The part has passed zip inspection
// first (src/convert/zip-inspect.ts): no DTD or entity declaration reaches this parser, and htmlparser2 decodes only
// the predefined entities and character references.
import { Parser } from 'htmlparser2';

/** One element: its local name (namespace prefix dropped: OFD writers bind `ofd:` or none), attributes, children. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside this element (not its children's). */
  text: string;
}

/** Deeper nesting than this is not a document but an attack on the walkers below. */
const MAX_DEPTH = 256;

/** Parses `xml` into a tree; throws on malformed XML or absurd nesting. */
export function parseXmlTree(xml: Buffer | string): XmlElement {
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let justOpened: string | undefined;
  let ending = false;
  const parser = new Parser(
    {
      onopentag(raw, attrs) {
        justOpened = raw;
        if (stack.length > MAX_DEPTH) throw new Error('XML nested too deeply');
        const el: XmlElement = { name: localName(raw), attrs: localAttrs(attrs), children: [], text: '' };
        stack[stack.length - 1]!.children.push(el);
        stack.push(el);
      },
      ontext(data) {
        justOpened = undefined;
        stack[stack.length - 1]!.text += data;
      },
      onclosetag(raw, implied) {
        if (ending || (implied && justOpened !== raw)) throw new Error(`unclosed element ${raw}`);
        justOpened = undefined;
        if (stack.length > 1) stack.pop();
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeSelfClosing: true },
  );
  const text = typeof xml === 'string' ? xml : new TextDecoder('utf-8').decode(xml);
  parser.write(text);
  ending = true;
  parser.end();
  const top = root.children[0];
  if (!top) throw new Error('empty XML part');
  return top;
}

function localName(raw: string): string {
  const colon = raw.indexOf(':');
  return colon < 0 ? raw : raw.slice(colon + 1);
}

function localAttrs(attrs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    out[localName(k)] = v;
  }
  return out;
}

/** The first child named `name`. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Every child named `name`. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The trimmed text of the first child named `name`. */
export function childText(el: XmlElement | undefined, name: string): string | undefined {
  const c = child(el, name);
  const t = c?.text.trim();
  return t ? t : undefined;
}

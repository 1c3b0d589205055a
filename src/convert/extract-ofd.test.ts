import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CORPUS_DIR } from '../testing/paths.ts';
import { buildZip, fixtureDir } from '../testing/zip-fixtures.ts';
import { extractOfd } from './extract-ofd.ts';
import { sniffFile } from './sniff.ts';
import { ConversionError, DEFAULT_LIMITS } from './types.ts';

const OFD_DIR = `${CORPUS_DIR}ofd/`;
const files = readdirSync(OFD_DIR)
  .filter((f) => f.endsWith('.ofd'))
  .sort();

// The expected text is read independently of the extractor: Info-ZIP's `unzip` lists and prints the parts, regular
// expressions take the page and template parts the documents name (Page and TemplatePage BaseLoc, matched by the end
// of the part name) and every TextCode in them. Annotations are not text of the document.
function expectedCodes(file: string): string[] {
  const list = unzip(['-Z1', file])
    .split('\n')
    .filter((n) => n && !n.endsWith('/'));
  const docs = list.filter((n) => /(^|\/)Document[^/]*\.xml$/i.test(n));
  // Pages by BaseLoc; templates (ID → BaseLoc) only where a page uses them (a package may declare unused ones).
  const pageLocs = new Set<string>();
  const templateLocs = new Map<string, string>();
  const norm = (loc: string) => loc.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
  for (const doc of docs) {
    const xml = unzip(['-p', file, escapeName(doc)]);
    for (const m of xml.matchAll(/<(?:\w+:)?Page\b[^>]*\bBaseLoc="([^"]+)"/g)) pageLocs.add(norm(m[1]!));
    for (const m of xml.matchAll(/<(?:\w+:)?TemplatePage\b([^>]*)>/g)) {
      const id = /\bID="([^"]+)"/.exec(m[1]!)?.[1];
      const loc = /\bBaseLoc="([^"]+)"/.exec(m[1]!)?.[1];
      if (id && loc) templateLocs.set(id, norm(loc));
    }
  }
  const named = (locs: Iterable<string>) => list.filter((n) => [...locs].some((loc) => n.toLowerCase().endsWith(loc)));
  const pages = named(pageLocs);
  const used = new Set<string>();
  for (const page of pages) {
    for (const m of unzip(['-p', file, escapeName(page)]).matchAll(
      /<(?:\w+:)?Template\b[^>]*\bTemplateID="([^"]+)"/g,
    )) {
      const loc = templateLocs.get(m[1]!);
      if (loc) used.add(loc);
    }
  }
  const parts = [...new Set([...pages, ...named(used)])];
  const codes: string[] = [];
  for (const part of parts) {
    const xml = unzip(['-p', file, escapeName(part)]);
    for (const m of xml.matchAll(/<(?:\w+:)?TextCode\b[^>]*>([^<]*)<\/(?:\w+:)?TextCode>/g)) {
      const text = decode(m[1]!).replace(/\s+/g, '');
      if (text) codes.push(text);
    }
  }
  return codes;
}

// unzip exits 1 after warnings (a zip with padding, odd names) and still prints the part.
function unzip(args: string[]): string {
  const r = spawnSync('unzip', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`unzip ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// unzip treats [ ] * ? in a name as a pattern; escape them so the exact part is printed.
const escapeName = (name: string) => name.replace(/[[\]*?]/g, '\\$&');

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_all, ref: string) => {
    const r = ref.toLowerCase();
    if (r.startsWith('#x')) return String.fromCodePoint(Number.parseInt(r.slice(2), 16));
    if (r.startsWith('#')) return String.fromCodePoint(Number.parseInt(r.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[r]!;
  });
}

// Whether the characters of `needle` occur in `hay` in the same order (not necessarily side by side).
function isSubsequence(needle: string, hay: string): boolean {
  let at = 0;
  for (const ch of needle) {
    const i = hay.indexOf(ch, at);
    if (i < 0) return false;
    at = i + ch.length;
  }
  return true;
}

const squeeze = (s: string) => s.normalize('NFC').replace(/\s+/g, '');

describe('OFD text (every file of corpus/ofd)', () => {
  it('has the 43 files of the corpus', () => assert.ok(files.length >= 40, `${files.length} files`));

  for (const name of files) {
    it(name, async () => {
      const path = OFD_DIR + name;
      const sniff = await sniffFile(path, 'ofd');
      assert.deepEqual(sniff.ok && sniff.format, 'ofd', 'sniffed as OFD');
      const codes = expectedCodes(path);
      let result: Awaited<ReturnType<typeof extractOfd>> | undefined;
      let error: unknown;
      try {
        result = await extractOfd(path, DEFAULT_LIMITS);
      } catch (err) {
        error = err;
      }
      if (codes.length === 0) {
        // Pages of images only (scans, photos of invoices): rejected with the no-text reason, never published.
        assert.ok(error instanceof ConversionError, `expected a rejection, got ${String(error ?? 'a text')}`);
        assert.equal(error.code, 'emptyText');
        return;
      }
      assert.ok(result, `extraction failed: ${String(error)}`);
      const body = squeeze(result.body);
      // Every character read is a character of some TextCode; every TextCode's text is in the body, in order.
      const allowed = new Set(Array.from(codes.join('').normalize('NFC')));
      for (const ch of body) assert.ok(allowed.has(ch), `${JSON.stringify(ch)} is in no TextCode`);
      // A TextCode may span several visual lines (wrapped text moved down by DeltaY, vertical 购买方 labels) that
      // other text shares: its characters then appear in order but not side by side. Most codes are one line.
      const missing = codes.filter((c) => !isSubsequence(c.normalize('NFC'), body));
      assert.deepEqual(missing, [], 'TextCodes missing from the body (or out of order)');
      const apart = codes.filter((c) => !body.includes(c.normalize('NFC')));
      assert.ok(apart.length <= Math.max(1, codes.length * 0.15), `${apart.length} of ${codes.length} codes split`);
      assert.equal(result.pageStarts.length, result.pageCount);
    });
  }
});

describe('OFD structure', () => {
  it('reads a 公文 invoice template in reading order, labels before values on each line', async () => {
    const r = await extractOfd(`${OFD_DIR}ofdrw__ofdrw-converter__999.ofd`, DEFAULT_LIMITS);
    assert.equal(r.pageCount, 5);
    assert.match(r.body.split('\n')[0]!, /^发票代码：050001700111$/);
    assert.deepEqual(r.flags, ['signed']);
  });

  it('keeps pages apart: each page of a multi-page file starts where its text starts', async () => {
    const r = await extractOfd(`${OFD_DIR}ofdrw__ofdrw-reader__keyword2.ofd`, DEFAULT_LIMITS);
    assert.equal(r.pageCount, 2);
    assert.ok(r.pageStarts[1]! > 0 && r.pageStarts[1]! < r.body.length);
    assert.match(r.body.slice(r.pageStarts[1]!), /^你好呀/);
  });

  it('follows non-standard paths (absolute, relative to the document root, Chinese folder names)', async () => {
    for (const f of ['path_unstd', 'chineseDir', 'helloworld_with_pageblock']) {
      const r = await extractOfd(`${OFD_DIR}ofdrw__ofdrw-reader__${f}.ofd`, DEFAULT_LIMITS);
      assert.ok(r.charCount > 10, f);
    }
  });
});

describe('hostile or broken OFD packages', () => {
  let fx: Awaited<ReturnType<typeof fixtureDir>>;
  before(async () => {
    fx = await fixtureDir();
  });
  after(() => fx.cleanup());

  const NS = 'xmlns:ofd="http://www.ofdspec.org/2016"';
  const ofdXml = (root = 'Doc_0/Document.xml') =>
    `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD ${NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>${root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>`;
  const documentXml = (pages: string, templates = '') =>
    `<ofd:Document ${NS}><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>${templates}</ofd:CommonData><ofd:Pages>${pages}</ofd:Pages></ofd:Document>`;
  const pageXml = (content: string, template = '') =>
    `<ofd:Page ${NS}>${template}<ofd:Content><ofd:Layer ID="2">${content}</ofd:Layer></ofd:Content></ofd:Page>`;
  // One line of text at (x, y) in millimetres, fixed pitch: a 公文 title is 二号 (about 7.7 mm), the body 三号 (5.6).
  const text = (s: string, y = 20, size = 5.6, x = 20) =>
    `<ofd:TextObject ID="3" Boundary="${x} ${y} 170 10" Font="1" Size="${size}"><ofd:TextCode X="0" Y="${size}" DeltaX="g ${Math.max(0, s.length - 1)} ${size}">${s}</ofd:TextCode></ofd:TextObject>`;

  const write = (name: string, entries: Array<{ name: string; data: string }>) => fx.write(name, buildZip(entries));

  it('a minimal generated OFD reads back its text', async () => {
    const path = await write('ok.ofd', [
      { name: 'OFD.xml', data: ofdXml() },
      { name: 'Doc_0/Document.xml', data: documentXml('<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>') },
      {
        name: 'Doc_0/Pages/Page_0/Content.xml',
        data: pageXml(text('关于做好年度工作总结的通知', 20, 7.7, 55) + text('各单位：', 40)),
      },
    ]);
    assert.deepEqual((await sniffFile(path, 'ofd')).ok, true);
    const r = await extractOfd(path, DEFAULT_LIMITS);
    assert.equal(r.body, '关于做好年度工作总结的通知\n各单位：');
  });

  it('refuses a DOCTYPE or entity in any part (XXE, billion laughs)', async () => {
    const path = await write('xxe.ofd', [
      { name: 'OFD.xml', data: ofdXml() },
      {
        name: 'Doc_0/Document.xml',
        data: `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>${documentXml('<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>')}`,
      },
      { name: 'Doc_0/Pages/Page_0/Content.xml', data: pageXml(text('&x;')) },
    ]);
    await assert.rejects(extractOfd(path, DEFAULT_LIMITS), (e: ConversionError) => e.code === 'xmlDtd');
  });

  it('a package without OFD.xml is not an OFD (sniff says what it is)', async () => {
    const path = await write('nozip.ofd', [{ name: 'readme.txt', data: 'hello' }]);
    const s = await sniffFile(path, 'ofd');
    assert.equal(s.ok, false);
  });

  it('a missing document root or missing pages end rejected, never hanging', async () => {
    const noRoot = await write('noroot.ofd', [{ name: 'OFD.xml', data: ofdXml('Doc_0/Nowhere.xml') }]);
    await assert.rejects(extractOfd(noRoot, DEFAULT_LIMITS), (e: ConversionError) => e.code === 'corrupt');
    const noPages = await write('nopages.ofd', [
      { name: 'OFD.xml', data: ofdXml() },
      { name: 'Doc_0/Document.xml', data: documentXml('<ofd:Page ID="1" BaseLoc="Pages/Gone/Content.xml"/>') },
    ]);
    await assert.rejects(extractOfd(noPages, DEFAULT_LIMITS), (e: ConversionError) => e.code === 'emptyText');
  });

  it('a page that names itself as its template, and deep nesting, terminate', async () => {
    let nested = text('嵌套');
    for (let i = 0; i < 100; i++) nested = `<ofd:PageBlock ID="${i + 10}">${nested}</ofd:PageBlock>`;
    const path = await write('loop.ofd', [
      { name: 'OFD.xml', data: ofdXml() },
      {
        name: 'Doc_0/Document.xml',
        data: documentXml(
          '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="2" BaseLoc="Pages/Page_0/Content.xml"/>',
          '<ofd:TemplatePage ID="5" BaseLoc="Pages/Page_0/Content.xml"/>',
        ),
      },
      {
        name: 'Doc_0/Pages/Page_0/Content.xml',
        data: pageXml(text('正文') + nested, '<ofd:Template TemplateID="5" ZOrder="Background"/>'),
      },
    ]);
    const r = await extractOfd(path, DEFAULT_LIMITS);
    // The same part may be two pages; it is not drawn as its own template, and nesting past the cap is dropped.
    assert.equal(r.pageCount, 2);
    assert.equal(r.body, '正文\n正文');
  });

  it('more pages than allowed is tooManyPages', async () => {
    const pages = Array.from({ length: 12 }, (_, i) => `<ofd:Page ID="${i}" BaseLoc="Pages/P/Content.xml"/>`).join('');
    const path = await write('many.ofd', [
      { name: 'OFD.xml', data: ofdXml() },
      { name: 'Doc_0/Document.xml', data: documentXml(pages) },
      { name: 'Doc_0/Pages/P/Content.xml', data: pageXml(text('页')) },
    ]);
    await assert.rejects(
      extractOfd(path, { ...DEFAULT_LIMITS, maxPages: 10 }),
      (e: ConversionError) => e.code === 'tooManyPages',
    );
  });
});

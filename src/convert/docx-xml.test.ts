// The streaming docx walk against mammoth's document model (the reference it replaces, decision 0008), paragraph by
// paragraph over every docx of the shared corpus, plus the constructs that decide fidelity, one fixture each.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { mammothBlocks } from '../testing/mammoth-reference.ts';
import { CORPUS_DIR } from '../testing/paths.ts';
import { type DocxBlock, readDocxBlocks } from './docx-xml.ts';
import { DEFAULT_LIMITS } from './types.ts';
import { scanZip } from './zip-inspect.ts';

const XML_PART = /\.(xml|rels)$/i;

async function ours(path: string): Promise<DocxBlock[]> {
  const scan = await scanZip(path, DEFAULT_LIMITS, (n) => XML_PART.test(n));
  return readDocxBlocks(scan.kept);
}

// What a reader sees: the text of each paragraph, its heading kind and whether a page break precedes it.
const view = (blocks: DocxBlock[]) => blocks.map((b) => `${b.kind ?? ''}|${b.pageBreakBefore ? 'P' : ''}|${b.text}`);

describe('docx walk matches mammoth over the corpus', () => {
  const files = ['docx-zh', 'docx'].flatMap((d) =>
    readdirSync(join(CORPUS_DIR, d))
      .filter((n) => n.endsWith('.docx'))
      .sort()
      .map((n) => join(CORPUS_DIR, d, n)),
  );

  test(`${files.length} corpus files: the same paragraphs, headings and page breaks`, async () => {
    let compared = 0;
    let identical = 0;
    const differing: string[] = [];
    const onlyOursFails: string[] = [];
    let onlyMammothFails = 0;
    for (const file of files) {
      const [reference, mine] = await Promise.allSettled([mammothBlocks(await readFile(file)), ours(file)]);
      if (reference.status === 'rejected' || mine.status === 'rejected') {
        if (reference.status === 'fulfilled') onlyOursFails.push(file.slice(CORPUS_DIR.length));
        else if (mine.status === 'fulfilled') onlyMammothFails++;
        continue;
      }
      compared++;
      const a = view(reference.value as DocxBlock[]);
      const b = view(mine.value);
      if (a.length === b.length && a.every((x, i) => x === b[i])) identical++;
      else differing.push(`${file.slice(CORPUS_DIR.length)}: mammoth ${a.length} paragraphs, ours ${b.length}`);
    }
    console.log(`docx walk vs mammoth: ${identical}/${compared} identical`);
    console.log(`read only by mammoth: ${onlyOursFails.length}; read only by the walk: ${onlyMammothFails}`);
    for (const d of differing) console.log(`  differs: ${d}`);
    for (const f of onlyOursFails) console.log(`  only mammoth reads: ${f}`);
    assert.ok(compared >= 400, `compared ${compared}`);
    assert.ok(identical / compared >= 0.98, `${identical}/${compared} identical`);
    assert.ok(onlyOursFails.length <= files.length / 100, `${onlyOursFails.length} files only mammoth reads`);
  });
});

describe('docx walk constructs', () => {
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';
  const parts = (document: string, extra: Record<string, string> = {}) =>
    new Map(Object.entries({ 'word/document.xml': document, ...extra }).map(([k, v]) => [k, Buffer.from(v)]));
  const texts = (blocks: DocxBlock[]) => blocks.map((b) => b.text);

  test('any prefix (or none) bound to the WordprocessingML namespace reads the same', () => {
    const prefixed = `<x:document xmlns:x="${W}"><x:body><x:p><x:r><x:t>一、总体要求</x:t></x:r></x:p></x:body></x:document>`;
    const unprefixed = `<document xmlns="${W}"><body><p><r><t>一、总体要求</t></r></p></body></document>`;
    assert.deepEqual(texts(readDocxBlocks(parts(prefixed))), ['一、总体要求']);
    assert.deepEqual(texts(readDocxBlocks(parts(unprefixed))), ['一、总体要求']);
  });

  test('mc:Choice is skipped for mc:Fallback; a text box follows the paragraph that holds it', () => {
    const doc =
      `<w:document xmlns:w="${W}" xmlns:mc="${MC}"><w:body><w:p><w:r><w:t>正文甲</w:t></w:r><w:r>` +
      '<mc:AlternateContent><mc:Choice Requires="wps"><w:t>选择</w:t></mc:Choice><mc:Fallback><w:pict>' +
      '<w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>' +
      '</mc:AlternateContent></w:r><w:r><w:t>正文乙</w:t></w:r></w:p></w:body></w:document>';
    assert.deepEqual(texts(readDocxBlocks(parts(doc))), ['正文甲正文乙', '文本框']);
  });

  test('notes follow the body in reference order; a deleted paragraph mark joins two paragraphs', () => {
    const doc =
      `<w:document xmlns:w="${W}"><w:body>` +
      '<w:p><w:pPr><w:rPr><w:del w:id="9"/></w:rPr></w:pPr><w:r><w:t>前半句</w:t></w:r></w:p>' +
      '<w:p><w:r><w:t>后半句</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r>' +
      '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:delText>删除</w:delText></w:r></w:p></w:body></w:document>';
    const notes =
      `<w:footnotes xmlns:w="${W}"><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:t>—</w:t></w:r></w:p>` +
      '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>注一</w:t></w:r></w:p></w:footnote>' +
      '<w:footnote w:id="2"><w:p><w:r><w:t>注二</w:t></w:r></w:p></w:footnote></w:footnotes>';
    assert.deepEqual(texts(readDocxBlocks(parts(doc, { 'word/footnotes.xml': notes }))), [
      '前半句后半句',
      '注二',
      '注一',
    ]);
  });

  test('an element left open is not well-formed and is refused', () => {
    const doc = `<w:document xmlns:w="${W}"><w:body><w:p><w:r><w:t>未闭合</w:body></w:document>`;
    assert.throws(() => readDocxBlocks(parts(doc)), /unclosed/);
  });
});

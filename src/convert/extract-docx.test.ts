import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildZip, docxEntries, fixtureDir, wordParagraph } from '../testing/zip-fixtures.ts';
import { extractDocx } from './extract-docx.ts';
import { ConversionError, DEFAULT_LIMITS } from './types.ts';

const SEED_DOCX = fileURLToPath(new URL('../../../shared/seed/seed-speech.docx', import.meta.url));
const SEED_TXT = fileURLToPath(new URL('../../../shared/seed/seed-speech.txt', import.meta.url));
const SEED_TITLE = '在高新区创建全国文明城市工作领导小组(扩大)会议上的讲话';

// Style definitions the way Chinese Word writes them: numeric or pinyin ids, English built-in names.
const CHINESE_WORD_STYLES =
  '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>' +
  '<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/></w:style>' +
  '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>' +
  '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/></w:style>';

const rejectsWith = (promise: Promise<unknown>, code: string, params?: Record<string, unknown>) =>
  assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ConversionError, `expected a ConversionError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (params) assert.deepEqual(err.params, params);
    return true;
  });

describe('extractDocx', () => {
  let fx: Awaited<ReturnType<typeof fixtureDir>>;
  before(async () => {
    fx = await fixtureDir();
  });
  after(() => fx.cleanup());
  const docx = (name: string, opts: Parameters<typeof docxEntries>[0]) => fx.write(name, buildZip(docxEntries(opts)));

  test('the seed speech: every paragraph, its title and its two headings', async () => {
    const result = await extractDocx(SEED_DOCX, DEFAULT_LIMITS);
    const expected = (await readFile(SEED_TXT, 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    assert.ok(expected.length >= 19);
    const paragraphs = result.body.split('\n');
    for (const line of expected) assert.ok(paragraphs.includes(line), `missing paragraph: ${line.slice(0, 30)}`);
    assert.equal(result.body, expected.join('\n'));
    assert.equal(result.title, SEED_TITLE);
    assert.deepEqual(
      result.headings.map((h) => [h.level, h.text.slice(0, 2)]),
      [
        [1, '一、'],
        [1, '二、'],
      ],
    );
    for (const h of result.headings) assert.equal(result.body.slice(h.offset, h.offset + h.text.length), h.text);
    assert.equal(result.pageStarts[0], 0);
    assert.equal(result.pageStarts.length, result.pageCount);
    assert.ok(result.pageCount >= 3 && result.pageCount <= 5, `pageCount ${result.pageCount}`);
    assert.equal(result.charCount, [...result.body].filter((c) => !/\s/u.test(c)).length);
    assert.equal(result.encoding, undefined);
  });

  test('style names decide, not ids: Chinese Word ids with English built-in names', async () => {
    const path = await docx('zh-styles.docx', {
      styles: CHINESE_WORD_STYLES,
      body:
        wordParagraph('关于开展文明城市创建工作的通知', 'a3') +
        wordParagraph('各单位：') +
        wordParagraph('一、总体要求', '1') +
        wordParagraph('（一）指导思想', '2') +
        wordParagraph('正文内容。'),
    });
    const result = await extractDocx(path, DEFAULT_LIMITS);
    assert.equal(result.title, '关于开展文明城市创建工作的通知');
    assert.deepEqual(result.headings, [
      { offset: 21, level: 1, text: '一、总体要求' },
      { offset: 28, level: 2, text: '（一）指导思想' },
    ]);
    assert.equal(result.body.slice(21, 27), '一、总体要求');
  });

  test('without a Title paragraph the title comes from docProps/core.xml', async () => {
    const path = await docx('core-title.docx', { body: wordParagraph('正文'), coreTitle: '工作总结 &amp; 计划' });
    assert.equal((await extractDocx(path, DEFAULT_LIMITS)).title, '工作总结 & 计划');
    const junk = await docx('junk-title.docx', {
      body: wordParagraph('正文'),
      coreTitle: 'Microsoft Word - 文档1.docx',
    });
    assert.equal((await extractDocx(junk, DEFAULT_LIMITS)).title, undefined);
  });

  test('line breaks split paragraphs; tabs become spaces; tables are read cell by cell', async () => {
    const path = await docx('layout.docx', {
      body:
        '<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t><w:tab/><w:t>续</w:t></w:r></w:p>' +
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>单元格甲</w:t></w:r></w:p></w:tc>' +
        '<w:tc><w:p><w:r><w:t>单元格乙</w:t></w:r></w:p></w:tc></w:tr></w:tbl>' +
        '<w:p><w:r><w:t xml:space="preserve">   </w:t></w:r></w:p>',
    });
    const result = await extractDocx(path, DEFAULT_LIMITS);
    assert.equal(result.body, '第一行\n第二行 续\n单元格甲\n单元格乙');
  });

  test('an explicit page break starts a new page in the estimate', async () => {
    const path = await docx('page-break.docx', {
      body: `${wordParagraph('封面')}<w:p><w:r><w:br w:type="page"/><w:t>正文第一段</w:t></w:r></w:p>`,
    });
    const result = await extractDocx(path, DEFAULT_LIMITS);
    assert.equal(result.body, '封面\n正文第一段');
    assert.deepEqual(result.pageStarts, [0, 3]);
  });

  test('the page count Word saved in docProps/app.xml wins over the estimate', async () => {
    const body = Array.from({ length: 30 }, (_, i) => wordParagraph(`第${i + 1}段`)).join('');
    const path = await docx('app-pages.docx', { body, pages: 3 });
    const result = await extractDocx(path, DEFAULT_LIMITS);
    assert.equal(result.pageCount, 3);
    assert.deepEqual(
      result.pageStarts.map((s) => result.body.slice(s).split('\n')[0]),
      ['第1段', '第11段', '第21段'],
    );
    // A stale count (a template's <Pages>1</Pages> on a long text) is not believed.
    const long = Array.from({ length: 40 * 22 }, (_, i) => wordParagraph(`第${i + 1}段`)).join('');
    const stale = await extractDocx(await docx('app-stale.docx', { body: long, pages: 1 }), DEFAULT_LIMITS);
    assert.equal(stale.pageCount, 40);
    const tooMany = await docx('app-too-many.docx', { body, pages: 100_000 });
    await rejectsWith(extractDocx(tooMany, DEFAULT_LIMITS), 'tooManyPages', { pages: 100_000, max: 2000 });
  });

  test('a document without text', async () => {
    const path = await docx('empty.docx', { body: '<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>' });
    await rejectsWith(extractDocx(path, DEFAULT_LIMITS), 'emptyText');
  });

  test('hostile and broken files never reach the XML walk, or are reported as corrupt', async () => {
    const xxe = await docx('xxe.docx', {
      prolog: '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      body: wordParagraph('&xxe;').replace('&amp;xxe;', '&xxe;'),
    });
    await rejectsWith(extractDocx(xxe, DEFAULT_LIMITS), 'xmlDtd');
    const noDocument = await fx.write('no-document.docx', buildZip([{ name: 'readme.txt', data: 'hi' }]));
    await rejectsWith(extractDocx(noDocument, DEFAULT_LIMITS), 'corrupt');
    const badXml = await docx('bad-xml.docx', { body: '<w:p><w:r><w:t>unclosed' });
    await rejectsWith(extractDocx(badXml, DEFAULT_LIMITS), 'corrupt');
  });
});

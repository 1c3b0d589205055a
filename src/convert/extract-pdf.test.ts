import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fixtureDir } from '../testing/zip-fixtures.ts';
import { extractPdf } from './extract-pdf.ts';
import { ConversionError, DEFAULT_LIMITS } from './types.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

/**
 * A minimal PDF: one Helvetica text line per string (12 pt, or [text, size]), stacked from the top of each page;
 * /Count may lie.
 */
function buildPdf(
  pages: Array<Array<string | [string, number]>>,
  opts: { count?: number; title?: string; rawTitle?: string } = {},
): Buffer {
  const objects: string[] = [];
  const kids = pages.map((_, i) => `${5 + i * 2} 0 R`).join(' ');
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${kids}] /Count ${opts.count ?? pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  // Text strings as UTF-16BE with a BOM, so any title can be stated.
  const title =
    opts.rawTitle !== undefined
      ? `/Title ${opts.rawTitle}`
      : opts.title === undefined
        ? ''
        : `/Title <FEFF${Buffer.from(opts.title, 'utf16le').swap16().toString('hex')}>`;
  objects[4] = `<< ${title} /Producer (wenyuan test) >>`;
  pages.forEach((lines, i) => {
    const text = lines
      .map((l) => {
        const [str, size] = typeof l === 'string' ? [l, 12] : l;
        return `/F1 ${size} Tf 0 -${size * 1.4} Td (${str.replace(/[()\\]/g, '\\$&')}) Tj`;
      })
      .join(' ');
    const content = `BT 72 790 Td ${text} ET`;
    objects[5 + i * 2] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${6 + i * 2} 0 R >>`;
    objects[6 + i * 2] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  });
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = pdf.length;
    pdf += `${n} 0 obj\n${objects[n]}\nendobj\n`;
  }
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let n = 1; n < objects.length; n++) pdf += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/**
 * A small PDF whose page tree really holds `pages` pages (pdf.js checks /Count by loading the last page, so a bare
 * lie is corrected): 100 identical intermediate nodes of `pages / 100` identical leaves, except that the very last
 * leaf is a distinct object, which is all pdf.js's lookup of the last page ever visits.
 */
function buildHugePdf(pages: number): Buffer {
  const per = pages / 100;
  const leaves = (last: string) => `${'6 0 R '.repeat(per - 1)}${last}`;
  const objects = [
    '',
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${'3 0 R '.repeat(99)}4 0 R] /Count ${pages} >>`,
    `<< /Type /Pages /Parent 2 0 R /Kids [${leaves('6 0 R')}] /Count ${per} >>`,
    `<< /Type /Pages /Parent 2 0 R /Kids [${leaves('7 0 R')}] /Count ${per} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] >>',
    '<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = pdf.length;
    pdf += `${n} 0 obj\n${objects[n]}\nendobj\n`;
  }
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let n = 1; n < objects.length; n++) pdf += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

const rejectsWith = (promise: Promise<unknown>, code: string, params?: Record<string, unknown>) =>
  assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ConversionError, `expected a ConversionError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (params) assert.deepEqual(err.params, params);
    return true;
  });

describe('extractPdf', () => {
  let fx: Awaited<ReturnType<typeof fixtureDir>>;
  before(async () => {
    fx = await fixtureDir();
  });
  after(() => fx.cleanup());

  test('page starts are exact: each page slice holds that page and nothing else', async () => {
    const pages = [['Page one says hello.'], ['Page two is here,', 'with a second line.'], [], ['Page four.']];
    const path = await fx.write('pages.pdf', buildPdf(pages, { title: '城市文明建设' }));
    const result = await extractPdf(path, DEFAULT_LIMITS);
    assert.equal(result.pageCount, 4);
    const slices = result.pageStarts.map((s, i) =>
      result.body.slice(s, result.pageStarts[i + 1] ?? result.body.length),
    );
    assert.match(slices[0]!, /^Page one says hello\.\n$/);
    assert.match(slices[1]!, /^Page two is here,[\s\S]*with a second line\.\n$/);
    assert.equal(slices[2], '');
    assert.equal(slices[3], 'Page four.');
    assert.equal(result.title, '城市文明建设');
    assert.deepEqual(result.headings, []);
  });

  test('a Word-generated Info title is not a title', async () => {
    const path = await fx.write('word-title.pdf', buildPdf([['text']], { title: 'Microsoft Word - 讲话稿.docx' }));
    assert.equal((await extractPdf(path, DEFAULT_LIMITS)).title, undefined);
  });

  test('no Info title, or a file name as Info title: the first page’s line in large type names the document', async () => {
    const body = Array.from({ length: 12 }, (_, i) => `Body line ${i + 1} of the report, set in ordinary type.`);
    const page: Array<string | [string, number]> = [
      ['Department of Water Resources', 9],
      ['Annual Report on', 26],
      ['Groundwater Quality', 26],
      ['Published March 2024', 14],
      ...body,
    ];
    const none = await extractPdf(
      await fx.write('large.pdf', buildPdf([page, [['Big on page two', 40]]])),
      DEFAULT_LIMITS,
    );
    assert.equal(none.title, 'Annual Report on Groundwater Quality');
    const named = buildPdf([page], { title: 'D:\\reports\\gw-2024-final.doc' });
    assert.equal(
      (await extractPdf(await fx.write('named.pdf', named), DEFAULT_LIMITS)).title,
      'Annual Report on Groundwater Quality',
    );
    // A real Info title wins; a page in one type size has no large line.
    const stated = buildPdf([page], { title: '地下水水质年报' });
    assert.equal((await extractPdf(await fx.write('stated.pdf', stated), DEFAULT_LIMITS)).title, '地下水水质年报');
    // Word's PDF printer writing its GBK title as hex digits inside a literal string: decoded, and dropped as junk.
    const gbk = '(<4D6963726F736F667420576F7264202D20C1A6D1A7C6DAC4A92E646F63>)'; // "Microsoft Word - 力学期末.doc"
    const hex = buildPdf([page], { rawTitle: gbk });
    assert.equal(
      (await extractPdf(await fx.write('hex.pdf', hex), DEFAULT_LIMITS)).title,
      'Annual Report on Groundwater Quality',
    );
    const flat = buildPdf([body], { title: 'Microsoft Word - gw.doc' });
    assert.equal((await extractPdf(await fx.write('flat.pdf', flat), DEFAULT_LIMITS)).title, undefined);
  });

  test('a PDF of 100 000 pages is refused before any page is read', async () => {
    const path = await fx.write('huge.pdf', buildHugePdf(100_000));
    await rejectsWith(extractPdf(path, DEFAULT_LIMITS), 'tooManyPages', { pages: 100_000, max: 2000 });
    await rejectsWith(extractPdf(path, { ...DEFAULT_LIMITS, maxPages: 99_999 }), 'tooManyPages');
  });

  test('a bare lie in /Count is corrected by pdf.js, not believed', async () => {
    const path = await fx.write('count.pdf', buildPdf([['only one page really']], { count: 100_000 }));
    const result = await extractPdf(path, DEFAULT_LIMITS);
    assert.equal(result.pageCount, 1);
    assert.equal(result.body, 'only one page really');
  });

  test('pages without text', async () => {
    const path = await fx.write('blank.pdf', buildPdf([[], []]));
    await rejectsWith(extractPdf(path, DEFAULT_LIMITS), 'emptyText');
  });

  test('not a PDF, or a truncated one', async () => {
    await rejectsWith(extractPdf(await fx.write('text.pdf', 'hello, not a pdf'), DEFAULT_LIMITS), 'corrupt');
    const pdf = buildPdf([['some text']]);
    await rejectsWith(extractPdf(await fx.write('cut.pdf', pdf.subarray(0, 40)), DEFAULT_LIMITS), 'corrupt');
  });

  test('a PDF that needs a user password', async () => {
    for (const name of ['pypdf__encryption__r3-user-password.pdf', 'qpdf__enc-XI-R6,V5,U=view,O=master.pdf']) {
      await rejectsWith(extractPdf(`${CORPUS}malformed/${name}`, DEFAULT_LIMITS), 'encrypted');
    }
  });

  test('a PDF encrypted with an empty user password (owner restrictions only) is read', async () => {
    const result = await extractPdf(`${CORPUS}malformed/qpdf__enc-R2,V1.pdf`, DEFAULT_LIMITS);
    assert.ok(result.charCount > 0);
  });

  test('Chinese text through predefined CMaps', async () => {
    const path = `${CORPUS}pdf-zh/libpku__专业课__中国哲学（下）__中国哲学（下）复习纲要.pdf`;
    const result = await extractPdf(path, DEFAULT_LIMITS);
    assert.equal(result.pageCount, 22);
    const cjk = result.body.match(/[\u4e00-\u9fff]/g)?.length ?? 0;
    // Without the CMap files pdf.js recovers none of these characters.
    assert.ok(cjk > 10_000, `only ${cjk} CJK characters`);
  });

  test('wrapped lines are joined back into paragraphs', async () => {
    const result = await extractPdf(`${CORPUS}pdf-zh/libpku__专业课__民俗学__考试提纲解答(sulley).pdf`, DEFAULT_LIMITS);
    assert.ok(result.body.includes('也是集中表现社会关系的场合。之所以是“时空之外的时空”'));
    assert.ok(result.body.includes('\n2. 如何理解“洪水神话”的普遍性\n'));
  });
});

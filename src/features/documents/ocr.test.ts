// Scans through the whole site with OCR on (tesseract, chi_sim): an image-only PDF of a 公文 page publishes with the
// recognised text (compared with the page's real text: character error rate), the page says 文字由 OCR 识别; an
// image upload (PNG) of Chinese text publishes the same way, a photo of nothing readable is still rejected with the
// no-text reason, and a PNG bomb is refused from its header.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import { extractOfd } from '../../convert/extract-ofd.ts';
import { ocrParagraphs } from '../../convert/ocr-tesseract.ts';
import { renderOfdPages } from '../../convert/render-ofd.ts';
import { DEFAULT_LIMITS } from '../../convert/types.ts';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { textPage } from '../../testing/image-fixtures.ts';
import { hugePngHeader, withExif } from '../../testing/images.ts';
import { ocrCompareText } from '../../testing/ocr-compare.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { levenshtein } from '../../testing/text-distance.ts';

// A real 公文 (a 函), drawn from its OFD at 150 dpi: the scan, and its true text to measure against.
const GONGWEN = join(CORPUS_DIR, 'ofd', 'ofdrw__ofdrw-converter__testPathFillOpacity.ofd');

/** An image-only PDF (A4, one PNG per page, no text layer) from encoded page images. */
async function imagePdf(images: Buffer[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const bytes of images) {
    const img = await loadImage(bytes);
    const canvas = createCanvas(img.width, img.height);
    canvas.getContext('2d').drawImage(img, 0, 0);
    const png = await doc.embedPng(await canvas.encode('png'));
    doc.addPage([595.28, 841.89]).drawImage(png, { x: 0, y: 0, width: 595.28, height: 841.89 });
  }
  return doc.save();
}

describe('OCR of scans (tesseract)', () => {
  let t: TestApp;
  let owner: TestClient;
  let dir = '';
  before(async () => {
    t = await createTestApp('sqlite', { env: { OCR: 'tesseract' } });
    assert.ok(t.deps.ocr?.available, 'tesseract with chi_sim is installed (.ci/run installs it)');
    owner = new TestClient(t.app);
    await owner.register('ocr@example.com');
    dir = await mkdtemp(join(tmpdir(), 'wenyuan-ocr-'));
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('an image-only PDF of a 公文 publishes with its recognised text, marked 文字由 OCR 识别', async () => {
    const page = await renderOfdPages({
      pdfPath: GONGWEN,
      source: 'ofd',
      pages: 1,
      outDir: join(dir, 'scan'),
      width: 1240,
      maxHeight: 4000,
      watermark: '',
      maxPages: 10,
    });
    const scan = join(dir, 'scan.pdf');
    await writeFile(scan, await imagePdf([await readFile(page.pages[0]!.file)]));
    const up = await owner.upload(scan, { title: '', category: '1', price: '0' });
    assert.equal(up.statusCode, 201, up.body);
    const { id } = up.json() as { id: number };
    assert.deepEqual(await waitForStatus(owner, id, 180_000), { status: 'published', reason: null });
    const row = await t.deps.database.db
      .selectFrom('document_texts')
      .select('body')
      .where('document_id', '=', id)
      .executeTakeFirstOrThrow();
    // The red header of the letterhead is drawn as outlines in the OFD (no TextCode), but it is text on the scan.
    const truth = ocrCompareText(`蚌埠市自然资源和规划局\n${(await extractOfd(GONGWEN, DEFAULT_LIMITS)).body}`);
    const cer = levenshtein(truth, ocrCompareText(row.body)) / truth.length;
    // The ≤ 3 % target is measured over many pages by bench/ocr.ts; this page also has a seal over its date line,
    // which no OCR reads, so it must only be clearly readable here.
    assert.ok(cer < 0.1, `character error rate ${(cer * 100).toFixed(1)} %`);
    assert.match(row.body, /蚌山区东海大道北侧/);
    const html = (await new TestClient(t.app).get(`/d/${id}`)).body;
    assert.match(html, /文字由 OCR 识别/);
  });

  test('a JPEG scan of Chinese text publishes with its text and downloads as its scan PDF without the photo metadata; a blank PNG ends with the no-text reason', async () => {
    const lines = [
      '关于做好年度工作总结的通知',
      '各科室、各直属单位：',
      '根据市委工作安排，现将年度工作总结',
      '有关事项通知如下，请认真组织落实。',
      '请于十二月十五日前报送办公室。',
    ];
    const up = await owner.upload(
      {
        name: '通知扫描件.jpg',
        data: withExif(await textPage(lines).encode('jpeg', 90), { marker: 'GPS-39.9N-116.4E' }),
      },
      { title: '', category: '1', price: '0' },
    );
    assert.equal(up.statusCode, 201, up.body);
    const { id } = up.json() as { id: number };
    assert.deepEqual(await waitForStatus(owner, id, 180_000), { status: 'published', reason: null });
    const row = await t.deps.database.db
      .selectFrom('documents')
      .innerJoin('document_texts', 'document_texts.document_id', 'documents.id')
      .select(['body', 'format', 'pdf_key'])
      .where('documents.id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.format, 'jpg');
    assert.ok(row.pdf_key, 'the scan is kept as an image-only PDF for the page images');
    const truth = ocrCompareText(lines.join('\n'));
    const cer = levenshtein(truth, ocrCompareText(row.body)) / truth.length;
    assert.ok(cer < 0.05, `character error rate ${(cer * 100).toFixed(1)} %: ${row.body}`);
    assert.match((await new TestClient(t.app).get(`/d/${id}`)).body, /文字由 OCR 识别/);
    // The download is the scan PDF (re-encoded pixels): the photo's EXIF never leaves the server.
    const start = await owner.get(`/d/${id}/download`);
    assert.equal(start.statusCode, 303);
    const file = await owner.get(String(start.headers.location));
    assert.equal(file.statusCode, 200);
    assert.match(String(file.headers['content-disposition']), /\.pdf/);
    assert.equal(file.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(!file.rawPayload.includes('GPS-39.9N-116.4E'), 'no EXIF in the download');

    // A light grey photo-like texture: no glyphs anywhere.
    const canvas = createCanvas(1240, 1754);
    const ctx = canvas.getContext('2d');
    for (let y = 0; y < 1754; y += 8) {
      for (let x = 0; x < 1240; x += 8) {
        const v = 200 + ((x * 7 + y * 13) % 40);
        ctx.fillStyle = `rgb(${v},${v},${v})`;
        ctx.fillRect(x, y, 8, 8);
      }
    }
    const blank = await owner.upload(
      { name: '空白.png', data: await canvas.encode('png') },
      { title: '空白扫描件', category: '1', price: '0' },
    );
    const status = await waitForStatus(owner, (blank.json() as { id: number }).id, 180_000);
    assert.equal(status.status, 'rejected');
    assert.match(String(status.reason), /未能从文件中提取到文字内容/);
  });

  test('a PNG whose header declares 40 000 × 40 000 is refused with the size, nothing decoded', async () => {
    const up = await owner.upload(
      { name: '炸弹.png', data: hugePngHeader(40_000, 40_000) },
      { title: '图片炸弹', category: '1', price: '0' },
    );
    assert.equal(up.statusCode, 201, up.body);
    const status = await waitForStatus(owner, (up.json() as { id: number }).id, 60_000);
    assert.equal(status.status, 'rejected');
    assert.match(String(status.reason), /图片尺寸过大（40000×40000 像素）/);
  });
});

describe('tesseract output → paragraphs', () => {
  test('drops the spaces tesseract puts between Chinese characters, keeps Latin words apart, joins wrapped lines', () => {
    const raw =
      '关 于 做 好 2023 年 度 工 作 总 结 的 通 知\n\n各 单 位 :\n\n根 据 市 委 要 求 ， 现 将 有 关 事 项 通 知 如\n下 。 请 按 PDF 模 板 填 写 。\n';
    assert.deepEqual(ocrParagraphs(raw), [
      '关于做好2023年度工作总结的通知',
      '各单位:',
      '根据市委要求，现将有关事项通知如下。请按 PDF 模板填写。',
    ]);
  });
});

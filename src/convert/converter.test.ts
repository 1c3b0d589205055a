import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { buildZip, docxEntries, fixtureDir } from '../testing/zip-fixtures.ts';
import { createConverter } from './converter.ts';
import { extractDocx } from './extract-docx.ts';
import type { OfficeConverter } from './libreoffice.ts';
import { ConversionError, DEFAULT_LIMITS } from './types.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const SEED_DOCX = fileURLToPath(new URL('../../../shared/seed/seed-speech.docx', import.meta.url));
const SEED_TXT = fileURLToPath(new URL('../../../shared/seed/seed-speech.txt', import.meta.url));
const PDF_ZH = `${CORPUS}pdf-zh/libpku__专业课__民俗学__考试提纲解答(sulley).pdf`;
const ENCRYPTED_PDF = `${CORPUS}malformed/pypdf__encryption__r3-user-password.pdf`;

const isError = (code: string, permanent?: boolean) => (err: unknown) => {
  assert.ok(err instanceof ConversionError, `expected a ConversionError, got ${String(err)}`);
  assert.equal(err.code, code);
  if (permanent !== undefined) assert.equal(err.permanent, permanent);
  return true;
};

describe('createConverter', () => {
  let fx: Awaited<ReturnType<typeof fixtureDir>>;
  // A docx of 250 000 paragraphs with formatted runs (~80 MB of XML, 2 MB zipped): the extractor needs seconds
  // and far more than 64 MB of heap for it.
  let heavyDocx: string;
  before(async () => {
    fx = await fixtureDir();
    const run = (text: string) =>
      `<w:r><w:rPr><w:rFonts w:ascii="FangSong" w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/></w:rPr><w:t>${text}</w:t></w:r>`;
    const body = Array.from(
      { length: 250_000 },
      (_, i) => `<w:p>${run(`第${i}段：`)}${run('创建全国文明城市，')}${run('是一件大事。')}</w:p>`,
    ).join('');
    heavyDocx = await fx.write('heavy.docx', buildZip(docxEntries({ body })));
  });
  after(() => fx.cleanup());

  test('extracts each format in a worker, with the same result as in-process', async () => {
    const converter = createConverter({ concurrency: 2, timeoutMs: 30_000, memoryMb: 256 });
    try {
      const [docx, pdf, txt] = await Promise.all([
        converter.extract(SEED_DOCX, 'docx'),
        converter.extract(PDF_ZH, 'pdf'),
        converter.extract(SEED_TXT, 'txt'),
      ]);
      assert.deepEqual(docx, await extractDocx(SEED_DOCX, DEFAULT_LIMITS));
      assert.equal(pdf.pageCount, 4);
      assert.equal(txt.encoding, 'utf-8');
      assert.equal(txt.body, docx.body);
    } finally {
      await converter.close();
    }
  });

  test('a ConversionError crosses the thread boundary with its code, params and permanence', async () => {
    const converter = createConverter({
      concurrency: 1,
      timeoutMs: 30_000,
      memoryMb: 256,
      limits: { ...DEFAULT_LIMITS, maxPages: 2 },
    });
    try {
      await assert.rejects(converter.extract(ENCRYPTED_PDF, 'pdf'), isError('encrypted', true));
      await assert.rejects(converter.extract(PDF_ZH, 'pdf'), (err) => {
        isError('tooManyPages', true)(err);
        assert.deepEqual((err as ConversionError).params, { pages: 4, max: 2 });
        return true;
      });
    } finally {
      await converter.close();
    }
  });

  test('unexpected errors become a retryable failed with a short detail', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 30_000, memoryMb: 256 });
    try {
      for (const format of ['docx', 'pdf', 'txt'] as const) {
        await assert.rejects(converter.extract(`${fx.dir}/missing.${format}`, format), (err) => {
          isError('failed', false)(err);
          assert.match(String((err as ConversionError).params.detail), /ENOENT/);
          return true;
        });
      }
    } finally {
      await converter.close();
    }
  });

  test('tasks beyond the concurrency wait their turn', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 30_000, memoryMb: 256 });
    try {
      const results = await Promise.all(Array.from({ length: 6 }, () => converter.extract(SEED_TXT, 'txt')));
      assert.equal(new Set(results.map((r) => r.body)).size, 1);
    } finally {
      await converter.close();
    }
  });

  test('a task over its time is stopped, and the next task gets a fresh worker', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 800, memoryMb: 1024 });
    try {
      const slow = converter.extract(heavyDocx, 'docx');
      const next = converter.extract(SEED_DOCX, 'docx');
      await assert.rejects(slow, isError('timeout', true));
      assert.equal((await next).title, '在高新区创建全国文明城市工作领导小组(扩大)会议上的讲话');
    } finally {
      await converter.close();
    }
  });

  test('a worker over its heap cap dies with outOfMemory, and the pool carries on', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 60_000, memoryMb: 64 });
    try {
      await assert.rejects(converter.extract(heavyDocx, 'docx'), isError('outOfMemory', true));
      assert.ok((await converter.extract(SEED_DOCX, 'docx')).charCount > 2000);
    } finally {
      await converter.close();
    }
  });

  test('an office file LibreOffice printed as its bytes (the compound-file signature as text) is corrupt', async () => {
    // LibreOffice's plain-text fallback for a fuzzed .xls, as the corpus run saw it (legacy/…POIHSSFFuzzer….xls).
    const office = (line: string): OfficeConverter => ({
      available: true,
      async toPdf() {
        const dir = await mkdtemp(join(tmpdir(), 'wy-fake-lo-'));
        const doc = await PDFDocument.create();
        const font = await doc.embedFont(StandardFonts.Helvetica);
        const page = doc.addPage();
        page.drawText('poi__spreadsheet__fuzzed', { x: 50, y: 780, size: 12, font });
        page.drawText(line, { x: 50, y: 750, size: 12, font });
        const pdf = join(dir, 'out.pdf');
        await writeFile(pdf, await doc.save());
        return { pdf, dir };
      },
      stats: () => ({ poolStarts: 0, pooled: 0, oneShot: 0 }),
      close: async () => {},
    });
    const printed = createConverter({
      concurrency: 1,
      timeoutMs: 30_000,
      memoryMb: 256,
      office: office('ÐÏà¡±á>þÿ þÿÿÿÿÿÿÿÿÿÿÿÿ Workbook ÿÿÿÿ'),
    });
    const read = createConverter({
      concurrency: 1,
      timeoutMs: 30_000,
      memoryMb: 256,
      office: office('Quarterly sales by region, first half of the year'),
    });
    try {
      await assert.rejects(printed.extract(SEED_TXT, 'xls'), isError('corrupt', true));
      assert.match((await read.extract(SEED_TXT, 'xls')).body, /Quarterly sales by region/);
    } finally {
      await Promise.all([printed.close(), read.close()]);
    }
  });

  test('close rejects running and queued tasks, and every later call', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 30_000, memoryMb: 256 });
    const settled = Promise.allSettled([converter.extract(heavyDocx, 'docx'), converter.extract(SEED_TXT, 'txt')]);
    await converter.close();
    for (const outcome of await settled) {
      assert.equal(outcome.status, 'rejected');
      if (outcome.status === 'rejected') isError('failed', false)(outcome.reason);
    }
    await assert.rejects(converter.extract(SEED_TXT, 'txt'), isError('failed', false));
  });
});

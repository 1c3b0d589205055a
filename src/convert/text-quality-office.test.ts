// The text-quality gate on the two misses of the whole-corpus run (issue 17, decision 0022), with the real corpus
// files read at test time through LibreOffice and tesseract as the pipeline runs them:
// - `gongwenassistant jczc.xls`, a seating plan whose "XX厅厅长" placeholders were counted as 170 Latin non-words:
//   its own text publishes; sheets whose every word is masked ("XXXXX XXXX", POI 35564) stay unreadable;
// - `poi 41139.xls`, a chart of letters in cells: LibreOffice's text is unreadable, and so is what OCR reads off its
//   page ("MMMM PPPPPPPP", "|z 8 4", rules read as letters) — tesseract was unsure of most of it — while an exam
//   whose fonts lack ToUnicode is read by OCR with confidence and publishes.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CORPUS_DIR } from '../testing/paths.ts';
import { type Converter, createConverter } from './converter.ts';
import { createOfficeConverter, defaultSofficePath } from './libreoffice.ts';
import { createTesseractOcr } from './ocr-tesseract.ts';
import { sniffFile } from './sniff.ts';
import { assessText, MIN_OCR_CONFIDENT, MIN_OCR_CONFIDENT_WORDS, type QualityVerdict } from './text-quality.ts';

const JCZC = join(CORPUS_DIR, 'legacy', 'gongwenassistant__jczc.xls');
const MASKED = join(CORPUS_DIR, 'legacy', 'poi__spreadsheet__35564.xls');
const GRID = join(CORPUS_DIR, 'legacy', 'poi__spreadsheet__41139.xls');
const EXAM = join(CORPUS_DIR, 'pdf', 'libpku__专业课__几何学__11期中.pdf');

const verdictOf = (v: QualityVerdict) => (v.action === 'reject' ? v.code : v.action);

describe('text-quality gate on office sheets and their OCR (corpus)', () => {
  let converter: Converter;
  let dir: string;
  let ocr: ReturnType<typeof createTesseractOcr>;
  before(async () => {
    const office = createOfficeConverter({
      sofficePath: defaultSofficePath(),
      timeoutMs: 120_000,
      memoryMb: 2048,
      concurrency: 1,
    });
    converter = createConverter({ concurrency: 2, timeoutMs: 120_000, memoryMb: 512, office });
    assert.ok(converter.officeAvailable, 'LibreOffice is installed (.ci/run installs it)');
    ocr = createTesseractOcr({ render: (req) => converter.render(req) });
    assert.ok(ocr.available, 'tesseract with chi_sim is installed (.ci/run installs it)');
    dir = await mkdtemp(join(tmpdir(), 'wy-quality-office-'));
  });
  after(async () => {
    await converter.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** LibreOffice's text of a sheet, and a copy of the PDF it made (for OCR). */
  const extractSheet = async (path: string) => {
    const sniffed = await sniffFile(path, 'xls');
    assert.ok(sniffed.ok, path);
    const pdf = join(dir, `${path.slice(path.lastIndexOf('/') + 1)}.pdf`);
    const text = await converter.extract(path, sniffed.format, { onPdf: (made) => copyFile(made, pdf) });
    return { text, pdf };
  };

  test('a seating plan with "XX" placeholders publishes its own text; a sheet of nothing but masks does not', async () => {
    const [plan, masked] = await Promise.all([extractSheet(JCZC), extractSheet(MASKED)]);
    const v = assessText(plan.text);
    assert.equal(verdictOf(v), 'publish', JSON.stringify(v.metrics));
    assert.match(plan.text.body, /参会人员名单/);
    // Every Latin token of the plan is the placeholder: none is counted as a (non-)word.
    assert.equal(v.metrics.latinWords, 0, JSON.stringify(v.metrics));
    assert.ok(v.metrics.placeholders >= 100, JSON.stringify(v.metrics));
    assert.ok(v.metrics.cjkWords > v.metrics.placeholders, JSON.stringify(v.metrics));

    const m = assessText(masked.text);
    assert.equal(verdictOf(m), 'unreadable', JSON.stringify(m.metrics));
    assert.ok(m.metrics.placeholders >= 1000 && m.metrics.plausibleLatinWords + m.metrics.cjkWords < 30);
  });

  test('OCR noise off a chart of letters is unreadable; an exam read by OCR publishes', async () => {
    const grid = await extractSheet(GRID);
    assert.equal(verdictOf(assessText(grid.text)), 'unreadable');
    const [noise, exam] = await Promise.all([
      ocr.recognize(grid.pdf, { maxPages: 2 }),
      ocr.recognize(EXAM, { maxPages: 2 }),
    ]);
    assert.ok(noise.flags?.includes('ocr') && noise.charCount >= 100, noise.body);
    const n = assessText(noise);
    assert.equal(verdictOf(n), 'unreadable', `${JSON.stringify(n.metrics)}\n${noise.body.slice(0, 300)}`);
    assert.ok(
      n.metrics.ocrConfident! < MIN_OCR_CONFIDENT && n.metrics.ocrConfidentWords! < MIN_OCR_CONFIDENT_WORDS,
      JSON.stringify(n.metrics),
    );

    const e = assessText(exam);
    assert.equal(verdictOf(e), 'publish', `${JSON.stringify(e.metrics)}\n${exam.body.slice(0, 300)}`);
    assert.ok(e.metrics.ocrConfident! >= 0.7, JSON.stringify(e.metrics));
    assert.match(exam.body, /几何学/);
  });
});

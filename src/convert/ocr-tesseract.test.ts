// Which languages tesseract reads a page with (decision 0038): chi_sim first for every page; a page that reading
// finds mostly Latin is read again with chi_sim+eng, and that second reading is what the page's text is made of.
// Real tesseract, run through a wrapper script that records each run's `-l` argument; the pages are drawn in the
// test and handed to the engine in place of the PDF renderer.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { textPage } from '../testing/image-fixtures.ts';
import type { OcrLine } from './ocr-lines.ts';
import { createTesseractOcr, mostlyLatin } from './ocr-tesseract.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';

const ENGLISH = [
  'The committee met on Monday to review the annual',
  'budget and the plan for public services in the',
  'coming year. Members agreed to publish the report',
  'before the end of the month and to invite comments.',
];
const CHINESE = [
  '关于做好年度工作总结的通知',
  '各部门：',
  '请于本月底前报送年度工作总结，',
  '内容应当全面准确、重点突出。',
];

const words = (...texts: string[]): OcrLine[] => [
  {
    para: '1.1',
    top: 0,
    bottom: 30,
    words: texts.map((text, i) => ({ text, conf: 90, left: i * 40, top: 0, width: 30, height: 30 })),
  },
];

describe('tesseract languages per page', () => {
  let dir = '';
  let wrapper = '';
  let log = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wy-ocr-lang-'));
    log = join(dir, 'runs.log');
    wrapper = join(dir, 'tesseract');
    await writeFile(
      wrapper,
      `#!/bin/sh\nprev=""\nfor a in "$@"; do [ "$prev" = "-l" ] && echo "$a" >> '${log}'; prev="$a"; done\nexec /usr/bin/tesseract "$@"\n`,
    );
    await chmod(wrapper, 0o755);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A renderer handing out pages drawn here (the PDF renderer's place): one PNG per text. */
  const drawnPages = async (pages: string[][], name: string) => {
    const files: string[] = [];
    for (const [i, lines] of pages.entries()) {
      const file = join(dir, `${name}-${i + 1}.png`);
      await writeFile(file, await textPage(lines).encode('png'));
      files.push(file);
    }
    const render = async (req: RenderRequest): Promise<RenderResult> => {
      const from = req.from ?? 1;
      const picked = files.slice(from - 1, req.pages);
      // The engine deletes each page once read: hand it copies.
      const out = await Promise.all(
        picked.map(async (f, i) => {
          const copy = join(req.outDir, `p${from + i}.png`);
          await writeFile(copy, await readFile(f));
          return { number: from + i, file: copy, width: 1240, height: 1754 };
        }),
      );
      return { format: 'png', pages: out, pageCount: files.length };
    };
    return render;
  };

  test('mostlyLatin: Latin letters at least half of the Latin and Han characters', () => {
    assert.equal(mostlyLatin(words('The', 'annual', 'report')), true);
    assert.equal(mostlyLatin(words('关于年度', '工作', 'TikTok', '平台发布')), false);
    assert.equal(mostlyLatin(words('abcd', '年度工作')), true);
    assert.equal(mostlyLatin(words('abc', '年度工作')), false);
    assert.equal(mostlyLatin(words('2026', '—', '3', '—')), false);
    assert.equal(mostlyLatin([]), false);
  });

  test('a Chinese page is read once with chi_sim; an English page again with chi_sim+eng, and that text is kept', async () => {
    const ocr = createTesseractOcr({ tesseractPath: wrapper, render: await drawnPages([CHINESE, ENGLISH], 'mixed') });
    assert.ok(ocr.available, 'tesseract with chi_sim and eng is installed (.ci/run installs it)');
    await rm(log, { force: true });
    const text = await ocr.recognize(join(dir, 'scan.pdf'), { maxPages: 2 });
    assert.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), ['chi_sim', 'chi_sim', 'chi_sim+eng']);
    const second = text.body.slice(text.pageStarts[1]);
    assert.match(text.body.slice(0, text.pageStarts[1]), /年度工作总结/);
    for (const w of ['committee', 'budget', 'publish', 'comments']) assert.match(second, new RegExp(w));
  });

  test("latinLanguages '' reads every page once, with the first languages only", async () => {
    const render = await drawnPages([ENGLISH], 'english');
    const once = createTesseractOcr({ tesseractPath: wrapper, latinLanguages: '', render });
    await rm(log, { force: true });
    await once.recognize(join(dir, 'scan.pdf'), { maxPages: 1 });
    assert.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), ['chi_sim']);
  });
});

// Tesseract TSV → lines, the red layer put back by height, and the post-corrections (decision 0032): a dash read as
// 一一 only where the stroke runs on without a gap, 〈 only where ） closes it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type RedBand, stackBands } from './ocr-layers.ts';
import {
  fixBrackets,
  fixDashes,
  fixPageNumber,
  linesToText,
  mergeRed,
  type OcrLine,
  type OcrWord,
  parseTsv,
} from './ocr-lines.ts';

const HEAD = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';

/** A TSV row of one word: block, paragraph, line, box, confidence, text. */
function row(b: number, p: number, l: number, box: [number, number, number, number], conf: number, text: string) {
  return ['5', '1', b, p, l, 1, ...box, conf, text].join('\t');
}

/** Words of one line of type `em` pixels high: one character per word, `gaps[i]` pixels after character i. */
function line(chars: string, em: number, gaps: number[], x = 100): OcrWord[] {
  return [...chars].map((text, i) => {
    const flat = text === '一';
    const w = { text, conf: 90, left: x, top: flat ? 50 + em / 2 : 50, width: em, height: flat ? 3 : em };
    x += em + (gaps[i] ?? em * 0.1);
    return w;
  });
}

describe('OCR lines', () => {
  test('TSV rows become lines in reading order, paragraphs apart; header and empty words are skipped', () => {
    const tsv = [
      HEAD,
      '1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t',
      row(1, 1, 1, [100, 100, 30, 30], 95, '关于'),
      row(1, 1, 1, [140, 100, 30, 30], 95, '通知'),
      row(1, 1, 2, [100, 150, 30, 30], 91, '各单位：'),
      row(1, 1, 2, [140, 150, 30, 30], 10, ' '),
      row(2, 1, 1, [100, 300, 30, 30], 88, '特此通知。'),
    ].join('\n');
    const lines = parseTsv(tsv);
    assert.equal(lines.length, 3);
    assert.deepEqual([lines[0]!.top, lines[0]!.bottom], [100, 130]);
    assert.equal(linesToText(lines), '关于 通知\n各单位：\n\n特此通知。');
  });

  test("a rule read as 一一 with touching boxes is a dash; 一一 with the glyphs' gap stays (一一对应)", () => {
    // "——在全市工作会议上的讲话": the dash drawn as one unbroken stroke, cut by tesseract into two boxes.
    const dash = line('一一在全市', 30, [0, 3]);
    assert.equal(fixDashes(dash, 30).join(''), '——在全市');
    // Boxes overlapping by a pixel are the same stroke too.
    assert.equal(fixDashes(line('一一', 30, [-1]), 30).join(''), '——');
    // The word 一一: two strokes, each with its side bearings (a sixth of the type size between them).
    const word = line('一一对应', 30, [6]);
    assert.equal(fixDashes(word, 30).join(''), '一一对应');
    // A lone 一 and a 一 next to another character are never touched.
    assert.equal(fixDashes(line('一是加强', 30, [0]), 30).join(''), '一是加强');
    // On a whole line the type size comes from the line's own characters.
    const lines = parseTsv(
      [HEAD, ...dash.map((w) => row(1, 1, 1, [w.left, w.top, w.width, w.height], 90, w.text))].join('\n'),
    );
    assert.equal(linesToText(lines), '— — 在 全 市');
    assert.equal(linesToText(lines, false), '一 一 在 全 市');
  });

  test('〈 closed by ） is （, 〉 opened by （ is ）; book titles and real angle brackets stay', () => {
    assert.equal(fixBrackets('会议〈第一次）决定'), '会议（第一次）决定');
    assert.equal(fixBrackets('〈一）加强领导'), '（一）加强领导');
    assert.equal(fixBrackets('（二〉落实责任'), '（二）落实责任');
    assert.equal(fixBrackets('依据〈中华人民共和国公务员法〉'), '依据〈中华人民共和国公务员法〉');
    assert.equal(fixBrackets('《党政机关公文处理工作条例》'), '《党政机关公文处理工作条例》');
    // Not across a line, and not past another bracket.
    assert.equal(fixBrackets('〈甲\n乙）'), '〈甲\n乙）');
    assert.equal(fixBrackets('〈甲〈乙）'), '〈甲（乙）');
  });

  test('red lines go back above the first page line below them, each its own paragraph; low confidence dropped', () => {
    // The page: body lines at y 600 and 700. The red layer: the 红头 at y 200 (scaled by 0.25), a seal's ring
    // read with low confidence at y 650, and a red line between the two body lines at y 640.
    const bands: RedBand[] = stackBands([
      { y0: 200, y1: 360, x0: 300, x1: 1300 },
      { y0: 560, y1: 760, x0: 900, x1: 1200 },
    ]).bands;
    assert.equal(bands[0]!.scale, 0.25);
    const page = parseTsv(
      [HEAD, row(1, 1, 1, [100, 600, 30, 30], 90, '各区县：'), row(2, 1, 1, [100, 700, 30, 30], 90, '特此通知。')].join(
        '\n',
      ),
    );
    const redTop = (y: number, b: RedBand) => Math.round(b.top + (y - b.y0) * b.scale);
    const red = parseTsv(
      [
        HEAD,
        row(1, 1, 1, [40, redTop(200, bands[0]!), 250, 40], 85, '某某市人民政府文件'),
        row(2, 1, 1, [40, redTop(600, bands[1]!), 40, 10], 92, '加急'),
        row(2, 1, 2, [40, redTop(690, bands[1]!), 60, 10], 21, '囗'),
      ].join('\n'),
    );
    assert.equal(
      linesToText(mergeRed(page, red, bands)),
      '某某市人民政府文件\n\n各区县：\n\n加急\n\n特此通知。',
      'the seal ring (confidence 21) is dropped',
    );
    // No red lines: the page as it was.
    assert.equal(linesToText(mergeRed(page, [], [])), '各区县：\n\n特此通知。');
  });
  test("a page number read as 一2, 一3一 or _2_ on the page's last and lowest line is written — N —", () => {
    const at = (top: number, ...texts: string[]): OcrLine => ({
      para: `p${top}`,
      top,
      bottom: top + 30,
      words: texts.map((text, i) => ({ text, conf: 90, left: 100 + 40 * i, top, width: 30, height: 30 })),
    });
    const body = at(100, '特此', '通知。');
    for (const read of [['一', '2'], ['一', '3', '一'], ['_2_'], ['-', '12', '-'], ['—', '4', '—']]) {
      const fixed = fixPageNumber([body, at(2200, ...read)]);
      assert.equal(linesToText(fixed), `特此 通知。\n\n— ${read.join('').replace(/\D/g, '')} —`, read.join(''));
    }
    // Not a page number: words around the number, no dash, a line that is not the lowest, a number alone.
    for (const lines of [
      [body, at(2200, '一', '2', '号')],
      [body, at(2200, '第', '2', '页')],
      [body, at(2200, '2')],
      [at(2200, '一', '2'), at(100, '特此', '通知。')],
      [body, at(2200, '一一', '2026', '一一', '年')],
    ]) {
      assert.deepEqual(fixPageNumber(lines), lines);
    }
    assert.deepEqual(fixPageNumber([]), []);
  });
});

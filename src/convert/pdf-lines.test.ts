import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { itemsToLines, largeTitleLine, linesToParagraphs, type PdfLine, type PdfTextItem } from './pdf-lines.ts';

const item = (str: string, x: number, y: number, opts: { eol?: boolean; size?: number; width?: number } = {}) =>
  ({
    str,
    hasEOL: opts.eol ?? false,
    transform: [opts.size ?? 10, 0, 0, opts.size ?? 10, x, y],
    width: opts.width ?? str.length * (opts.size ?? 10),
    height: opts.size ?? 10,
  }) satisfies PdfTextItem;

const line = (text: string, x0: number, x1: number, y: number, size = 10): PdfLine => ({ text, x0, x1, y, size });

describe('itemsToLines', () => {
  test('ends lines at hasEOL and at vertical jumps, skips marked content, collapses runs of spaces', () => {
    const lines = itemsToLines([
      item('页眉', 40, 800),
      item('   ', 60, 800, { width: 300 }),
      item('2019', 400, 800, { eol: true }),
      { type: 'beginMarkedContent' },
      item('1 / 4', 280, 20),
      item('', 60, 700, { eol: true, width: 0 }),
      item('正文', 60, 700),
    ]);
    assert.deepEqual(
      lines.map((l) => [l.text, l.x0, l.x1, l.y]),
      [
        ['页眉 2019', 40, 440, 800],
        ['1 / 4', 280, 330, 20],
        ['正文', 60, 80, 700],
      ],
    );
  });
});

describe('linesToParagraphs', () => {
  test('joins lines that run to the right edge; breaks after short lines and before indented ones', () => {
    const paragraphs = linesToParagraphs([
      line('一、标题', 60, 100, 700),
      line('第一段的第一行文字排满整行', 80, 500, 680),
      line('第一段的第二行也排满了整行文字', 60, 500, 660),
      line('第一段结束。', 60, 120, 640),
      line('第二段开头缩进两个字符排满', 80, 500, 620),
      line('第二段结束。', 60, 120, 600),
    ]);
    assert.deepEqual(paragraphs, [
      '一、标题',
      '第一段的第一行文字排满整行第一段的第二行也排满了整行文字第一段结束。',
      '第二段开头缩进两个字符排满第二段结束。',
    ]);
  });

  test('an indented line starts a paragraph even right after a full line', () => {
    const paragraphs = linesToParagraphs([
      line('上一段最后一行恰好排满了整行文字', 60, 500, 700),
      line('下一段首行缩进两个字符也排满了', 80, 500, 680),
      line('下一段结束。', 60, 120, 660),
    ]);
    assert.deepEqual(paragraphs, ['上一段最后一行恰好排满了整行文字', '下一段首行缩进两个字符也排满了下一段结束。']);
  });

  test('Latin words across a wrap get a space; a wide vertical gap breaks the paragraph', () => {
    const paragraphs = linesToParagraphs([
      line('The city was awarded the title', 60, 500, 700),
      line('of national civilised city.', 60, 300, 688),
      line('A new heading far below that runs wide', 60, 500, 600),
      line('and continues here.', 60, 200, 588),
    ]);
    assert.deepEqual(paragraphs, [
      'The city was awarded the title of national civilised city.',
      'A new heading far below that runs wide and continues here.',
    ]);
  });

  test('a narrow block (a table column) is left line by line', () => {
    assert.deepEqual(linesToParagraphs([line('姓名', 60, 80, 700), line('张三', 60, 80, 688)]), ['姓名', '张三']);
    assert.deepEqual(linesToParagraphs([]), []);
  });
});

describe('largeTitleLine', () => {
  const body = Array.from({ length: 10 }, (_, i) =>
    line(`正文第${i + 1}行，各行字号相同，字数也大致相同。`, 60, 500, 600 - i * 20),
  );
  test('the first line in clearly larger type in the top half, with its wrapped continuation', () => {
    const title = [
      line('某某大学学报', 60, 200, 800, 9),
      line('关于城市地下水', 80, 400, 760, 22),
      line('水质的调查报告', 80, 400, 732, 22),
    ];
    assert.equal(largeTitleLine([...title, ...body], 842, 0), '关于城市地下水水质的调查报告');
  });
  test('no title: one type size, a drop cap, a large line in the lower half, a sentence, a formula, an outline item; letter-spaced Chinese joined', () => {
    assert.equal(largeTitleLine(body, 842, 0), undefined);
    assert.equal(largeTitleLine([line('A', 60, 80, 700, 40), ...body], 842, 0), undefined);
    assert.equal(largeTitleLine([...body, line('页脚大字标语', 60, 300, 100, 30)], 842, 0), undefined);
    assert.equal(largeTitleLine([line('这是一个很大的句子。', 60, 300, 780, 24), ...body], 842, 0), undefined);
    assert.equal(largeTitleLine([line('( ) ( )n x u dy = - Δ∫', 60, 300, 780, 24), ...body], 842, 0), undefined);
    assert.equal(largeTitleLine([line('（一）主要概念', 60, 300, 780, 24), ...body], 842, 0), undefined);
    assert.equal(largeTitleLine([line('逻 辑 导 论', 60, 300, 780, 24), ...body], 842, 0), '逻辑导论');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cleanTitle,
  countChars,
  joinParagraphs,
  joinWrapped,
  normalizeParagraph,
  splitParagraphs,
} from './normalize.ts';

describe('normalizeParagraph', () => {
  test('trims ASCII and ideographic spaces, removes control characters, composes to NFC', () => {
    assert.equal(normalizeParagraph('\u3000\u3000同志们：\u0000\u0007 '), '同志们：');
    assert.equal(normalizeParagraph('Cafe\u0301'), 'Café');
    assert.equal(normalizeParagraph('a\tb\r'), 'a b');
    assert.equal(normalizeParagraph('x\uFEFFy\u0085z'), 'xyz');
  });

  test('drops lone surrogates but keeps astral characters', () => {
    assert.equal(normalizeParagraph('a\uD800b\uDC00c'), 'abc');
    assert.equal(normalizeParagraph('𠀀𝄞'), '𠀀𝄞');
  });
});

describe('splitParagraphs', () => {
  test('splits on every kind of line break and drops empty lines', () => {
    assert.deepEqual(splitParagraphs('一\r\n\r\n 二 \r三\n\u2028四\u000c'), ['一', '二', '三', '四']);
  });
});

describe('joinParagraphs', () => {
  test('records the offset of each paragraph in the joined body', () => {
    const { body, offsets } = joinParagraphs(['甲乙', 'ab', '丙']);
    assert.equal(body, '甲乙\nab\n丙');
    assert.deepEqual(offsets, [0, 3, 6]);
    assert.equal(body.slice(offsets[1]!, offsets[1]! + 2), 'ab');
  });
});

describe('countChars', () => {
  test('counts non-whitespace code points', () => {
    assert.equal(countChars('同志们 a b\n\u3000c𠀀'), 7);
    assert.equal(countChars(' \n\t\u3000'), 0);
  });
});

describe('joinWrapped', () => {
  test('joins CJK without a space and Latin words with one', () => {
    assert.equal(joinWrapped('全国文明', '城市'), '全国文明城市');
    assert.equal(joinWrapped('civil', 'city'), 'civil city');
    assert.equal(joinWrapped('文明', 'city'), '文明city');
    assert.equal(joinWrapped('well-', 'known'), 'well-known');
  });
});

describe('cleanTitle', () => {
  test('keeps real titles', () => {
    assert.equal(cleanTitle('  关于印发《某办法》的通知 '), '关于印发《某办法》的通知');
    assert.equal(cleanTitle('Annual\nReport'), 'Annual Report');
    assert.equal(cleanTitle('Presentation of the 2025 budget'), 'Presentation of the 2025 budget');
    assert.equal(cleanTitle('Sheet metal prices'), 'Sheet metal prices');
    assert.equal(cleanTitle('Printed circuit board design'), 'Printed circuit board design');
    assert.equal(cleanTitle('Chart Title conventions in APA'), 'Chart Title conventions in APA');
    assert.equal(cleanTitle('A1 级驾驶证申领须知'), 'A1 级驾驶证申领须知');
    assert.equal(cleanTitle('G20'), 'G20');
  });

  test('drops tool-generated titles', () => {
    for (const junk of [
      'Microsoft Word - 讲话.docx',
      'Microsoft PowerPoint - x',
      'untitled',
      '无标题',
      '  ',
      '1',
      'Document1',
      'PowerPoint Presentation',
      'Presentation1',
      'No Slide Title',
      'Sheet1',
      'Book1',
      '工作表1',
      'Title Placeholder',
      'Click to edit Master title style',
      '单击此处添加标题',
      '* Global Slide Footer 1',
      'Chart Title',
      'Printed 12/02/2026 07:46:05 Keiser',
      'a1',
    ]) {
      assert.equal(cleanTitle(junk), undefined, junk);
    }
    assert.equal(cleanTitle(undefined), undefined);
    assert.equal(cleanTitle('x'.repeat(201)), undefined);
  });

  test('a bare file name keeps its stem', () => {
    assert.equal(cleanTitle('工作总结.doc'), '工作总结');
  });
});

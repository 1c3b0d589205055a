import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  COLUMNS_PER_LINE,
  countLines,
  displayWidth,
  distributePageStarts,
  estimatePageStarts,
  LINES_PER_PAGE,
} from './layout.ts';

const CHARS_PER_PAGE = COLUMNS_PER_LINE * LINES_PER_PAGE;

describe('displayWidth', () => {
  test('full-width characters take a column, ASCII half of one', () => {
    assert.equal(displayWidth('文明城市'), 4);
    assert.equal(displayWidth('abcd'), 2);
    assert.equal(displayWidth('“创城”，2022年'), 8);
    assert.equal(displayWidth('𠀀'), 1);
  });
});

describe('countLines', () => {
  test('each paragraph takes ceil(width / 28) lines, at least one', () => {
    assert.equal(countLines(['短']), 1);
    assert.equal(countLines(['字'.repeat(28)]), 1);
    assert.equal(countLines(['字'.repeat(29)]), 2);
    assert.equal(countLines(['a'.repeat(56), 'a'.repeat(57)]), 3);
  });
});

describe('estimatePageStarts', () => {
  test('22 lines of 28 full-width characters fill one page', () => {
    assert.deepEqual(estimatePageStarts(['字'.repeat(CHARS_PER_PAGE)]), [0]);
    assert.deepEqual(estimatePageStarts([]), [0]);
  });

  test('a page can begin inside a paragraph, at the exact offset of its 23rd line', () => {
    const first = '甲'.repeat(20);
    const long = '乙'.repeat(CHARS_PER_PAGE * 2);
    // The first paragraph takes line 1; the second starts at offset 21 and its 22nd line begins the second page.
    const starts = estimatePageStarts([first, long]);
    const second = 21 + (LINES_PER_PAGE - 1) * COLUMNS_PER_LINE;
    assert.deepEqual(starts, [0, second, second + CHARS_PER_PAGE]);
  });

  test('a page begins with a whole paragraph when the previous one ends the page', () => {
    const paragraphs = Array.from({ length: 23 }, (_, i) => `第${i}段`);
    const starts = estimatePageStarts(paragraphs);
    const body = paragraphs.join('\n');
    assert.equal(starts.length, 2);
    assert.equal(body.slice(starts[1]!).split('\n')[0], '第22段');
  });

  test('explicit page breaks start a new page', () => {
    const starts = estimatePageStarts(['一', '二', '三'], new Set([2]));
    assert.deepEqual(starts, [0, 4]);
  });

  test('surrogate pairs are never split', () => {
    const starts = estimatePageStarts(['𠀀'.repeat(CHARS_PER_PAGE + 1)]);
    assert.deepEqual(starts, [0, CHARS_PER_PAGE * 2]);
  });
});

describe('distributePageStarts', () => {
  test('spreads a stated page count over the lines in proportion', () => {
    const paragraphs = Array.from({ length: 10 }, (_, i) => `${i}`);
    assert.deepEqual(distributePageStarts(paragraphs, 2), [0, 10]);
    assert.deepEqual(distributePageStarts(paragraphs, 1), [0]);
  });

  test('more pages than lines gives repeated, non-decreasing starts', () => {
    const starts = distributePageStarts(['一', '二'], 5);
    assert.equal(starts.length, 5);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
    );
    assert.equal(starts[0], 0);
  });
});

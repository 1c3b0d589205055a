import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeCut, computePreview, pickFragment, type StoredText } from './preview.ts';

const body =
  '标题\n同志们：\n第一页的正文内容在这里继续展开论述，说明创城工作的意义和要求。\n第二页正文\n第三页正文😀尾';
const page2 = body.indexOf('第二页');
const text: StoredText = {
  body,
  pageStarts: [0, page2, body.indexOf('第三页')],
  headings: [{ offset: 0, level: 1, text: '标题' }],
};

test('pages mode shows whole pages and counts what is left', () => {
  const p = computePreview(text, { mode: 'pages', value: 1, maxPercent: 100, paid: true });
  assert.equal(p.cutOffset, page2);
  assert.equal(p.freeText, text.body.slice(0, page2));
  assert.equal(p.pages.length, 1);
  assert.equal(p.remainingPages, 2);
  assert.equal(p.complete, false);
  assert.ok(!p.freeText.includes('第二页'));
});

test('percent mode cuts mid-page, and that page counts as remaining', () => {
  const p = computePreview(text, { mode: 'percent', value: 50, maxPercent: 100, paid: true });
  assert.equal(p.cutOffset, Math.floor(text.body.length / 2));
  assert.equal(p.pages.length, 1);
  assert.equal(p.remainingPages, 3);
  assert.equal(p.remainingChars > 0, true);
});

test('a paid document never shows more than maxPercent, a free one may show everything', () => {
  const paid = computePreview(text, { mode: 'pages', value: 10, maxPercent: 60, paid: true });
  assert.equal(paid.cutOffset, Math.floor(text.body.length * 0.6));
  assert.equal(paid.complete, false);
  const free = computePreview(text, { mode: 'pages', value: 10, maxPercent: 60, paid: false });
  assert.equal(free.complete, true);
  assert.equal(free.remainingChars, 0);
  assert.equal(free.remainingPages, 0);
});

test('a cut never splits a surrogate pair', () => {
  const emoji = text.body.indexOf('😀');
  const cut = computeCut(text, {
    mode: 'percent',
    value: ((emoji + 1) / text.body.length) * 100 + 0.0001,
    maxPercent: 100,
    paid: false,
  });
  assert.ok(cut === emoji || cut === emoji + 2, `cut ${cut} splits the emoji at ${emoji}`);
});

test('the fragment skips title and salutation and comes from the free part', () => {
  const p = computePreview(text, { mode: 'pages', value: 1, maxPercent: 100, paid: true });
  assert.equal(pickFragment(p), '第一页的正文内容在这里继续展开论述，说明创城工作的意义和要求。');
});

// Issue #13: search snippets highlight whole jieba words, never a lone character inside another word.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { segmentQuery } from './segment.ts';
import { highlight, makeSnippet } from './snippet.ts';

const marked = (text: string, query: string) =>
  highlight(text, segmentQuery(query))
    .filter((p) => p.hit)
    .map((p) => p.text);

test('no lone character is highlighted: 城 neither inside 城市 nor on its own', () => {
  const text = '全力推进创城攻坚，城市面貌明显改善，城乡一体化加快。';
  assert.deepEqual(marked(text, '城'), []);
  assert.deepEqual(marked(text, '城市建设'), ['城市']);
  // The query 创城攻坚 (cut 创/城/攻坚) lights up as one run, and 城 elsewhere stays plain.
  assert.deepEqual(marked(text, '创城攻坚'), ['创城攻坚']);
});

test('the words of the query are highlighted whole', () => {
  const hits = marked('关于开展文明城市创建工作的通知', '文明城市 创建');
  assert.ok(hits.join('').includes('文明城市'), JSON.stringify(hits));
  assert.ok(hits.join('').includes('创建'), JSON.stringify(hits));
  // Nothing outside the query's words.
  assert.ok(!hits.join('').includes('通知'));
});

test('a token found inside a longer word highlights that whole word', () => {
  const parts = highlight('中华人民共和国成立', ['人民']);
  const hit = parts.find((p) => p.hit);
  assert.ok(hit, 'a hit');
  assert.ok(hit.text.includes('人民') && hit.text.length > 2, hit.text);
});

test('runs join back into the text, and full-width input still matches', () => {
  const text = '2026年ＷＰＳ文档转换说明';
  const parts = highlight(text, segmentQuery('wps'));
  assert.equal(parts.map((p) => p.text).join(''), text);
  assert.ok(
    parts.some((p) => p.hit && p.text === 'ＷＰＳ'),
    JSON.stringify(parts),
  );
});

test('makeSnippet quotes around the match and marks it', () => {
  const source = `${'前文'.repeat(80)}会议强调要加强营商环境建设${'后文'.repeat(80)}`;
  const parts = makeSnippet(source, segmentQuery('营商环境'));
  assert.equal(parts[0]?.text, '…');
  assert.ok(
    parts.some((p) => p.hit && p.text === '营商环境'),
    JSON.stringify(parts),
  );
});

test('the snippet is centred on the typed phrase, highlighted whole; a lone character never lights up', () => {
  const q = '全力推进创城攻坚工作';
  const source = `创城攻坚${'前文内容'.repeat(60)}${q}${'后文内容'.repeat(60)}城`;
  const parts = makeSnippet(source, segmentQuery(q), 40, q);
  assert.equal(parts[0]?.text, '…');
  assert.equal(parts.at(-1)?.text, '…');
  const window = parts
    .slice(1, -1)
    .map((p) => p.text)
    .join('');
  const at = window.indexOf(q);
  assert.ok(at >= 0 && Math.abs(at + q.length / 2 - window.length / 2) <= 1, window);
  assert.deepEqual(
    parts.filter((p) => p.hit).map((p) => p.text),
    [q],
  );
  // Without the phrase, the densest passage (here the first 创城攻坚, where the words also meet) — and 城 alone: nothing.
  assert.deepEqual(
    makeSnippet(source, segmentQuery('城'), 40).filter((p) => p.hit),
    [],
  );
});

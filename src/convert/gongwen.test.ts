import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyzeGongwen, bodyOpening } from './gongwen.ts';

const NOTICE = [
  'XX市人民政府办公室文件',
  'X政办发〔2024〕15号',
  '关于进一步加强城市精细化管理工作的通知',
  '各县（市、区）人民政府，市政府各部门：',
  '为深入贯彻落实党中央、国务院关于城市工作的决策部署，持续提升城市精细化管理水平，经市政府同意，现就有关事项通知如下。',
  '一、总体要求',
  '坚持以人民为中心的发展思想，聚焦群众关心的突出问题。',
  '（一）指导思想',
  '以习近平新时代中国特色社会主义思想为指导。',
  '1. 坚持问题导向。',
  '（1）建立问题清单',
  '二、重点任务',
  'XX市人民政府办公室',
  '2024年3月8日',
].join('\n');

test('a 通知 yields its title, number, addressee, 落款, date and outline', () => {
  const s = analyzeGongwen(NOTICE);
  assert.equal(s.docNumber, 'X政办发〔2024〕15号');
  assert.equal(s.title, '关于进一步加强城市精细化管理工作的通知');
  assert.equal(s.addressee, '各县（市、区）人民政府，市政府各部门');
  assert.equal(s.signature, 'XX市人民政府办公室');
  assert.equal(s.date, '2024年3月8日');
  assert.deepEqual(
    s.outline.map((o) => [o.level, o.text]),
    [
      [1, '一、总体要求'],
      [2, '（一）指导思想'],
      [3, '1. 坚持问题导向。'],
      [4, '（1）建立问题清单'],
      [1, '二、重点任务'],
    ],
  );
  assert.ok(bodyOpening(NOTICE, s).startsWith('为深入贯彻落实党中央'));
});

test('the seed speech: the opening of the body, not the title or 同志们：', () => {
  const text = readFileSync(fileURLToPath(new URL('../../../shared/seed/seed-speech.txt', import.meta.url)), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
  const s = analyzeGongwen(text);
  assert.ok(s.title);
  assert.equal(s.addressee, undefined, 'a speech has no 主送; 同志们： is a salutation');
  const opening = bodyOpening(text, s);
  assert.ok(!opening.includes(s.title!), opening);
  assert.ok([...opening].length >= 40);
  assert.ok(s.outline.length >= 1, 'the speech has numbered parts');
});

test('Word heading styles count when a paragraph has no number; dates inside text are not headings', () => {
  const text =
    '总结\n工作回顾\n2023.5 完成了验收。\n今年以来，我们在各方面取得了较好成绩，现将有关情况总结如下，请审阅并提出意见。';
  const s = analyzeGongwen(text, [{ offset: text.indexOf('工作回顾'), level: 1, text: '工作回顾' }]);
  assert.deepEqual(
    s.outline.map((o) => o.text),
    ['工作回顾'],
  );
});

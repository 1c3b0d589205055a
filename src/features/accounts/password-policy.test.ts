import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { t } from '../../i18n/t.ts';
import { checkPassword } from './password-policy.ts';

test('length counts code points: 8 to 128', () => {
  assert.equal(checkPassword(''), 'password.tooShort');
  assert.equal(checkPassword('Xk3#vb9'), 'password.tooShort');
  assert.equal(checkPassword('Xk3#vb9q'), undefined);
  // Seven 汉字 are 21 UTF-8 bytes and 7 characters: still too short; eight pass.
  assert.equal(checkPassword('春眠不觉晓处处'), 'password.tooShort');
  assert.equal(checkPassword('春眠不觉晓处处闻'), undefined);
  // Emoji outside the BMP are two UTF-16 units but one character each.
  assert.equal(checkPassword('🐼🐼🐼🎋🎋🎋🍵'), 'password.tooShort');
  assert.equal(checkPassword('z'.repeat(64) + 'Q'.repeat(64)), undefined);
  assert.equal(checkPassword('z'.repeat(64) + 'Q'.repeat(65)), 'password.tooLong');
  assert.equal(checkPassword('字'.repeat(64) + 'q'.repeat(64)), undefined);
});

test('common passwords are refused whatever their case or width, from every section of the list', () => {
  for (const pw of [
    '12345678', // the issue's own example
    'password',
    'Password1',
    'QWERTYUIOP',
    'iloveyou',
    'woaini1314', // Chinese top 1000
    'WoAiNi1314',
    'qq123456789',
    '123456789a',
    '1qaz2wsx',
    'zxcvbnm123',
    'wenyuan123', // the site's own supplement
    'ｐａｓｓｗｏｒｄ', // full-width input from a Chinese IME
  ]) {
    assert.equal(checkPassword(pw), 'password.common', pw);
  }
  // Shorter classics fall to the length rule first.
  for (const pw of ['5201314', 'a123456', 'zxcvbnm', '123456'])
    assert.equal(checkPassword(pw), 'password.tooShort', pw);
});

test('guessable shapes are refused even when no list has them', () => {
  for (const pw of [
    'xxxxxxxxxx',
    '34567890',
    '98765432',
    'bcdefghij',
    'woaiwoai',
    '73917391',
    'qzqzqzqz',
    '19940521',
    '20011231',
  ]) {
    assert.equal(checkPassword(pw), 'password.common', pw);
  }
  // Near misses are fine: a run broken by a letter, not a real date, a repeated unit longer than four.
  for (const pw of ['1234567x9', '19941332', 'wenku8wenku8', 'm3Tr0-xin9'])
    assert.equal(checkPassword(pw), undefined, pw);
});

test('a password equal to the identifier, its local part or the display name is refused', () => {
  assert.equal(
    checkPassword('zhangsan@example.cn', { identifier: 'ZhangSan@example.cn' }),
    'password.sameAsIdentifier',
  );
  assert.equal(checkPassword('zhangsan2024', { identifier: 'zhangsan2024@qq.com' }), 'password.sameAsIdentifier');
  assert.equal(checkPassword('13912345678', { identifier: '+86 139-1234-5678' }), 'password.sameAsIdentifier');
  assert.equal(checkPassword('公文写作小能手', { displayName: '公文写作小能手' }), 'password.tooShort');
  assert.equal(checkPassword('公文写作小能手阿伟', { displayName: '公文写作小能手阿伟' }), 'password.sameAsName');
  assert.equal(checkPassword('Lanting-Xu-1987', { identifier: 'lanting@example.cn', displayName: '兰亭' }), undefined);
});

test('every refusal has a zh-CN message, and the list file keeps its source header', () => {
  for (const key of [
    'password.tooShort',
    'password.tooLong',
    'password.common',
    'password.sameAsIdentifier',
    'password.sameAsName',
  ] as const) {
    assert.match(t(key), /[\u4e00-\u9fff]/, key);
  }
  const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
  assert.match(text, /^# Common passwords/);
  assert.match(text, /MIT/);
  const entries = text.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(entries.length > 15_000, `only ${entries.length} entries`);
  assert.equal(new Set(entries).size, entries.length, 'duplicates in the list');
  assert.ok(
    entries.every((e) => e === e.toLowerCase() && [...e].length >= 8),
    'an entry is upper case or short',
  );
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../errors.ts';
import { checkNickname, nextNicknameChange, normalizeBio } from './nickname.ts';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError);
    return err.messageKey;
  }
  assert.fail('expected a refusal');
};

describe('nickname rules', () => {
  test('accepts Han, letters, digits, _ - · and normalises', () => {
    assert.equal(checkNickname('笔杆子老王'), '笔杆子老王');
    assert.equal(checkNickname('  Writer_2024  '), 'Writer_2024');
    assert.equal(checkNickname('阿卜杜・热合曼'), '阿卜杜·热合曼', 'the katakana middle dot becomes ·');
    assert.equal(checkNickname('ＡＢＣ１２３'), 'ABC123', 'full-width letters and digits become ASCII');
    assert.equal(checkNickname('小李-公文'), '小李-公文');
    assert.equal(checkNickname('王五'), '王五');
    assert.equal(checkNickname('一二三四五六七八九十一二三四五六七八九十'), '一二三四五六七八九十一二三四五六七八九十');
  });

  test('length is 2–20 characters', () => {
    assert.equal(
      refusal(() => checkNickname('王')),
      'profile.nickname.length',
    );
    assert.equal(
      refusal(() => checkNickname('   ')),
      'profile.nickname.length',
    );
    assert.equal(
      refusal(() => checkNickname('一二三四五六七八九十一二三四五六七八九十一')),
      'profile.nickname.length',
    );
  });

  test('markup, spaces and punctuation are refused', () => {
    for (const name of ['<script>x</script>', '<b>王</b>', '王 五', 'a"b', "a'b", 'a&b', '王五！', '王五😀', 'привет'])
      assert.equal(
        refusal(() => checkNickname(name)),
        'profile.nickname.chars',
        name,
      );
  });

  test('control, zero-width and bidi characters are refused', () => {
    for (const name of [
      '王\u200b五',
      '王\u200d五',
      'abc\u202edcba',
      '王\u2066五\u2069',
      '\ufeff王五',
      '王\t五',
      '王\u0000五',
    ])
      assert.equal(
        refusal(() => checkNickname(name)),
        'profile.nickname.invisible',
        JSON.stringify(name),
      );
  });

  test('separators only between other characters', () => {
    for (const name of ['_王五', '王五-', '·王五', '王__五', '王-·五'])
      assert.equal(
        refusal(() => checkNickname(name)),
        'profile.nickname.edges',
        name,
      );
  });

  test('staff impersonation is refused, staff themselves may use the words', () => {
    for (const name of [
      '文苑管理员',
      '官方客服',
      'Admin',
      'ADMIN_01',
      'a-d-m-i-n',
      'ａｄｍｉｎ',
      '站长小王',
      '版主',
      '文苑小编',
    ])
      assert.equal(
        refusal(() => checkNickname(name)),
        'profile.nickname.reserved',
        name,
      );
    assert.equal(checkNickname('客服小文', { allowReserved: true }), '客服小文');
  });

  test('one change per 30 days', () => {
    const now = Date.UTC(2026, 11, 1);
    assert.equal(nextNicknameChange(null, now), undefined);
    assert.equal(nextNicknameChange(now - 31 * 86_400_000, now), undefined);
    assert.equal(nextNicknameChange(now - 86_400_000, now), now + 29 * 86_400_000);
  });

  test('bio: at most 200 characters, invisible controls dropped', () => {
    assert.equal(normalizeBio('  你好\r\n\r\n\r\n\r\n世界\u202e  '), '你好\n\n世界');
    assert.equal(normalizeBio('字'.repeat(200)).length, 200);
    assert.equal(
      refusal(() => normalizeBio('字'.repeat(201))),
      'user.bioTooLong',
    );
  });
});

// The PII screen's scanner. The identity-number rules themselves are real-name verification's (and tested there).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { idNumberCheckChar } from '../verification/id-number.ts';
import { luhnValid, maskPii, scanPii } from './scan.ts';

/** A valid identity number from its first 17 digits. */
const id = (first17: string) => first17 + idNumberCheckChar(first17);
/** A wrong check character for these 17 digits. */
const wrongCheck = (first17: string) => first17 + (idNumberCheckChar(first17) === '0' ? '1' : '0');
/** Completes `body` (digits, one short) with its Luhn check digit. */
function luhn(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}
/** A Luhn-invalid number of the same shape. */
const notLuhn = (body: string) => {
  const good = luhn(body);
  return good.slice(0, -1) + ((Number(good.at(-1)) + 1) % 10);
};
const NOW = Date.parse('2026-11-30T00:00:00Z');
const kinds = (text: string) => scanPii(text, NOW).map((m) => `${m.kind}:${text.slice(m.start, m.end)}`);

describe('Luhn', () => {
  test('known numbers', () => {
    assert.ok(luhnValid('79927398713'));
    assert.ok(luhnValid('4111111111111111'));
    assert.ok(!luhnValid('4111111111111112'));
    assert.ok(!luhnValid('4111 1111 1111 1111'), 'digits only');
  });
});

describe('scanPii', () => {
  const ID = id('11010119900307123');

  test('a valid identity number in running text, masked to its region and last four', () => {
    const text = `申请人身份证号：${ID}，特此证明。`;
    const [m, ...rest] = scanPii(text, NOW);
    assert.equal(rest.length, 0);
    assert.equal(m?.kind, 'idNumber');
    assert.equal(text.slice(m!.start, m!.end), ID);
    assert.equal(m?.masked, `110101********${ID.slice(14)}`);
  });

  test('random 18-digit runs, wrong check digits, bad dates and regions, longer runs: nothing', () => {
    const text = [
      wrongCheck('11010119900307123'),
      id('11010119901307123'), // month 13
      id('00010119900307123'), // no such province
      `9${ID}`, // inside a 19-digit run
      `${ID}5`,
      `0.${ID}`, // a decimal
      '123456789012345678',
      '987654321098765432',
    ].join('，');
    assert.deepEqual(kinds(text), []);
  });

  test('identity numbers written with full-width digits or a lower-case x', () => {
    const wide = [...'11010519491231002X'].map((c) => (c === 'X' ? 'Ｘ' : String.fromCharCode(0xff10 + Number(c))));
    assert.deepEqual(kinds(`号码${wide.join('')}`), [`idNumber:${wide.join('')}`]);
    assert.deepEqual(kinds('号码11010519491231002x。'), ['idNumber:11010519491231002x']);
  });

  test('mobile numbers: plain, grouped 3-4-4 by spaces or dashes, after +86', () => {
    assert.deepEqual(
      kinds('联系电话13800138000；138-0013-8000；138 0013 8000；+86 139 1234 5678；+86-15912345678；+8618612345678。'),
      [
        'mobile:13800138000',
        'mobile:138-0013-8000',
        'mobile:138 0013 8000',
        'mobile:139 1234 5678',
        'mobile:15912345678',
        'mobile:18612345678',
      ],
    );
    const [m] = scanPii('电话：138-0013-8000', NOW);
    assert.equal(m?.masked, '138-****-8000');
    assert.equal(scanPii('13800138000', NOW)[0]?.masked, '138****8000');
  });

  test('not mobile numbers: other prefixes, longer runs, decimals, mixed separators, landlines', () => {
    const text = [
      '12345678901', // 12…
      '10086123456', // 10…
      '11912345678', // 11…
      '138001380001', // 12 digits
      '813800138000',
      '0.13800138000',
      '13800138000.5',
      '138 0013-8000',
      '010-6512 3456',
      '2023年12月29日第十四届全国人民代表大会常务委员会第七次会议通过',
    ].join('，');
    assert.deepEqual(kinds(text), []);
  });

  test('bank cards: Luhn-valid with an issuer prefix, contiguous or in groups of four', () => {
    const unionPay = luhn('622202123456789'); // 16 digits
    const debit19 = luhn('621700123456789012'); // 19 digits
    const visa = luhn('411111111111111');
    const grouped = unionPay.replace(/(\d{4})(?=\d)/g, '$1 ');
    const dashed19 = debit19.replace(/(\d{4})(?=\d)/g, '$1-');
    assert.deepEqual(kinds(`${unionPay}，${debit19}，${visa}，${grouped}，${dashed19}`), [
      `bankCard:${unionPay}`,
      `bankCard:${debit19}`,
      `bankCard:${visa}`,
      `bankCard:${grouped}`,
      `bankCard:${dashed19}`,
    ]);
    assert.equal(scanPii(grouped, NOW)[0]?.masked, `${unionPay.slice(0, 4)} **** **** ${unionPay.slice(12)}`);
    assert.equal(scanPii(unionPay, NOW)[0]?.masked, `${unionPay.slice(0, 4)}********${unionPay.slice(12)}`);
  });

  test('bank cards: not without Luhn, not without an issuer prefix or a card word, not 18 digits alone', () => {
    const noIssuer = luhn('123456789012345'); // 16 digits, Luhn-valid, prefix 1
    const eighteen = luhn('62220212345678901'); // 18 digits, Luhn-valid, UnionPay prefix
    const text = [
      notLuhn('622202123456789'),
      notLuhn('621700123456789012'),
      notLuhn('622202123456789').replace(/(\d{4})(?=\d)/g, '$1 '),
      noIssuer,
      eighteen,
      `1${luhn('622202123456789')}`, // a 17-digit run
    ].join('，');
    assert.deepEqual(kinds(text), []);
    // A card word just before it makes any Luhn-valid 16–19-digit number a card.
    assert.deepEqual(kinds(`收款账号：${noIssuer}`), [`bankCard:${noIssuer}`]);
    assert.deepEqual(kinds(`开户银行：某某银行，卡号 ${eighteen}`), [`bankCard:${eighteen}`]);
    assert.deepEqual(kinds(`收款账号：${notLuhn('123456789012345')}`), []);
  });

  test('an 18-digit identity number is never also read as a card', () => {
    // One that also passes Luhn, after a card word: both rules would take it; the identity rule wins.
    const n = Array.from({ length: 1000 }, (_, i) => id(`62010219900307${String(i).padStart(3, '0')}`)).find((x) =>
      luhnValid(x),
    );
    assert.ok(n);
    assert.deepEqual(kinds(`银行卡号：${n}`), [`idNumber:${n}`]);
  });

  test('maskPii masks every number in place; the length and the rest of the text stay', () => {
    const card = luhn('622202123456789');
    const text = `张三，身份证${ID}，电话 138-0013-8000，卡号${card}。其余文字不变。`;
    const masked = maskPii(text, scanPii(text, NOW));
    assert.equal(masked.length, text.length);
    assert.equal(
      masked,
      `张三，身份证110101********${ID.slice(14)}，电话 138-****-8000，卡号${card.slice(0, 4)}********${card.slice(12)}。其余文字不变。`,
    );
    assert.deepEqual(scanPii(masked, NOW), [], 'nothing left to find');
    assert.equal(maskPii('没有号码的文字'), '没有号码的文字');
  });
});

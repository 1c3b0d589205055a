import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkIdNumber,
  isPlausibleRegion,
  maskIdNumber,
  maskLegalName,
  normalizeIdNumber,
  normalizeLegalName,
} from './id-number.ts';

/**
 * Completes 17 digits with their check character straight from ISO 7064 MOD 11-2 as GB 11643-1999 states it, without
 * the weight and character tables of the code under test: positions are numbered from the right (the check
 * character is position 1), position i weighs 2^(i−1) mod 11, and the check value v (X = 10) is the one that makes
 * the weighted sum of all 18 positions ≡ 1 (mod 11).
 */
function withCheck(first17: string): string {
  assert.match(first17, /^\d{17}$/);
  let sum = 0;
  for (let k = 0; k < 17; k++) {
    const position = 18 - k; // the leftmost digit is position 18
    sum += Number(first17[k]) * Number(2n ** BigInt(position - 1) % 11n);
  }
  for (let v = 0; v <= 10; v++) {
    if ((sum + v) % 11 === 1) return first17 + (v === 10 ? 'X' : String(v));
  }
  throw new Error('unreachable');
}

/** A wrong check character for a valid number. */
function withWrongCheck(first17: string): string {
  const right = withCheck(first17).slice(17);
  return first17 + (right === '0' ? '1' : '0');
}

// Fixed "now" so the samples never age: 2026-11-30 12:00 Beijing time.
const NOW = Date.parse('2026-11-30T12:00:00+08:00');
const check = (raw: string) => checkIdNumber(raw, NOW);

const VALID17 = [
  '11010519491231002', // 北京 朝阳, the example of GB 11643-1999
  '44030419900307123', // 深圳 福田
  '65010219850615432', // 乌鲁木齐 天山
  '44190019991111055', // 东莞: a prefecture without counties (county 00)
  '46900119760228011', // 海南 省直辖县级 (prefecture 90)
  '81000019880808881', // 香港 (居住证)
  '71000020000229002', // 台湾; 2000-02-29 exists (a leap year)
  '11010119000101001', // the earliest accepted birth date
  '11010120261130001', // born today (Beijing time)
];

test('the check character of the test is the published algorithm (GB 11643-1999 example 11010519491231002X)', () => {
  assert.equal(withCheck('11010519491231002'), '11010519491231002X');
});

test('valid numbers pass, normalised; their check characters are computed here independently', () => {
  for (const first17 of VALID17) {
    const number = withCheck(first17);
    const r = check(number);
    assert.deepEqual(r.ok && r.number, number, number);
  }
  // Some of them end in X: it must be among the samples, in both cases.
  const xs = VALID17.map(withCheck).filter((n) => n.endsWith('X'));
  assert.ok(xs.length > 0, 'at least one sample ends in X');
  for (const n of xs) assert.equal((check(n.toLowerCase()) as { number: string }).number, n);
});

test('full-width digits, a full-width x and spaces are normalised', () => {
  const number = withCheck('11010519491231002');
  const fullWidth = [...number].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
  assert.equal(fullWidth.length, 18);
  assert.ok(!/[0-9]/.test(fullWidth));
  const r = check(fullWidth.toLowerCase());
  assert.ok(r.ok);
  assert.equal(r.number, number);
  assert.equal(normalizeIdNumber(` 110105 19491231\u3000002x `), number);
  assert.ok(check(` 110105 19491231\u3000002x `).ok);
});

test('the birth date is read from the number', () => {
  const r = check(withCheck('44030419900307123'));
  assert.ok(r.ok);
  assert.equal(r.birthDate, '1990-03-07');
});

test('invalid numbers: each gets its own problem', () => {
  const cases: Array<[string, string, string]> = [
    [withWrongCheck('44030419900307123'), 'checkDigit', 'wrong check digit'],
    [withWrongCheck('11010519491231002'), 'checkDigit', 'a digit instead of the X'],
    [withCheck('44030419900230123'), 'birthDate', 'February 30'],
    [withCheck('44030419000229123'), 'birthDate', '1900 was not a leap year'],
    [withCheck('44030419901301123'), 'birthDate', 'month 13'],
    [withCheck('44030419900100123'), 'birthDate', 'day 0'],
    [withCheck('11010120261201001'), 'birthDate', 'tomorrow (Beijing time)'],
    [withCheck('11010120990101001'), 'birthDate', 'far future'],
    [withCheck('11010118991231001'), 'birthDate', 'before 1900'],
    [withCheck('99010119900307123'), 'region', 'province 99'],
    [withCheck('10010119900307123'), 'region', 'province 10'],
    [withCheck('66010119900307123'), 'region', 'province 66 (none)'],
    [withCheck('11000019900307123'), 'region', 'prefecture 00'],
    [withCheck('11800119900307123'), 'region', 'prefecture 80'],
    [withCheck('81010119900307123'), 'region', 'Hong Kong with a county part'],
    [withCheck('44030419900307123').slice(0, 17), 'length', '17 digits'],
    [`${withCheck('44030419900307123')}1`, 'length', '19 digits'],
    ['4403041990030', 'length', '13 digits'],
    ['44030419900307A23X', 'characters', 'a letter inside'],
    ['44030419900307123Y', 'characters', 'a letter other than X at the end'],
    ['4403041990030X1234', 'characters', 'X before the end'],
    ['4403-0419900307123', 'characters', 'a hyphen'],
    ['', 'empty', 'nothing'],
    [' \u3000 ', 'empty', 'only spaces'],
  ];
  for (const [raw, problem, why] of cases) {
    const r = check(raw);
    assert.equal(r.ok, false, `${why}: ${raw} must be refused`);
    assert.equal(!r.ok && r.problem, problem, `${why}: ${raw}`);
  }
  const short = check('44030419900307123');
  assert.ok(!short.ok && short.length === 17, 'the length refusal says how many characters were given');
});

test('a 15-digit number of the first generation is refused with its own problem', () => {
  const r = check('440304900307123');
  assert.ok(!r.ok);
  assert.equal(r.problem, 'old15');
  assert.equal((check('４４０３０４９００３０７１２３') as { problem: string }).problem, 'old15', 'full-width too');
});

test('regions', () => {
  assert.ok(isPlausibleRegion('110101'));
  assert.ok(isPlausibleRegion('441900'));
  assert.ok(isPlausibleRegion('429004'));
  assert.ok(isPlausibleRegion('820000'));
  assert.ok(!isPlausibleRegion('820001'));
  assert.ok(!isPlausibleRegion('000000'));
  assert.ok(!isPlausibleRegion('11010'));
});

test('masking keeps the region and the last four, and the first character of the name', () => {
  const number = withCheck('11010119900307123');
  assert.equal(maskIdNumber(number), `110101********${number.slice(14)}`);
  assert.ok(!maskIdNumber(number).includes('19900307'));
  assert.equal(maskLegalName('张三丰'), '张**');
  assert.equal(maskLegalName('李四'), '李*');
  assert.equal(maskLegalName('买买提·艾力'), '买*****');
  assert.equal(maskLegalName('𠀀二'), '𠀀*', 'characters beyond the BMP count once');
});

test('legal names: Han characters, parts joined by an interpunct in any of its typed forms', () => {
  assert.equal(normalizeLegalName(' 张三 '), '张三');
  assert.equal(normalizeLegalName('买买提.艾力'), '买买提·艾力');
  assert.equal(normalizeLegalName('买买提•艾力'), '买买提·艾力');
  assert.equal(normalizeLegalName('买买提・艾力'), '买买提·艾力');
  for (const bad of ['张', 'Zhang San', '张3', '张三<script>', '·张三', '张三·', '张··三', '', '张'.repeat(31)]) {
    assert.equal(normalizeLegalName(bad), undefined, bad);
  }
});

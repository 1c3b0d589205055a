// 居民身份证号 (GB 11643-1999) and legal names: pure validation, normalisation and masking. No I/O, no catalog
// lookups: callers turn a problem into its message (`verification.number.<problem>`).
//
// An 18-character number is: 6 digits of administrative region (GB/T 2260), 8 digits of birth date (YYYYMMDD),
// 3 digits of sequence (odd for men, even for women), 1 check character (ISO 7064 MOD 11-2, `X` standing for 10).

/** Why a number was refused; each names a catalog entry `verification.number.<problem>`. */
export type IdNumberProblem = 'empty' | 'old15' | 'length' | 'characters' | 'region' | 'birthDate' | 'checkDigit';

/** The outcome of checking one number: the normalised number, or the first problem found. */
export type IdNumberCheck =
  | { readonly ok: true; readonly number: string; readonly birthDate: string }
  | { readonly ok: false; readonly problem: IdNumberProblem; readonly length?: number };

/** Weights of positions 1–17: 2^(17 − i) mod 11 (GB 11643-1999 §6, ISO 7064 MOD 11-2). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** The check character for each remainder of the weighted sum mod 11. */
const CHECK_CHARS = '10X98765432';

/** Province-level codes of the mainland (GB/T 2260: 北京 11 … 新疆 65). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65,
]);
/**
 * 台湾 71, 香港 81, 澳门 82 and 83 (the Taiwan prefix of 港澳台居民居住证 numbers, which follow the same format):
 * only the whole-region code `xx0000` exists for them.
 */
const WHOLE_REGIONS = new Set([71, 81, 82, 83]);

/**
 * Full-width digits and letters become ASCII (NFKC), white space (including the ideographic space) is dropped and
 * `x` becomes `X`: what a user types on a Chinese keyboard is read as the number they meant.
 */
export function normalizeIdNumber(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

/** The check character of the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/**
 * A plausible region: a mainland province whose prefecture part (digits 3–4) is 01–70 (cities, 地区, 盟, 自治州) or
 * 90 (county-level units under the province directly), or Taiwan/Hong Kong/Macau as a whole. Counties (digits 5–6)
 * are not checked: 00 is real (东莞 441900, 中山 442000) and codes of abolished counties stay valid on old cards,
 * so only the full GB/T 2260 history could say more, and a wrong refusal would lock a real person out.
 */
export function isPlausibleRegion(code6: string): boolean {
  if (!/^\d{6}$/.test(code6)) return false;
  const province = Number(code6.slice(0, 2));
  if (WHOLE_REGIONS.has(province)) return code6.slice(2) === '0000';
  if (!PROVINCES.has(province)) return false;
  const prefecture = Number(code6.slice(2, 4));
  return (prefecture >= 1 && prefecture <= 70) || prefecture === 90;
}

/** `YYYYMMDD` as `YYYY-MM-DD` when it is a real calendar date from 1900-01-01 to `today` (China time), else undefined. */
export function parseBirthDate(yyyymmdd: string, now = Date.now()): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || mo < 1 || mo > 12 || d < 1) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  // Today as a Beijing calendar day: a person born "tomorrow" there does not exist yet.
  const china = new Date(now + 8 * 3_600_000);
  const today = Date.UTC(china.getUTCFullYear(), china.getUTCMonth(), china.getUTCDate());
  if (date.getTime() > today) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/**
 * Checks a 居民身份证号 as typed: normalised (full-width, spaces, lower-case x), then characters, length (a 15-digit
 * number of the first generation gets its own answer), region, birth date and check character, in that order.
 */
export function checkIdNumber(raw: string, now = Date.now()): IdNumberCheck {
  const n = normalizeIdNumber(raw);
  if (n === '') return { ok: false, problem: 'empty' };
  if (!/^[0-9X]+$/.test(n)) return { ok: false, problem: 'characters' };
  if (/^\d{15}$/.test(n)) return { ok: false, problem: 'old15' };
  if (n.length !== 18) return { ok: false, problem: 'length', length: n.length };
  if (!/^\d{17}[0-9X]$/.test(n)) return { ok: false, problem: 'characters' };
  if (!isPlausibleRegion(n.slice(0, 6))) return { ok: false, problem: 'region' };
  const birthDate = parseBirthDate(n.slice(6, 14), now);
  if (!birthDate) return { ok: false, problem: 'birthDate' };
  if (idNumberCheckChar(n.slice(0, 17)) !== n[17]) return { ok: false, problem: 'checkDigit' };
  return { ok: true, number: n, birthDate };
}

/** The masked form shown everywhere: region code and last four kept, the birth date hidden (110101********1234). */
export function maskIdNumber(number: string): string {
  if (number.length !== 18) return '*'.repeat(number.length);
  return `${number.slice(0, 6)}${'*'.repeat(8)}${number.slice(14)}`;
}

/** Variants of the interpunct people type in minority names (买买提·艾力), all read as U+00B7. */
const DOTS = /[.\u00b7\u2022\u2027\u2219\u30fb\uff0e\uff65]/gu;
const LEGAL_NAME = /^\p{Script=Han}+(?:·\p{Script=Han}+)*$/u;

/** A legal name as on the card: Han characters, parts joined by `·`, 2–30 characters; undefined when not one. */
export function normalizeLegalName(raw: string): string | undefined {
  const name = raw.normalize('NFKC').replace(/\s+/gu, '').replace(DOTS, '·');
  const length = [...name].length;
  if (length < 2 || length > 30 || !LEGAL_NAME.test(name)) return undefined;
  return name;
}

/** The masked name: the first character kept, every other one a `*` (张三丰 → 张**). */
export function maskLegalName(name: string): string {
  const chars = [...name];
  return chars.length === 0 ? '' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

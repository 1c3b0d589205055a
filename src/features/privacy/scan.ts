// The PII screen's scanner: finds 居民身份证号, mainland mobile numbers and bank-card numbers in extracted text, and
// masks them. Pure and synchronous (no I/O). Rules, chosen to keep false positives rare on real 公文 and laws
// (the corpus figures are in docs/decisions/0012-pii-screen.md; `npx tsx bench/pii-corpus.ts` measures them):
// - 身份证号: 18 characters with a plausible region, a real birth date and the GB 11643 check character — the rules
//   of real-name verification, imported from there (one implementation);
// - mobile: 1[3-9] and 9 more digits, optionally grouped 3-4-4 by one kind of separator, optionally after +86;
// - bank card: 16–19 digits (or 4-digit groups) passing Luhn, after a word such as 卡号/账号/银行 — or, with no
//   such word, 16 or 19 digits (the lengths cards in China have) starting with a card issuer's prefix. So an 18-digit
//   run (a mistyped identity number, a random string) never counts as a card without the word.
// No match lies inside a longer digit run or a decimal number. Full-width digits (０-９) are read as digits.
import { idNumberCheckChar, isPlausibleRegion, maskIdNumber, parseBirthDate } from '../verification/id-number.ts';

/** What a match is. */
export type PiiKind = 'idNumber' | 'mobile' | 'bankCard';

/** One number found: where it is (UTF-16 offsets, end exclusive), what it is, and how it reads masked. */
export interface PiiMatch {
  readonly kind: PiiKind;
  readonly start: number;
  readonly end: number;
  /** The text at [start, end) masked: 110101********1234, 138****8000, 6222 **** **** 1234. */
  readonly masked: string;
}

// One UTF-16 unit in, one out: offsets in the normalised text are offsets in the original.
const FULLWIDTH_DIGIT = /[\uff10-\uff19]/g;
const DASHES = /[\u2010-\u2015\u2212\ufe63\uff0d]/g;
const SPACES = /[\u00a0\u2002-\u200a\u202f\u3000]/g;

/** The text with full-width digits, X and plus as ASCII, dash variants as '-', wide spaces as ' ' (same length). */
function normalise(text: string): string {
  return text
    .replace(FULLWIDTH_DIGIT, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48))
    .replace(/[\uff38\uff58]/g, 'X')
    .replace(/\uff0b/g, '+')
    .replace(DASHES, '-')
    .replace(SPACES, ' ');
}

const ID_NUMBER = /(?<![\d.])\d{17}[\dXx](?!\d)(?!\.\d)/g;
const MOBILE = /(?<![\d.+])(?:(?:\+|00)86[- ]?|86[- ])?(1[3-9]\d([- ]?)\d{4}\2\d{4})(?!\d)(?!\.\d)/dg;
const CARD_RUN = /(?<![\d.])\d{16,19}(?!\d)(?!\.\d)/g;
const CARD_GROUPED = /(?<![\d.])\d{4}([- ])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?(?!\d)(?!\.\d)/g;
/** Issuer prefixes of cards in use in China: UnionPay 62/60 and the banks' 9558/95599, Visa, Mastercard, JCB. */
const CARD_ISSUER = /^(?:62|60|9558|95599|4|5[1-5]|2[2-7]|35)/;
/** Words that announce an account or card number, looked for just before one. */
const CARD_WORDS = /卡号|账号|帐号|账户|帐户|银行|信用卡|借记卡|储蓄卡|银联|开户|收款|汇款|转账|card|account/i;
const CARD_WORD_WINDOW = 24;

/** Luhn (ISO/IEC 7812) over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The rules real-name verification applies (features/verification/id-number.ts, one implementation) on an
 * 18-character run of 17 digits and a check character, given birth dates up to `now`.
 */
function isIdNumber(s: string, now: number): boolean {
  const upper = s.toUpperCase();
  return (
    isPlausibleRegion(upper.slice(0, 6)) &&
    parseBirthDate(upper.slice(6, 14), now) !== undefined &&
    idNumberCheckChar(upper.slice(0, 17)) === upper[17]
  );
}

/** Replaces the digits of `value` after the first `head` and before the last `tail` by '*'; separators stay. */
function maskDigits(value: string, norm: string, head: number, tail: number): string {
  const total = (norm.match(/[\dX]/gi) ?? []).length;
  let seen = 0;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (/[\dX]/i.test(norm[i]!)) {
      out += seen >= head && seen < total - tail ? '*' : value[i];
      seen++;
    } else out += value[i];
  }
  return out;
}

/** How each kind is masked: the digits kept at the start and at the end. */
const KEEP: Record<PiiKind, [number, number]> = { idNumber: [6, 4], mobile: [3, 4], bankCard: [4, 4] };

/** Every identity, mobile and bank-card number in `text`, in order of position; `now` bounds birth dates. */
export function scanPii(text: string, now = Date.now()): PiiMatch[] {
  const norm = normalise(text);
  const found: { kind: PiiKind; start: number; end: number }[] = [];
  const taken = (start: number, end: number) => found.some((m) => start < m.end && m.start < end);
  const add = (kind: PiiKind, start: number, end: number) => {
    if (!taken(start, end)) found.push({ kind, start, end });
  };

  // Identity numbers first: an 18-digit run that is one is never read as a card.
  for (const m of norm.matchAll(ID_NUMBER)) if (isIdNumber(m[0], now)) add('idNumber', m.index, m.index + 18);

  const cardWordBefore = (start: number) => CARD_WORDS.test(norm.slice(Math.max(0, start - CARD_WORD_WINDOW), start));
  const card = (start: number, end: number, digits: string) => {
    if (!luhnValid(digits)) return;
    const usualLength = digits.length === 16 || digits.length === 19;
    if (cardWordBefore(start) || (usualLength && CARD_ISSUER.test(digits))) add('bankCard', start, end);
  };
  for (const m of norm.matchAll(CARD_RUN)) card(m.index, m.index + m[0].length, m[0]);
  for (const m of norm.matchAll(CARD_GROUPED)) card(m.index, m.index + m[0].length, m[0].replace(/\D/g, ''));

  for (const m of norm.matchAll(MOBILE)) {
    const [start, end] = m.indices![1]!;
    add('mobile', start, end);
  }

  found.sort((a, b) => a.start - b.start);
  return found.map(({ kind, start, end }) => {
    const [head, tail] = KEEP[kind];
    const value = text.slice(start, end);
    const masked =
      kind === 'idNumber' && /^\d{17}[\dX]$/i.test(value)
        ? maskIdNumber(value)
        : maskDigits(value, norm.slice(start, end), head, tail);
    return { kind, start, end, masked };
  });
}

/** `text` with the given matches (by default every match scanPii finds) masked; the length never changes. */
export function maskPii(text: string, matches: readonly PiiMatch[] = scanPii(text)): string {
  if (matches.length === 0) return text;
  let out = '';
  let at = 0;
  for (const m of [...matches].sort((a, b) => a.start - b.start)) {
    if (m.start < at || m.end > text.length || m.masked.length !== m.end - m.start) continue;
    out += text.slice(at, m.start) + m.masked;
    at = m.end;
  }
  return out + text.slice(at);
}

import { readFileSync } from 'node:fs';
import type { MessageKey } from '../../i18n/messages.ts';

/** Length limits in code points (a 汉字 or an emoji counts as one). 128 keeps argon2 input and forms sane. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

let common: Set<string> | undefined;

/**
 * The shipped list (common-passwords.txt beside this file: sources and licences in its header), read once on first
 * use: about 18 000 entries, so the process pays for it only when someone sets a password.
 */
function commonPasswords(): Set<string> {
  if (!common) {
    const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    common = new Set(
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
  }
  return common;
}

/** The form a password is compared in: NFKC (full-width ｐａｓｓ is pass), lower case, no surrounding spaces. */
function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase().trim();
}

/** Straight runs, forwards or backwards: digits in keyboard order (…7890 wraps to 0) and the alphabet. */
const RUNS = ['01234567890', 'abcdefghijklmnopqrstuvwxyz'];

/** 12345678, 34567890, 87654321, abcdefgh: a piece of one of the runs. */
function isRun(s: string): boolean {
  return RUNS.some((run) => run.includes(s) || [...run].reverse().join('').includes(s));
}

/**
 * Guessable shapes a list cannot enumerate: one short unit repeated (aaaaaaaa, 12341234, woaiwoai), a straight run,
 * or a date of birth written as YYYYMMDD (19861010 — the commonest shape in Chinese password leaks).
 */
function isGuessableShape(s: string): boolean {
  if (/^(.{1,4})\1+$/u.test(s)) return true;
  if (isRun(s)) return true;
  return /^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/.test(s);
}

/** The identifier forms a password must not equal: the whole e-mail or phone, the e-mail's local part, the bare number. */
function identifierForms(identifier: string): string[] {
  const id = fold(identifier);
  const forms = [id];
  const at = id.lastIndexOf('@');
  if (at > 0) forms.push(id.slice(0, at));
  const digits = id.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  if (/^\d+$/.test(digits)) forms.push(digits);
  return forms.filter((f) => f !== '');
}

/**
 * Returns a catalog message key when the password is refused (too short, too long, common, same as identifier),
 * else undefined. Length counts code points; the common check is case-insensitive and also refuses repeated units,
 * straight runs and YYYYMMDD dates.
 */
export function checkPassword(
  password: string,
  opts: { identifier?: string; displayName?: string } = {},
): MessageKey | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return 'password.tooShort';
  if (length > PASSWORD_MAX) return 'password.tooLong';
  const folded = fold(password);
  if (opts.identifier && identifierForms(opts.identifier).includes(folded)) return 'password.sameAsIdentifier';
  if (opts.displayName && fold(opts.displayName) === folded) return 'password.sameAsName';
  if (commonPasswords().has(folded) || isGuessableShape(folded)) return 'password.common';
  return undefined;
}

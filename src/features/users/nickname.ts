// Nickname (昵称) rules. A nickname is shown beside every document, comment and notification, so it must not be able
// to look like something else: no invisible or direction-changing characters (a bidi override can make a name read
// backwards), no markup characters at all, and nothing that reads as the site's staff.
//
// Not unique: people are identified by their profile (/u/:id) and its badges (实名认证, 内容提供者), not by their name,
// as on most Chinese content sites; uniqueness would turn names into handles to squat on and would make existing
// accounts with the same name invalid. Impersonation of *staff* is what misleads readers, and that is refused.
import { badRequest } from '../../errors.ts';

/** Days between two nickname changes. */
export const NICKNAME_CHANGE_DAYS = 30;

// Control, format (zero-width, bidi embeddings/overrides/isolates, BOM), line/paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
// Han ideographs, ASCII letters and digits, underscore, hyphen and the middle dot.
const ALLOWED = /^[\p{Script=Han}A-Za-z0-9_\-·]+$/u;
const SEPARATOR = /[_\-·]/;
// Middle dots people type: the katakana one (IME default in some layouts), the bullet and the hyphenation point.
const DOTS = /[・•‧･]/g;

/** Words that make a name read as the site's staff (compared after NFKC, case folding and dropping separators). */
export const RESERVED_WORDS: readonly string[] = [
  '管理员',
  '管理員',
  '官方',
  '客服',
  '站长',
  '站長',
  '版主',
  '超管',
  '文苑',
  'admin',
  'moderator',
  'official',
  'webmaster',
];

/**
 * Checks and normalises a nickname: NFKC (full-width letters and digits become ASCII), trimmed, the middle-dot
 * variants folded to ·, then 2–20 characters from the allowed set with separators only between other characters.
 * Staff (`allowReserved`) may use the reserved words. Throws a 400 with a specific zh-CN message otherwise.
 */
export function checkNickname(raw: string, opts: { allowReserved?: boolean } = {}): string {
  if (INVISIBLE.test(raw.replace(/^[\t\r\n ]+|[\t\r\n ]+$/g, ''))) throw badRequest('profile.nickname.invisible');
  const name = raw.normalize('NFKC').trim().replace(DOTS, '·');
  const length = [...name].length;
  if (length < 2 || length > 20) throw badRequest('profile.nickname.length');
  if (!ALLOWED.test(name)) throw badRequest('profile.nickname.chars');
  if (SEPARATOR.test(name[0]!) || SEPARATOR.test(name.at(-1)!) || /[_\-·]{2}/.test(name))
    throw badRequest('profile.nickname.edges');
  if (!opts.allowReserved) {
    const folded = name.toLowerCase().replace(/[_\-·]/g, '');
    const word = RESERVED_WORDS.find((w) => folded.includes(w));
    if (word) throw badRequest('profile.nickname.reserved', { word });
  }
  return name;
}

/** When a user who last changed their nickname at `changedAt` may change it again (undefined: now). */
export function nextNicknameChange(changedAt: number | null, now = Date.now()): number | undefined {
  if (changedAt === null) return undefined;
  const next = changedAt + NICKNAME_CHANGE_DAYS * 24 * 60 * 60 * 1000;
  return next > now ? next : undefined;
}

/**
 * Normalises a bio: NFC, CRLF to LF, format characters (zero-width, bidi controls) removed, at most two line
 * breaks in a row, trimmed; at most 200 characters. It is always rendered as escaped text.
 */
export function normalizeBio(raw: string): string {
  const bio = raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\p{Cf}/gu, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if ([...bio].length > 200) throw badRequest('user.bioTooLong');
  return bio;
}

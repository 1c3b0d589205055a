// The fields of a copyright filing (notice or claim) and of a counter-notice, validated into clean values. Every
// refusal is a 400 with its own zh-CN sentence, so the form can be shown again with that sentence beside it.
import type { CopyrightNoticesTable } from '../../db/schema.ts';
import { badRequest } from '../../errors.ts';

type Fields = ReadonlyMap<string, string>;

/** The rights holder, the work and the proof: what every filing states (信息网络传播权保护条例 §14). */
export interface FilingFields {
  readonly holderKind: CopyrightNoticesTable['holder_kind'];
  readonly holderName: string;
  readonly idType: CopyrightNoticesTable['id_type'];
  /** As stored: masked for a person's identity document, in full for a 统一社会信用代码. */
  readonly idNumber: string;
  readonly phone: string;
  readonly email: string;
  readonly address: string;
  readonly workTitle: string;
  readonly workAuthor: string;
  readonly workPublished: string;
  readonly proofText: string;
}

export const HOLDER_KINDS = ['person', 'organisation'] as const;
export const ID_TYPES = ['id_card', 'passport', 'uscc', 'other'] as const;

const clean = (v: string | undefined) => (v ?? '').normalize('NFC').replace(/\r\n?/g, '\n').trim();
const oneLine = (v: string | undefined) => clean(v).replace(/\s+/g, ' ');
const len = (s: string) => [...s].length;
const within = (s: string, min: number, max: number) => len(s) >= min && len(s) <= max;

const PHONE = /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|\+?\d[\d -]{6,18}\d)$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

/** GB 32100-2015: the check character of an 18-character 统一社会信用代码. */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
/** Whether a 统一社会信用代码 is well formed and its check character matches. */
export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARS[(31 - (sum % 31)) % 31] === code[17];
}

/** GB 11643: weights of the 17 leading digits of a 居民身份证号 and the check character for each sum mod 11. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = '10X98765432';
/** What is wrong with a 居民身份证号: 'legacy15' for a first-generation number, 'invalid' otherwise; or undefined. */
export function idCardProblem(n: string, now = Date.now()): 'legacy15' | 'invalid' | undefined {
  if (/^\d{15}$/.test(n)) return 'legacy15';
  if (!/^[1-9]\d{16}[\dX]$/.test(n)) return 'invalid';
  const [y, m, d] = [Number(n.slice(6, 10)), Number(n.slice(10, 12)), Number(n.slice(12, 14))];
  const born = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d || born.getTime() > now) return 'invalid';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (n.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === n[17] ? undefined : 'invalid';
}

/**
 * What is kept of an identity document's number: a 统一社会信用代码 is public registry data and kept whole; a
 * person's number is kept masked (the first six and last four of a 居民身份证号, the last four of others) — staff
 * match it against the copy in the proof files, and a leaked table leaks no number.
 */
export function maskIdNumber(type: FilingFields['idType'], n: string): string {
  if (type === 'uscc') return n;
  if (type === 'id_card') return `${n.slice(0, 6)}********${n.slice(-4)}`;
  return `${'*'.repeat(Math.max(4, n.length - 4))}${n.slice(-4)}`;
}

/** Validates the holder, work and proof fields of a notice or claim (and the sworn statement). */
export function parseFilingFields(f: Fields): FilingFields {
  const holderKind = f.get('holderKind') ?? '';
  if (!(HOLDER_KINDS as readonly string[]).includes(holderKind))
    throw badRequest('copyright.form.holderKindInvalid').on('holderKind');
  const holderName = oneLine(f.get('holderName'));
  if (!within(holderName, 2, 100)) throw badRequest('copyright.form.holderNameInvalid').on('holderName');
  const idType = f.get('idType') ?? '';
  if (!(ID_TYPES as readonly string[]).includes(idType)) throw badRequest('copyright.form.idTypeInvalid').on('idType');
  const type = idType as FilingFields['idType'];
  const rawId = oneLine(f.get('idNumber')).replace(/\s+/g, '').toUpperCase();
  if (type === 'uscc') {
    if (!isValidUscc(rawId)) throw badRequest('copyright.form.usccInvalid').on('idNumber');
  } else if (type === 'id_card') {
    const problem = idCardProblem(rawId);
    if (problem)
      throw badRequest(problem === 'legacy15' ? 'copyright.form.idLegacy15' : 'copyright.form.idCardInvalid').on(
        'idNumber',
      );
  } else if (!/^[0-9A-Z-]{5,40}$/.test(rawId)) {
    throw badRequest('copyright.form.idNumberInvalid').on('idNumber');
  }
  const phone = oneLine(f.get('phone'));
  const email = oneLine(f.get('email')).toLowerCase();
  if (!phone && !email) throw badRequest('copyright.form.contactRequired').on('phone');
  if (phone && !PHONE.test(phone)) throw badRequest('copyright.form.phoneInvalid').on('phone');
  if (email && (!EMAIL.test(email) || email.length > 254)) throw badRequest('copyright.form.emailInvalid').on('email');
  const address = oneLine(f.get('address'));
  if (!within(address, 5, 200)) throw badRequest('copyright.form.addressInvalid').on('address');
  const workTitle = oneLine(f.get('workTitle'));
  if (!within(workTitle, 1, 200)) throw badRequest('copyright.form.workTitleInvalid').on('workTitle');
  const workAuthor = oneLine(f.get('workAuthor'));
  if (!within(workAuthor, 1, 100)) throw badRequest('copyright.form.workAuthorInvalid').on('workAuthor');
  const workPublished = oneLine(f.get('workPublished'));
  if (!within(workPublished, 2, 300)) throw badRequest('copyright.form.workPublishedInvalid').on('workPublished');
  const proofText = clean(f.get('proofText'));
  if (len(proofText) < 10) throw badRequest('copyright.form.proofRequired').on('proofText');
  if (len(proofText) > 5000) throw badRequest('copyright.form.proofTooLong').on('proofText');
  if (f.get('sworn') !== '1') throw badRequest('copyright.form.swornRequired').on('sworn');
  return {
    holderKind: holderKind as FilingFields['holderKind'],
    holderName,
    idType: type,
    idNumber: maskIdNumber(type, rawId),
    phone,
    email,
    address,
    workTitle,
    workAuthor,
    workPublished,
    proofText,
  };
}

/** The most documents one notice may name. */
export const MAX_NAMED_DOCUMENTS = 20;

/**
 * The documents a notice names: wenyuan links (`https://…/d/12`, `/d/12?x`) or bare ids, one per line (commas and
 * spaces also separate them). Returns the distinct ids in order and the entries that name no document at all.
 */
export function parseDocumentRefs(raw: string | undefined): { ids: number[]; bad: string[] } {
  const ids: number[] = [];
  const bad: string[] = [];
  for (const token of clean(raw).split(/[\s,，、;；]+/)) {
    if (!token) continue;
    const m = /^(?:(?:https?:\/\/[^/\s]+)?\/d\/)?([1-9]\d{0,15})(?:[/?#].*)?$/.exec(token);
    const id = m ? Number(m[1]) : Number.NaN;
    if (!Number.isSafeInteger(id)) bad.push(token.slice(0, 100));
    else if (!ids.includes(id)) ids.push(id);
  }
  return { ids, bad };
}

/** The uploader's counter-notice (§16): who they are, why the work is not infringing, and the evidence. */
export interface CounterFields {
  readonly name: string;
  readonly contact: string;
  readonly address: string;
  readonly statement: string;
  readonly evidenceText: string;
}

/** Validates a counter-notice's fields (and the sworn statement). */
export function parseCounterFields(f: Fields): CounterFields {
  const name = oneLine(f.get('name'));
  if (!within(name, 2, 100)) throw badRequest('copyright.counter.nameInvalid').on('name');
  const contact = oneLine(f.get('contact'));
  if (!PHONE.test(contact) && !EMAIL.test(contact)) throw badRequest('copyright.counter.contactInvalid').on('contact');
  const address = oneLine(f.get('address'));
  if (!within(address, 5, 200)) throw badRequest('copyright.form.addressInvalid').on('address');
  const statement = clean(f.get('statement'));
  if (!within(statement, 10, 5000)) throw badRequest('copyright.counter.statementInvalid').on('statement');
  const evidenceText = clean(f.get('evidenceText'));
  if (!within(evidenceText, 10, 5000)) throw badRequest('copyright.counter.evidenceRequired').on('evidenceText');
  if (f.get('sworn') !== '1') throw badRequest('copyright.form.swornRequired').on('sworn');
  return { name, contact, address, statement, evidenceText };
}

/** A staff decision's reason: required, 2–500 characters (both parties read it). */
export function parseReason(raw: string | undefined): string {
  const reason = clean(raw);
  if (!within(reason, 2, 500)) throw badRequest('copyright.staff.reasonRequired').on('reason');
  return reason;
}

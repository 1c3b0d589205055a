/** A login identifier: an email (lower-cased) or a mainland mobile number (11 digits, +86 stripped). */
export type Identifier = { kind: 'email'; value: string } | { kind: 'phone'; value: string };

const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,}$/;
const PHONE_RE = /^1[3-9]\d{9}$/;

/** Parses what the user typed in the 邮箱或手机号 field; undefined when it is neither. */
export function parseIdentifier(raw: string): Identifier | undefined {
  // Full-width digits and at-signs are common from Chinese input methods.
  const s = raw.normalize('NFKC').trim();
  const phone = s.replace(/^(\+?86)[\s-]?/, '').replace(/[\s-]/g, '');
  if (PHONE_RE.test(phone)) return { kind: 'phone', value: phone };
  if (EMAIL_RE.test(s)) return { kind: 'email', value: s.toLowerCase() };
  return undefined;
}

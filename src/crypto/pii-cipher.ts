// Sealing personal information at rest (identity numbers, legal names, card photos): AES-256-GCM through
// node:crypto, a fresh random 12-byte IV per value, the 16-byte tag checked on opening. Every sealed value starts
// with its format version and the id of the key that sealed it (`v1.<kid>.`), so a new key can be introduced while
// old values still open with the key they name (decision 0011). The header and a caller-chosen context (which
// column, which row) are authenticated as associated data: a sealed value copied into another row or column does not
// open. Equality lookups (one verified account per number) use a keyed HMAC, never the plain value.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** Seals and opens values; computes fingerprints for lookups. Keys never leave it. */
export interface PiiCipher {
  /** The id of the key new values are sealed with (8 hex characters derived from the key, not the key). */
  readonly keyId: string;
  /** `v1.<kid>.<base64url(iv ‖ ciphertext ‖ tag)>`. */
  sealText(plain: string, context: string): string;
  openText(sealed: string, context: string): string;
  /** The same envelope for bytes: the ASCII header `v1.<kid>.` then iv ‖ ciphertext ‖ tag. */
  sealBytes(plain: Buffer, context: string): Buffer;
  openBytes(sealed: Buffer, context: string): Buffer;
  /** The id of the key a sealed value names (to find values still sealed with an old key). */
  keyIdOf(sealed: string | Buffer): string | undefined;
  /** HMAC-SHA256 (hex) of a value under the lookup key, separated by purpose. */
  fingerprint(purpose: string, value: string): string;
}

/** A sealed value that does not open: unknown key, wrong context, tampered or truncated. */
export class PiiOpenError extends Error {
  constructor(reason: string) {
    super(`sealed value does not open: ${reason}`);
    this.name = 'PiiOpenError';
  }
}

/** Decodes a 32-byte key written in base64 or base64url; undefined for anything else. */
export function decodeKey(raw: string): Buffer | undefined {
  const s = raw.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) return undefined;
  const key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

/** The public id of a key: 8 hex characters of a hash of it (reveals nothing usable about the key). */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('wenyuan pii key id\0').update(key).digest('hex').slice(0, 8);
}

/**
 * Builds the cipher. `key` seals new values; `oldKeys` only open values sealed before a rotation. `lookupKey` keys
 * the fingerprints and is separate from the sealing keys, so rotating those does not change any fingerprint.
 */
export function createPiiCipher(opts: { key: Buffer; oldKeys?: readonly Buffer[]; lookupKey: Buffer }): PiiCipher {
  for (const k of [opts.key, ...(opts.oldKeys ?? [])]) {
    if (k.length !== KEY_BYTES) throw new Error('PII keys must be 32 bytes');
  }
  if (opts.lookupKey.length < KEY_BYTES) throw new Error('the PII lookup key must be at least 32 bytes');
  const current = { id: keyIdOf(opts.key), key: Buffer.from(opts.key) };
  const keys = new Map<string, Buffer[]>();
  for (const k of [opts.key, ...(opts.oldKeys ?? [])]) {
    const id = keyIdOf(k);
    const list = keys.get(id) ?? [];
    if (!list.some((x) => x.equals(k))) list.push(Buffer.from(k));
    keys.set(id, list);
  }
  const lookupKey = Buffer.from(opts.lookupKey);

  const aad = (header: string, context: string) => Buffer.from(`${header}\0${context}`, 'utf8');

  function seal(plain: Buffer, context: string): { header: string; body: Buffer } {
    const header = `${VERSION}.${current.id}.`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(header, context));
    const body = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { header, body };
  }

  function open(header: string, body: Buffer, context: string): Buffer {
    const m = /^v1\.([0-9a-f]{8})\.$/.exec(header);
    if (!m) throw new PiiOpenError('unknown format');
    const candidates = keys.get(m[1]!);
    if (!candidates) throw new PiiOpenError(`no key ${m[1]}`);
    if (body.length < IV_BYTES + TAG_BYTES) throw new PiiOpenError('truncated');
    const iv = body.subarray(0, IV_BYTES);
    const tag = body.subarray(body.length - TAG_BYTES);
    const data = body.subarray(IV_BYTES, body.length - TAG_BYTES);
    for (const key of candidates) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(header, context));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]);
      } catch {
        // Another key with the same id, or a value that does not authenticate: try the next, then refuse.
      }
    }
    throw new PiiOpenError('authentication failed');
  }

  /** `v1.<kid>.` is 12 ASCII characters. */
  const HEADER_LENGTH = VERSION.length + 1 + 8 + 1;

  return {
    keyId: current.id,
    sealText(plain, context) {
      const { header, body } = seal(Buffer.from(plain, 'utf8'), context);
      return header + body.toString('base64url');
    },
    openText(sealed, context) {
      const header = sealed.slice(0, HEADER_LENGTH);
      return open(header, Buffer.from(sealed.slice(HEADER_LENGTH), 'base64url'), context).toString('utf8');
    },
    sealBytes(plain, context) {
      const { header, body } = seal(plain, context);
      return Buffer.concat([Buffer.from(header, 'ascii'), body]);
    },
    openBytes(sealed, context) {
      const header = sealed.subarray(0, HEADER_LENGTH).toString('latin1');
      return open(header, sealed.subarray(HEADER_LENGTH), context);
    },
    keyIdOf(sealed) {
      const header =
        typeof sealed === 'string'
          ? sealed.slice(0, HEADER_LENGTH)
          : sealed.subarray(0, HEADER_LENGTH).toString('latin1');
      return /^v1\.([0-9a-f]{8})\.$/.exec(header)?.[1];
    },
    fingerprint(purpose, value) {
      return createHmac('sha256', lookupKey).update(`${purpose}\0${value}`, 'utf8').digest('hex');
    },
  };
}

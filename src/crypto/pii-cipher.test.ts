import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createPiiCipher, decodeKey, keyIdOf, PiiOpenError } from './pii-cipher.ts';

const key = randomBytes(32);
const lookupKey = randomBytes(32);
const NUMBER = '44030419900307123X';

test('text seals to the documented envelope and opens; every seal uses a fresh IV', () => {
  const c = createPiiCipher({ key, lookupKey });
  const a = c.sealText(NUMBER, 'verification.number:7');
  const b = c.sealText(NUMBER, 'verification.number:7');
  assert.notEqual(a, b, 'a fresh IV each time');
  assert.ok(!a.includes(NUMBER) && !a.includes('19900307'));
  assert.match(a, /^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
  assert.equal(a.slice(3, 11), keyIdOf(key));
  assert.equal(c.openText(a, 'verification.number:7'), NUMBER);

  // Open it by hand with node:crypto, as the format says: iv ‖ ciphertext ‖ tag, AAD = header NUL context.
  const body = Buffer.from(a.slice(12), 'base64url');
  const d = createDecipheriv('aes-256-gcm', key, body.subarray(0, 12));
  d.setAAD(Buffer.from(`${a.slice(0, 12)}\0verification.number:7`));
  d.setAuthTag(body.subarray(body.length - 16));
  assert.equal(Buffer.concat([d.update(body.subarray(12, body.length - 16)), d.final()]).toString(), NUMBER);
});

test('bytes seal and open; a copied, tampered or truncated value does not open', () => {
  const c = createPiiCipher({ key, lookupKey });
  const photo = randomBytes(5000);
  const sealed = c.sealBytes(photo, 'verification.photo:1');
  assert.ok(c.openBytes(sealed, 'verification.photo:1').equals(photo));
  assert.equal(c.keyIdOf(sealed), keyIdOf(key));
  assert.throws(() => c.openBytes(sealed, 'verification.photo:2'), PiiOpenError, 'another row');
  const tampered = Buffer.from(sealed);
  tampered[40] = (tampered[40] ?? 0) ^ 1;
  assert.throws(() => c.openBytes(tampered, 'verification.photo:1'), PiiOpenError);
  assert.throws(() => c.openBytes(sealed.subarray(0, 20), 'verification.photo:1'), PiiOpenError);
  const text = c.sealText('张三', 'verification.name:1');
  assert.throws(() => c.openText(text, 'verification.number:1'), PiiOpenError, 'another column');
  assert.throws(() => c.openText(`v2${text.slice(2)}`, 'verification.name:1'), PiiOpenError, 'unknown version');
});

test('rotation: the new key seals, old values still open with the old key, an unknown key is refused', () => {
  const oldKey = randomBytes(32);
  const before = createPiiCipher({ key: oldKey, lookupKey });
  const sealed = before.sealText(NUMBER, 'ctx');
  const after = createPiiCipher({ key, oldKeys: [oldKey], lookupKey });
  assert.equal(after.openText(sealed, 'ctx'), NUMBER);
  assert.equal(after.keyIdOf(sealed), keyIdOf(oldKey));
  assert.equal(after.keyIdOf(after.sealText(NUMBER, 'ctx')), keyIdOf(key));
  const forgotten = createPiiCipher({ key, lookupKey });
  assert.throws(() => forgotten.openText(sealed, 'ctx'), /no key/);
});

test('fingerprints are keyed, stable across sealing-key rotation and separated by purpose', () => {
  const a = createPiiCipher({ key, lookupKey });
  const b = createPiiCipher({ key: randomBytes(32), lookupKey });
  const other = createPiiCipher({ key, lookupKey: randomBytes(32) });
  assert.equal(a.fingerprint('id-number', NUMBER), b.fingerprint('id-number', NUMBER));
  assert.notEqual(a.fingerprint('id-number', NUMBER), other.fingerprint('id-number', NUMBER));
  assert.notEqual(a.fingerprint('id-number', NUMBER), a.fingerprint('name', NUMBER));
  assert.match(a.fingerprint('id-number', NUMBER), /^[0-9a-f]{64}$/);
});

test('keys are 32 bytes in base64 or base64url', () => {
  const k = randomBytes(32);
  assert.ok(decodeKey(k.toString('base64'))?.equals(k));
  assert.ok(decodeKey(k.toString('base64url'))?.equals(k));
  assert.equal(decodeKey(randomBytes(16).toString('base64')), undefined);
  assert.equal(decodeKey('not a key'), undefined);
  assert.throws(() => createPiiCipher({ key: randomBytes(16), lookupKey }));
});

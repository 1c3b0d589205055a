// Where the PII keys come from: configuration, or files generated once into DATA_DIR (0600) and reused, so a
// restart opens what was sealed before; old keys keep opening after a rotation; a bad key stops the start.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { buildDeps } from '../../compose.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/database.ts';

async function withDeps<T>(env: Record<string, string>, fn: (deps: ReturnType<typeof buildDeps>) => T): Promise<T> {
  const database = openDatabase('sqlite::memory:');
  const deps = buildDeps(loadConfig({ DATABASE_URL: 'sqlite::memory:', ...env }), pino({ level: 'silent' }), database);
  try {
    return fn(deps);
  } finally {
    await deps.converter.close();
    await database.close();
  }
}

test('without configuration the keys are generated once into DATA_DIR, owner-only, and reused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wy-keys-'));
  try {
    const sealed = await withDeps({ DATA_DIR: dir }, (d) => ({
      text: d.pii.sealText('44030419900307123X', 'ctx'),
      fingerprint: d.pii.fingerprint('id-number', '44030419900307123X'),
    }));
    for (const f of ['pii-encryption.key', 'pii-lookup.key']) {
      assert.equal((statSync(join(dir, f)).mode & 0o777).toString(8), '600', f);
    }
    await withDeps({ DATA_DIR: dir }, (d) => {
      assert.equal(d.pii.openText(sealed.text, 'ctx'), '44030419900307123X', 'a restart opens what was sealed');
      assert.equal(d.pii.fingerprint('id-number', '44030419900307123X'), sealed.fingerprint);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('configured keys: the current one seals, old ones still open, the lookup key is separate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wy-keys-'));
  const [oldKey, newKey, lookup] = [randomBytes(32), randomBytes(32), randomBytes(32)].map((k) => k.toString('base64'));
  try {
    const before = await withDeps({ DATA_DIR: dir, PII_ENCRYPTION_KEY: oldKey!, PII_LOOKUP_KEY: lookup! }, (d) => ({
      text: d.pii.sealText('张三', 'ctx'),
      fingerprint: d.pii.fingerprint('id-number', 'n'),
    }));
    await withDeps(
      { DATA_DIR: dir, PII_ENCRYPTION_KEY: newKey!, PII_ENCRYPTION_OLD_KEYS: oldKey!, PII_LOOKUP_KEY: lookup! },
      (d) => {
        assert.equal(d.pii.openText(before.text, 'ctx'), '张三');
        assert.notEqual(d.pii.keyIdOf(d.pii.sealText('张三', 'ctx')), d.pii.keyIdOf(before.text));
        assert.equal(d.pii.fingerprint('id-number', 'n'), before.fingerprint, 'rotation keeps fingerprints');
      },
    );
    assert.throws(() => statSync(join(dir, 'pii-encryption.key')), 'nothing generated when configured');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed key is a configuration error that names the variable and never echoes the value', () => {
  const secret = 'my-secret-but-too-short';
  try {
    loadConfig({ PII_ENCRYPTION_KEY: secret, PII_LOOKUP_KEY: randomBytes(16).toString('base64') });
    assert.fail('must throw');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /PII_ENCRYPTION_KEY must be 32 bytes/);
    assert.match(err.message, /PII_LOOKUP_KEY must be 32 bytes/);
    assert.ok(!err.message.includes(secret));
  }
});

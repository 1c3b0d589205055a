// Key rotation end to end: values sealed under an old key still open while it is listed in PII_ENCRYPTION_OLD_KEYS;
// `wenyuan pii reseal` moves them all under the new key, after which the old key is no longer needed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { createPiiCipher, keyIdOf } from '../../crypto/pii-cipher.ts';
import { openDatabase } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import type { DB } from '../../db/schema.ts';
import { createTestDatabase, DIALECTS } from '../../testing/test-db.ts';
import { insertUser } from '../../testing/users.ts';
import { makeIdNumber } from '../../testing/verification.ts';
import { resealVerifications } from './reseal.ts';
import { submitVerification } from './service.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const log = pino({ level: 'silent' });

/** A user with a verified contact: submitting real-name verification requires one (issue #11). */
const insertVerifiableUser = (db: Kysely<DB>, email: string) =>
  insertUser(db, { email, display_name: '轮换测试', contact_verified_at: Date.now() });

for (const dialect of DIALECTS) {
  describe(`PII key rotation (${dialect})`, () => {
    test('reseal moves every value under the new key; the old key is then unnecessary', async () => {
      const tdb = await createTestDatabase(dialect);
      try {
        const [oldKey, newKey, lookupKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
        const before = { database: tdb.database, log, pii: createPiiCipher({ key: oldKey, lookupKey }) };
        const numbers: string[] = [];
        for (let i = 0; i < 3; i++) {
          const userId = await insertVerifiableUser(tdb.database.db, `rotate${i}@example.com`);
          numbers.push(makeIdNumber());
          await submitVerification(
            before,
            { id: userId },
            { legalName: '张三', idNumber: numbers[i]!, consent: true, photo: i === 0 ? PNG : undefined },
          );
        }
        const rotated = { ...before, pii: createPiiCipher({ key: newKey, oldKeys: [oldKey], lookupKey }) };
        assert.deepEqual(await resealVerifications(rotated), { rows: 3, resealed: 7, unopenable: 0 });
        assert.deepEqual(await resealVerifications(rotated), { rows: 3, resealed: 0, unopenable: 0 }, 'idempotent');

        const only = createPiiCipher({ key: newKey, lookupKey });
        const rows = await tdb.database.db.selectFrom('verifications').selectAll().orderBy('id').execute();
        for (const [i, r] of rows.entries()) {
          assert.equal(only.keyIdOf(r.id_number_sealed), keyIdOf(newKey));
          assert.equal(only.openText(r.id_number_sealed, `verification.number:${r.user_id}`), numbers[i]);
          assert.equal(only.openText(r.legal_name_sealed, `verification.name:${r.user_id}`), '张三');
          assert.equal(r.id_number_fingerprint, only.fingerprint('id-number', numbers[i]!), 'fingerprints unchanged');
        }
        const photo = await tdb.database.db.selectFrom('verification_photos').selectAll().executeTakeFirstOrThrow();
        assert.ok(only.openBytes(Buffer.from(photo.sealed), `verification.photo:${rows[0]!.user_id}`).equals(PNG));
      } finally {
        await tdb.drop();
      }
    });
  });
}

test('`wenyuan pii reseal` runs the same over the configured keys', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wy-reseal-'));
  try {
    const [oldKey, newKey, lookupKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const database = openDatabase(`sqlite:${join(dir, 'wenyuan.db')}`);
    await migrate(database);
    const userId = await insertVerifiableUser(database.db, 'cli@example.com');
    await submitVerification(
      { database, log, pii: createPiiCipher({ key: oldKey, lookupKey }) },
      { id: userId },
      { legalName: '李四', idNumber: makeIdNumber(), consent: true },
    );
    await database.close();
    const env = {
      ...process.env,
      DATA_DIR: dir,
      DATABASE_URL: `sqlite:${join(dir, 'wenyuan.db')}`,
      PII_ENCRYPTION_KEY: newKey.toString('base64'),
      PII_ENCRYPTION_OLD_KEYS: oldKey.toString('base64'),
      PII_LOOKUP_KEY: lookupKey.toString('base64'),
    };
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'pii', 'reseal'], { env });
    assert.match(
      out.toString(),
      new RegExp(`1 submissions, 2 values sealed with key ${keyIdOf(newKey)}, 0 unopenable`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { test } from 'node:test';
import { blobKey, parseBlobKey } from './blob-store.ts';
import { createLocalBlobStore } from './local-blob-store.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

test('stores content under its hash and reads it back, whole and by range', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wy-blobs-'));
  const store = createLocalBlobStore(dir);
  const tmp = store.tempPath('upload');
  writeFileSync(tmp, '同志们：你好');
  const key = blobKey('original', sha('同志们：你好'));
  await store.putFile(tmp, key);
  assert.equal(await text(store.read(key)), '同志们：你好');
  assert.equal(await text(store.read(key, { start: 0, end: 2 })), '同');
  assert.equal(await store.size(key), Buffer.byteLength('同志们：你好'));
  // a second put of the same content discards the temp file and keeps the blob
  const tmp2 = store.tempPath('upload');
  writeFileSync(tmp2, '同志们：你好');
  await store.putFile(tmp2, key);
  assert.deepEqual(readdirSync(join(dir, '.tmp')), []);
  await store.delete(key);
  assert.equal(await store.has(key), false);
});

test('keys that could escape the store are impossible to build', () => {
  for (const bad of [
    '../etc/passwd',
    'original/../../x',
    `original/${'a'.repeat(63)}/`,
    'other/abc',
    `original/${'A'.repeat(64)}`,
  ]) {
    assert.throws(() => parseBlobKey(bad));
  }
  assert.throws(() => blobKey('original', '../'.repeat(22)));
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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

const DAY = 24 * 60 * 60 * 1000;

test('the store sweeps only stale temp files, and collects only blobs untouched since the cutoff', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wy-gc-store-'));
  try {
    const store = createLocalBlobStore(dir);
    const key = blobKey('original', 'ab'.repeat(32));
    const put = async () => {
      const tmp = store.tempPath('upload');
      writeFileSync(tmp, '同志们');
      await store.putFile(tmp, key);
    };
    await put();
    const old = new Date(Date.now() - 10 * DAY);
    await store.withLocalFile(key, async (p) => utimesSync(p, old, old));
    // Storing the same bytes again is a new reference: it refreshes the blob's time.
    await put();
    const cutoff = Date.now() - DAY;
    assert.equal(await store.collect(key, cutoff), undefined, 'touched after the cutoff: kept');
    assert.ok(await store.has(key));
    await store.withLocalFile(key, async (p) => utimesSync(p, old, old));
    assert.equal(await store.collect(key, cutoff), Buffer.byteLength('同志们'));
    assert.equal(await store.has(key), false);
    assert.equal(await store.touch(key), false, 'a collected blob cannot be touched back');
    assert.equal(await store.collect(key, cutoff), undefined, 'missing is not an error');
    assert.deepEqual(readdirSync(join(dir, '.tmp')), [], 'nothing left aside');

    const stale = join(dir, '.tmp', 'upload-stale');
    writeFileSync(stale, 'x'.repeat(100));
    utimesSync(stale, old, old);
    writeFileSync(join(dir, '.tmp', 'upload-live'), 'y');
    assert.deepEqual(await store.sweepTemp(cutoff, { dryRun: true }), { files: 1, bytes: 100 });
    assert.ok(existsSync(stale));
    assert.deepEqual(await store.sweepTemp(cutoff), { files: 1, bytes: 100 });
    assert.deepEqual(readdirSync(join(dir, '.tmp')), ['upload-live']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

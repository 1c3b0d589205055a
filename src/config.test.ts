import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argvOverrides, ConfigError, loadConfig } from './config.ts';

test('zero configuration gives SQLite and local files under ./data', () => {
  const c = loadConfig({}, '/srv/wenyuan');
  assert.equal(c.database.dialect, 'sqlite');
  assert.equal(c.database.url, 'sqlite:/srv/wenyuan/data/wenyuan.db');
  assert.equal(c.storage.dir, '/srv/wenyuan/data/blobs');
  assert.equal(c.http.port, 3000);
  assert.equal(c.upload.maxBytes, 50 * 1024 * 1024);
  assert.equal(c.role, 'all');
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.http));
});

test('every bad key is reported at once', () => {
  try {
    loadConfig({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      UPLOAD_MAX_BYTES: 'lots',
      WENYUAN_ROLE: 'boss',
      LOG_ACCESS: 'maybe',
    });
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 5, err.message);
    for (const key of ['PORT', 'DATABASE_URL', 'UPLOAD_MAX_BYTES', 'WENYUAN_ROLE', 'LOG_ACCESS']) {
      assert.ok(err.message.includes(key), key);
    }
  }
});

test('postgres urls, sizes with units and --role/--port flags', () => {
  const c = loadConfig({
    DATABASE_URL: 'postgres://u@h/db',
    UPLOAD_MAX_BYTES: '10MB',
    ...argvOverrides(['--role=worker', '--port=8080']),
  });
  assert.equal(c.database.dialect, 'postgres');
  assert.equal(c.upload.maxBytes, 10 * 1024 * 1024);
  assert.equal(c.role, 'worker');
  assert.equal(c.http.port, 8080);
});

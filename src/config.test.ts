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

test('credits: platform share, download caps, and Alipay keys set together (inline or from files)', async () => {
  const c = loadConfig({});
  assert.equal(c.credits.platformSharePercent, 30);
  assert.equal(c.credits.downloadUrlSecret, undefined);
  assert.equal(c.alipay, undefined);
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'wy-config-'));
  writeFileSync(join(dir, 'app.pem'), 'PRIVATE\n');
  const a = loadConfig(
    {
      PLATFORM_SHARE_PERCENT: '20',
      DOWNLOAD_DAILY_CAP_USER: '5',
      ALIPAY_APP_ID: '2021',
      ALIPAY_PRIVATE_KEY_FILE: 'app.pem',
      ALIPAY_PUBLIC_KEY: 'PUBLIC',
    },
    dir,
  );
  assert.equal(a.credits.platformSharePercent, 20);
  assert.equal(a.credits.downloadDailyCapUser, 5);
  assert.equal(a.alipay?.privateKey, 'PRIVATE');
  assert.equal(a.alipay?.gateway, 'https://openapi.alipay.com/gateway.do');
  assert.equal(a.alipay?.keyType, 'PKCS8');
  try {
    loadConfig({ PLATFORM_SHARE_PERCENT: '101', ALIPAY_APP_ID: '2021', ALIPAY_PRIVATE_KEY_FILE: '/nonexistent.pem' });
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 3, err.message);
  }
});

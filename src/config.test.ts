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

test('mail and SMS: console SMS and no mail by default; SMTP_URL, MAIL_FROM and Aliyun keys checked', () => {
  const c = loadConfig({});
  assert.equal(c.mail.smtpUrl, undefined);
  assert.equal(c.mail.from, '文苑 <no-reply@localhost>');
  assert.equal(c.sms.provider, 'console');
  assert.equal(c.sms.aliyun, undefined);

  const aliyun = {
    SMS_PROVIDER: 'aliyun',
    ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5tKey',
    ALIYUN_SMS_ACCESS_KEY_SECRET: 'secret',
    ALIYUN_SMS_SIGN_NAME: '文苑',
    ALIYUN_SMS_TEMPLATE_VERIFY: 'SMS_1001',
    ALIYUN_SMS_TEMPLATE_RESET: 'SMS_1002',
  };
  const a = loadConfig({ ...aliyun, SMTP_URL: 'smtps://u:p@smtp.example.cn', MAIL_FROM: 'no-reply@example.cn' });
  assert.equal(a.mail.smtpUrl, 'smtps://u:p@smtp.example.cn');
  assert.equal(a.sms.aliyun?.endpoint, 'https://dysmsapi.aliyuncs.com/');
  assert.equal(a.sms.aliyun?.templateReset, 'SMS_1002');

  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems;
    }
  };
  const bad = problems({ SMTP_URL: 'http://user:topsecret@x', MAIL_FROM: 'nobody', SMS_PROVIDER: 'twilio' });
  assert.equal(bad.length, 3, bad.join('\n'));
  assert.ok(!bad.join('\n').includes('topsecret'), 'the SMTP password was echoed');
  assert.match(bad.join('\n'), /SMS_PROVIDER/);
  const half = problems({ SMS_PROVIDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5tKey' });
  assert.equal(half.length, 1);
  assert.match(half[0] as string, /ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME/);
  const stray = problems({ ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5tKey' });
  assert.match(stray.join('\n'), /set but SMS_PROVIDER is console/);
  assert.equal(problems({ ...aliyun, ALIYUN_SMS_TEMPLATE_VERIFY: '模板' }).length, 1);
  assert.equal(problems({ MAIL_FROM: '文苑 <a@b.cn>\r\nBcc: x@y.cn' }).length, 1);
  assert.equal(loadConfig({ SMS_PROVIDER: 'none' }).sms.provider, 'none');
});

test('STORAGE_URL: local by default, a file: directory, or an S3 bucket with its options and credentials', () => {
  assert.equal(loadConfig({}, '/srv/w').storage.s3, undefined);
  assert.equal(loadConfig({ STORAGE_URL: 'file:/mnt/blobs' }, '/srv/w').storage.dir, '/mnt/blobs');
  assert.equal(loadConfig({ STORAGE_URL: 'file:blobs2' }, '/srv/w').storage.dir, '/srv/w/blobs2');
  assert.equal(loadConfig({ STORAGE_URL: 'file:///mnt/x' }, '/srv/w').storage.dir, '/mnt/x');
  const c = loadConfig(
    {
      STORAGE_URL:
        's3://wenyuan-files/prod/blobs?endpoint=https://oss-cn-hangzhou.aliyuncs.com/&region=oss-cn-hangzhou',
      AWS_ACCESS_KEY_ID: 'AK',
      AWS_SECRET_ACCESS_KEY: 'SK',
      STORAGE_PRESIGN: 'true',
    },
    '/srv/w',
  );
  assert.deepEqual(c.storage.s3, {
    bucket: 'wenyuan-files',
    prefix: 'prod/blobs/',
    endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
    region: 'oss-cn-hangzhou',
    forcePathStyle: false,
    credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
  });
  assert.equal(c.storage.presign, true);
  assert.equal(c.storage.dir, '/srv/w/data/blobs', 'temp files stay local');
  const aws = loadConfig({ STORAGE_URL: 's3://bucket-1', AWS_REGION: 'cn-north-1' }).storage.s3;
  assert.deepEqual(aws, {
    bucket: 'bucket-1',
    prefix: '',
    endpoint: undefined,
    region: 'cn-north-1',
    forcePathStyle: false,
    credentials: undefined,
  });
  assert.throws(
    () =>
      loadConfig({
        STORAGE_URL: 's3://user:pw@B?forcePathStyle=maybe&bucket=x',
        AWS_ACCESS_KEY_ID: 'only-one',
      }),
    (err: unknown) =>
      err instanceof ConfigError &&
      [
        'bad bucket name',
        'must not carry credentials',
        'unknown parameter bucket',
        'forcePathStyle must be',
        'or neither',
      ].every((p) => err.message.includes(p)),
  );
  assert.throws(() => loadConfig({ STORAGE_URL: 'ftp://x' }), /STORAGE_URL must start with file: or s3:\/\//);
  assert.throws(() => loadConfig({ STORAGE_PRESIGN: 'true' }), /STORAGE_PRESIGN=true needs an s3:\/\/ STORAGE_URL/);
});

test('Redis: unset by default; REDIS_URL must be redis:// or rediss://, REDIS_PREFIX a plain key prefix', () => {
  const base = { DATA_DIR: '/tmp/wy' };
  assert.deepEqual(loadConfig(base).redis, { url: undefined, prefix: 'wenyuan:' });
  const set = loadConfig({ ...base, REDIS_URL: 'redis://:secret@127.0.0.1:6379/2', REDIS_PREFIX: 'site-a:' }).redis;
  assert.deepEqual(set, { url: 'redis://:secret@127.0.0.1:6379/2', prefix: 'site-a:' });
  try {
    loadConfig({ ...base, REDIS_URL: 'http://127.0.0.1:6379', REDIS_PREFIX: 'a b' });
    assert.fail('bad Redis settings accepted');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.match(text, /REDIS_URL must look like/);
    assert.match(text, /REDIS_PREFIX=/);
    assert.doesNotMatch(text, /secret/);
  }
});

test('converter memory: CONVERT_RSS_MB defaults to CONVERT_MEMORY_MB + 512 and is bounded', () => {
  assert.equal(loadConfig({}).convert.rssMb, 1024);
  assert.equal(loadConfig({ CONVERT_MEMORY_MB: '256' }).convert.rssMb, 768);
  assert.equal(loadConfig({ CONVERT_MEMORY_MB: '256', CONVERT_RSS_MB: '600' }).convert.rssMb, 600);
  assert.throws(() => loadConfig({ CONVERT_RSS_MB: '10' }), /CONVERT_RSS_MB/);
});

// What a web process of the embedded default loads at start: the optional integrations (Alipay, Redis, SMTP,
// PostgreSQL, PDF marking, pretty logs) are loaded by their first use, so a site that does not use them does not
// carry them in every process (≈ 20 MB of heap; decision 0033, "optional integrations").
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnServer } from './testing/process.ts';

const OPTIONAL = ['alipay-sdk', 'ioredis', 'nodemailer', 'pdf-lib', 'pino-pretty', 'pg'];

test('a web process on SQLite serves pages and search without loading the optional integrations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wy-start-packages-'));
  const file = join(dir, 'packages.txt');
  const server = await spawnServer(
    {
      DATA_DIR: join(dir, 'data'),
      WENYUAN_ROLE: 'web',
      RECORD_PACKAGES_FILE: file,
      // The embedded default, whatever the environment running the tests configures.
      DATABASE_URL: '',
      STORAGE_URL: '',
      REDIS_URL: '',
      SMTP_URL: '',
      ALIPAY_APP_ID: '',
    },
    [],
    ['--import', './src/testing/record-packages.mjs'],
  );
  try {
    for (const path of ['/', '/search?q=%E8%AE%B2%E8%AF%9D', '/login']) {
      assert.equal((await fetch(`${server.url}${path}`)).status, 200, path);
    }
    const loaded = new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean));
    // The recorder sees what the server does load, imported (fastify…) and required (`bindings`, which only
    // better-sqlite3's CommonJS code requires) — else the assertion below could not fail.
    for (const used of ['fastify', 'better-sqlite3', 'kysely', '@node-rs/jieba', 'bindings']) {
      assert.ok(loaded.has(used), used);
    }
    assert.deepEqual(
      OPTIONAL.filter((p) => loaded.has(p)),
      [],
    );
  } finally {
    await server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

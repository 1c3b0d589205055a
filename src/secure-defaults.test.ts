// Issue #9, defect 7: operator defaults. The zero-config start listened on 0.0.0.0, the database file was 0644, and
// `npm install` on Node 20 warned EBADENGINE (cookie@2 requires Node 22).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import semver from 'semver';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { spawnServer } from './testing/process.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const mode = (path: string) => statSync(path).mode & 0o777;

test('the zero-config start listens on loopback only; HOST exposes it', () => {
  assert.equal(loadConfig({}, '/srv/wenyuan').http.host, '127.0.0.1');
  assert.equal(loadConfig({ HOST: '0.0.0.0' }, '/srv/wenyuan').http.host, '0.0.0.0');
});

test('a new SQLite database file is created owner-only (0600), whatever the umask', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wy-mode-'));
  try {
    const database = openDatabase(`sqlite:${join(dir, 'sub', 'wenyuan.db')}`);
    await sql`create table t (x integer)`.execute(database.db);
    assert.equal(mode(join(dir, 'sub', 'wenyuan.db')), 0o600);
    assert.equal(mode(join(dir, 'sub', 'wenyuan.db-wal')), 0o600, 'SQLite gives the WAL the database file’s mode');
    assert.equal(mode(join(dir, 'sub')), 0o700);
    await database.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the server creates its data directory, database, secret and blob store owner-only', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'wy-perm-')), 'data');
  const server = await spawnServer({ DATA_DIR: dataDir, PAGE_IMAGES: 'false' });
  try {
    for (const [path, expected] of [
      [dataDir, 0o700],
      [join(dataDir, 'wenyuan.db'), 0o600],
      [join(dataDir, 'wenyuan.db-wal'), 0o600],
      [join(dataDir, 'download-url.secret'), 0o600],
      [join(dataDir, 'blobs'), 0o700],
      [join(dataDir, 'blobs', '.tmp'), 0o700],
    ] as const) {
      assert.equal(mode(path).toString(8), expected.toString(8), path);
    }
  } finally {
    await server.kill('SIGTERM');
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  }
});

test('every installed package supports Node 20 and 22 (no EBADENGINE on npm install)', () => {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } }>;
  };
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const bad: string[] = [];
  let checked = 0;
  for (const version of ['20.19.0', '22.13.0']) {
    assert.ok(semver.satisfies(version, pkg.engines.node), `package.json engines admit ${version}`);
    for (const [name, p] of Object.entries(lock.packages)) {
      const range = p.engines?.node;
      if (!range) continue;
      checked++;
      if (!semver.satisfies(version, range)) bad.push(`${name} requires node ${range} (${version})`);
    }
  }
  assert.ok(checked > 50, `checked ${checked} engine ranges`);
  assert.deepEqual(bad, []);
});

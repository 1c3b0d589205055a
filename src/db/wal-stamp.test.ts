import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';
import { walChangeStamp } from './wal-stamp.ts';

test('the WAL stamp changes with every commit, from this connection or another, and only then', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wal-stamp-'));
  const file = join(dir, 'w.db');
  const database = openDatabase(`sqlite:${file}`);
  // Another process's connection to the same file.
  const other = new SqliteDatabase(file);
  try {
    await sql`create table t (v integer)`.execute(database.db);
    const stamp = database.changeStamp;
    assert.ok(stamp, 'a file database in WAL mode has a stamp');
    const s0 = stamp();
    assert.equal(typeof s0, 'string');
    assert.equal(stamp(), s0, 'reads alone change nothing');
    await sql`select * from t`.execute(database.db);
    assert.equal(stamp(), s0);

    await sql`insert into t (v) values (1)`.execute(database.db);
    const s1 = stamp();
    assert.notEqual(s1, s0, 'a commit through this connection');

    other.prepare('insert into t (v) values (2)').run();
    const s2 = stamp();
    assert.notEqual(s2, s1, 'a commit through another connection');

    // A rolled-back transaction commits nothing; a stamp that still changes would only cost a query, but a commit
    // that left it unchanged would serve stale pages — the case that matters is the next commit.
    other.exec('begin; insert into t (v) values (3); rollback');
    other.pragma('wal_checkpoint(TRUNCATE)');
    const s3 = stamp();
    other.prepare('insert into t (v) values (4)').run();
    assert.notEqual(stamp(), s3, 'a commit after a checkpoint restarted the WAL');
  } finally {
    other.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no stamp where there is no wal-index to read', async () => {
  const memory = openDatabase('sqlite::memory:');
  assert.equal(memory.changeStamp, undefined);
  await memory.close();
  const missing = walChangeStamp(join(tmpdir(), 'no-such-dir-wal-stamp', 'x.db'));
  assert.equal(missing.read(), undefined);
  missing.close();
});

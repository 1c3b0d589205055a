import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../testing/test-db.ts';
import { PREPARED } from './database.ts';

for (const dialect of DIALECTS) {
  describe(`SQL marked PREPARED (${dialect})`, () => {
    let tdb: TestDatabase;
    before(async () => {
      tdb = await createTestDatabase(dialect, { migrate: false });
    });
    after(() => tdb.drop());

    test('runs with its parameters, every time, and only marked text becomes a named statement', async () => {
      const marked = (n: number) => sql<{ x: number }>`${sql.raw(PREPARED)} select cast(${n} as integer) + 1 as x`;
      // One pooled connection for the whole check, so its prepared statements can be listed.
      await tdb.database.db.connection().execute(async (db) => {
        for (const n of [1, 2, 3]) assert.equal(Number((await marked(n).execute(db)).rows[0]?.x), n + 1);
        const built = await db
          .selectNoFrom(sql<number>`cast(${5} as integer)`.as('y'))
          .modifyFront(sql.raw(PREPARED))
          .executeTakeFirstOrThrow();
        assert.equal(Number(built.y), 5);
        assert.equal(Number((await sql<{ z: number }>`select 7 as z`.execute(db)).rows[0]?.z), 7);
        if (dialect !== 'postgres') return;
        const { rows } = await sql<{ name: string; statement: string }>`
          select name, statement from pg_prepared_statements order by statement`.execute(db);
        assert.equal(rows.length, 2, JSON.stringify(rows));
        for (const r of rows) {
          assert.match(r.name, /^wy_[0-9a-f]{24}$/);
          assert.ok(r.statement.startsWith(PREPARED) || r.statement.startsWith(`select ${PREPARED}`), r.statement);
        }
      });
    });
  });
}

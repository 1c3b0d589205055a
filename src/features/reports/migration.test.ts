// The reports/takedown migration on each dialect, over rows written by the schema before it: duplicate open reports
// collapse to the oldest, `resolved` becomes `actioned`, unknown reasons become `other`, and afterwards the database
// itself refuses a second open report by the same reader on the same document (while a closed one does not count).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import * as initial from '../../db/migrations/20261127090000-initial.ts';
import * as search from '../../db/migrations/20261127100000-search.ts';
import * as credits from '../../db/migrations/20261127110000-credits.ts';
import * as ingest from '../../db/migrations/20261127120000-ingest.ts';
import * as dedup from '../../db/migrations/20261127130000-dedup.ts';
import * as review from '../../db/migrations/20261127140000-review.ts';
import * as searchOrder from '../../db/migrations/20261127150000-search-order.ts';
import * as authThrottle from '../../db/migrations/20261130090000-auth-throttle.ts';
import * as governance from '../../db/migrations/20261130100000-governance.ts';
import * as reportsTakedown from '../../db/migrations/20261130110000-reports-takedown.ts';
import { createTestDatabase, DIALECTS } from '../../testing/test-db.ts';

const BEFORE = { initial, search, credits, ingest, dedup, review, searchOrder, authThrottle, governance };

for (const dialect of DIALECTS) {
  describe(`reports/takedown migration on ${dialect}`, () => {
    test('dedupes open reports, maps old statuses and reasons, then enforces one open report', async () => {
      const tdb = await createTestDatabase(dialect, { migrate: false });
      try {
        const db = tdb.database.db;
        const migrations: Record<string, Migration> = {};
        Object.entries(BEFORE).forEach(([name, m], i) => {
          migrations[`${i}-${name}`] = { up: (k) => m.up(k, dialect) };
        });
        const { error } = await new Migrator({
          db,
          provider: { getMigrations: async () => migrations },
        }).migrateToLatest();
        if (error) throw error;
        const now = Date.now();
        const user = async (email: string) =>
          Number(
            (
              await db
                .insertInto('users')
                .values({
                  email,
                  password_hash: 'x',
                  display_name: email,
                  bio: '',
                  role: 'user',
                  real_name_verified: 0,
                  is_provider: 0,
                  rev: 1,
                  follower_count: 0,
                  created_at: now,
                  updated_at: now,
                })
                .returning('id')
                .executeTakeFirstOrThrow()
            ).id,
          );
        const [a, b] = [await user('a@example.com'), await user('b@example.com')];
        const cat = await db.selectFrom('categories').select('id').executeTakeFirstOrThrow();
        const doc = Number(
          (
            await db
              .insertInto('documents')
              .values({
                owner_id: a,
                category_id: cat.id,
                title: '文档',
                title_auto: 0,
                description: '',
                format: 'txt',
                original_name: 'a.txt',
                blob_key: 'original/x',
                size_bytes: 1,
                price: 0,
                status: 'published',
                download_count: 0,
                rev: 1,
                created_at: now,
                updated_at: now,
              })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id,
        );
        const report = async (reporter: number, reason: string, status: string) =>
          Number(
            (
              await db
                .insertInto('reports')
                .values({
                  document_id: doc,
                  reporter_id: reporter,
                  reason,
                  detail: '',
                  status: status as 'open',
                  created_at: now,
                })
                .returning('id')
                .executeTakeFirstOrThrow()
            ).id,
          );
        const first = await report(b, 'copyright', 'open');
        const dup = await report(b, 'spam', 'open');
        const resolved = await report(b, 'illegal', 'resolved');
        const odd = await report(a, 'no-such-reason', 'open');

        await reportsTakedown.up(db as unknown as Kysely<unknown>, dialect);

        const rows = new Map((await db.selectFrom('reports').selectAll().execute()).map((r) => [Number(r.id), r]));
        assert.deepEqual([rows.get(first)!.status, rows.get(first)!.decision], ['open', null]);
        assert.deepEqual([rows.get(dup)!.status, rows.get(dup)!.decision], ['dismissed', 'duplicate']);
        assert.deepEqual([rows.get(resolved)!.status, rows.get(resolved)!.reason], ['actioned', 'illegal']);
        assert.deepEqual([rows.get(odd)!.status, rows.get(odd)!.reason], ['open', 'other']);
        // The database refuses a second open report; a closed one alongside an open one is fine.
        await assert.rejects(report(b, 'spam', 'open'));
        await report(b, 'spam', 'dismissed');
        const cols = await sql<{
          taken_down_at: unknown;
        }>`select taken_down_at, takedown_code, takedown_ref, takedown_note, takedown_from from documents`.execute(db);
        assert.equal(cols.rows.length, 1);
      } finally {
        await tdb.drop();
      }
    });
  });
}

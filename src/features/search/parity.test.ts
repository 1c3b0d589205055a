import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Dialect } from '../../db/database.ts';
import { TestClient } from '../../testing/client.ts';
import { loadCorpusDocuments } from '../../testing/search-fixtures.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { RELEVANCE_DOCS, RELEVANCE_QUERIES } from './relevance-set.ts';

/** Extra queries for parity only: filters, sorts, prefixes, nothing found, partial matches. */
const EXTRA = [
  'q=%E6%B3%95&sort=latest',
  `q=${encodeURIComponent('中华人民共和国')}&sort=downloads`,
  `q=${encodeURIComponent('政府')}&cat=summary`,
  `q=${encodeURIComponent('通知')}&fmt=docx`,
  `q=${encodeURIComponent('报告')}&pages=6-20`,
  `q=${encodeURIComponent('量子纠缠')}`,
  `q=${encodeURIComponent('刀盾 量子纠缠')}`,
];

/** The same data in SQLite and PostgreSQL answers every query with the same documents in the same order. */
describe('search parity between SQLite and PostgreSQL', { skip: DIALECTS.length < 2 }, () => {
  const apps = new Map<Dialect, { t: TestApp; keyOf: Map<number, string>; client: TestClient }>();
  before(async () => {
    for (const dialect of DIALECTS) {
      const t = await createTestApp(dialect, { worker: false });
      const owner = new TestClient(t.app);
      await owner.register('parity@example.com');
      const user = await t.deps.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'parity@example.com')
        .executeTakeFirstOrThrow();
      const ids = await loadCorpusDocuments(t, Number(user.id), RELEVANCE_DOCS, {
        price: (d) => (d.key.length % 3 === 0 ? 5 : 0),
      });
      apps.set(dialect, { t, keyOf: new Map([...ids].map(([k, v]) => [v, k])), client: new TestClient(t.app) });
    }
  });
  after(async () => {
    for (const { t } of apps.values()) await t.close();
  });

  test(`${RELEVANCE_QUERIES.length + EXTRA.length} queries give identical results`, async () => {
    const queries = [...RELEVANCE_QUERIES.map((r) => `q=${encodeURIComponent(r.q)}`), ...EXTRA];
    for (const qs of queries) {
      const answers = [];
      for (const { client, keyOf } of apps.values()) {
        const res = await client.get(`/api/search?${qs}`);
        assert.equal(res.statusCode, 200);
        const body = res.json() as { total: number; hits: Array<{ id: number }>; facets: unknown; partial: boolean };
        answers.push({
          total: body.total,
          partial: body.partial,
          hits: body.hits.map((h) => keyOf.get(h.id)),
          facets: body.facets,
        });
      }
      assert.deepEqual(answers[1], answers[0], `different answers for ${decodeURIComponent(qs)}`);
    }
  });
});

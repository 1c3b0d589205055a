import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { loadCorpusDocuments } from '../../testing/search-fixtures.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { RELEVANCE_DOCS, RELEVANCE_QUERIES } from './relevance-set.ts';

/**
 * Thresholds of the relevance test set. precision@5 is normalised by min(5, |relevant|), so a query with one right
 * answer scores 1 when that answer is in the top five; MRR is the mean of 1 / rank of the first right answer.
 */
const MIN_PRECISION_AT_5 = 0.85;
const MIN_MRR = 0.85;

for (const dialect of DIALECTS) {
  describe(`search relevance on ${dialect}`, () => {
    let t: TestApp;
    let ids: Map<string, number>;
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const owner = new TestClient(t.app);
      await owner.register('corpus@example.com');
      const user = await t.deps.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'corpus@example.com')
        .executeTakeFirstOrThrow();
      ids = await loadCorpusDocuments(t, Number(user.id), RELEVANCE_DOCS);
    });
    after(() => t.close());

    test(`${RELEVANCE_QUERIES.length} queries: precision@5 ≥ ${MIN_PRECISION_AT_5}, MRR ≥ ${MIN_MRR}`, async () => {
      assert.ok(RELEVANCE_QUERIES.length >= 40);
      const byId = new Map([...ids].map(([k, v]) => [v, k]));
      const client = new TestClient(t.app);
      let sumP = 0;
      let sumRR = 0;
      const misses: string[] = [];
      const perKind = new Map<string, { p: number; rr: number; n: number }>();
      for (const query of RELEVANCE_QUERIES) {
        const res = await client.get(`/api/search?q=${encodeURIComponent(query.q)}`);
        assert.equal(res.statusCode, 200, res.body);
        const keys = (res.json() as { hits: Array<{ id: number }> }).hits.map((h) => byId.get(h.id) ?? '?');
        const relevant = new Set(query.relevant);
        const top5 = keys.slice(0, 5);
        const p = top5.filter((k) => relevant.has(k)).length / Math.min(5, relevant.size);
        const rank = keys.findIndex((k) => relevant.has(k));
        const rr = rank < 0 ? 0 : 1 / (rank + 1);
        sumP += p;
        sumRR += rr;
        const k = perKind.get(query.kind) ?? { p: 0, rr: 0, n: 0 };
        perKind.set(query.kind, { p: k.p + p, rr: k.rr + rr, n: k.n + 1 });
        if (p < 1 || rr < 1) misses.push(`  ${query.q}: P@5 ${p.toFixed(2)} RR ${rr.toFixed(2)} → ${top5.join(', ')}`);
      }
      const n = RELEVANCE_QUERIES.length;
      const precision = sumP / n;
      const mrr = sumRR / n;
      const lines = [...perKind].map(
        ([kind, v]) => `  ${kind.padEnd(12)} n=${v.n} P@5 ${(v.p / v.n).toFixed(3)} MRR ${(v.rr / v.n).toFixed(3)}`,
      );
      console.log(
        `relevance on ${dialect}: ${n} queries, ${ids.size} documents — precision@5 ${precision.toFixed(3)}, ` +
          `MRR ${mrr.toFixed(3)}\n${lines.join('\n')}${misses.length ? `\n imperfect:\n${misses.join('\n')}` : ''}`,
      );
      assert.ok(precision >= MIN_PRECISION_AT_5, `precision@5 ${precision.toFixed(3)} < ${MIN_PRECISION_AT_5}`);
      assert.ok(mrr >= MIN_MRR, `MRR ${mrr.toFixed(3)} < ${MIN_MRR}`);
    });
  });
}

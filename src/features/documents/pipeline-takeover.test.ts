// A conversion job whose worker died after the publication committed (SIGKILL, a lost lease) is run again by
// another worker: the steps after the commit (index entry, first-upload reward) must then happen, and only once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { jobHandlers } from '../../compose.ts';
import type { Job } from '../../db/schema.ts';
import { segmentQuery } from '../../search/segment.ts';
import { TestClient } from '../../testing/client.ts';
import { SEED_TXT } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`conversion taken over after the publication committed (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
    });
    after(() => t?.close());

    test('the second run indexes the document and the reward is posted once', async () => {
      const owner = new TestClient(t.app);
      await owner.register('taker@example.com');
      const up = await owner.upload(SEED_TXT, { title: '接管测试讲话稿', category: '1', price: '0' });
      const id = (up.json() as { id: number }).id;
      const convert = jobHandlers(t.deps)['document.convert'];
      const ctx = { job: {} as Job, log: pino({ level: 'silent' }) };
      await convert.run({ documentId: id }, ctx);
      // The first worker died between its commit and the index write: no entry.
      await t.deps.search.remove([id]);
      const req = { tokens: segmentQuery('接管测试'), filters: {}, sort: 'relevance' as const };
      assert.equal((await t.deps.search.candidates(req)).candidates.length, 0);
      // The job's lease expires; another worker runs it again.
      await convert.run({ documentId: id }, ctx);
      const found = (await t.deps.search.candidates(req)).candidates.map((c) => c.id);
      assert.deepEqual(found, [id]);
      const rewards = await t.deps.database.db
        .selectFrom('ledger_transactions')
        .select('id')
        .where('kind', '=', 'reward')
        .execute();
      assert.equal(rewards.length, 1, 'one first-upload reward for two runs');
      const doc = await t.deps.database.db
        .selectFrom('documents')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(doc.status, 'published');
    });
  });
}

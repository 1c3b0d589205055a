// A document made paid by an edit after its conversion (which probes only paid files) on every dialect: the edit
// queues a `watermark.probe` job, the page says 待检测 (never that the download is marked) until the job has marked
// the file once, and then says what the probe found (decision 0019).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jobHandlers } from '../../compose.ts';
import { startWorker } from '../../jobs/worker.ts';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { userIdByEmail } from '../../testing/users.ts';
import { markVerified } from '../../testing/verification.ts';

const DOCX = join(CORPUS_DIR, 'docx-zh', 'gfsgongwen__测试文案.docx');
const TITLE = '后来定价的测试文案';
const MARKED_CLAIM = /外传可追溯/;

for (const dialect of DIALECTS) {
  describe(`the mark probe of a document made paid later (${dialect})`, () => {
    let t: TestApp;
    let owner: TestClient;
    let reader: TestClient;
    let docId: number;
    const markState = async () =>
      (
        await t.deps.database.db
          .selectFrom('documents')
          .select('mark_state')
          .where('id', '=', docId)
          .executeTakeFirstOrThrow()
      ).mark_state;
    const probeJobs = () =>
      t.deps.database.db
        .selectFrom('jobs')
        .select(['status', 'payload'])
        .where('name', '=', 'watermark.probe')
        .execute();
    const setPrice = async (price: string) => {
      const res = await owner.postForm(
        `/d/${docId}/edit`,
        { title: TITLE, description: '', category: '1', price, previewMode: 'site', previewValue: '' },
        { csrf: await owner.csrf('/') },
      );
      assert.equal(res.statusCode, 303, res.body);
    };
    /** Runs the queued jobs with a worker of its own (background jobs at once) until `done` holds. */
    const runJobsUntil = async (done: () => Promise<boolean>) => {
      const worker = startWorker({
        queue: t.deps.queue,
        handlers: jobHandlers(t.deps),
        concurrency: 1,
        pollMs: 20,
        leaseMs: 30_000,
        backoffMs: 10,
        backgroundAfterMs: 0,
        log: t.deps.log,
      });
      try {
        const until = Date.now() + 60_000;
        while (!(await done())) {
          if (Date.now() > until) throw new Error('the jobs did not finish in 60 s');
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await worker.stop(5000);
      }
    };

    before(async () => {
      t = await createTestApp(dialect);
      owner = new TestClient(t.app);
      await owner.register('later-owner@example.com', '后定价者');
      reader = new TestClient(t.app);
      await reader.register('later-reader@example.com', '读者甲');
      await markVerified(t.deps, await userIdByEmail(t.deps, 'later-owner@example.com'));
      const up = await owner.upload(DOCX, { title: TITLE, category: '1', description: '', price: '0' });
      assert.equal(up.statusCode, 201, up.body);
      docId = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(owner, docId, 120_000)).status, 'published');
      // From here on jobs run only when the test says so, so the page before the probe can be read.
      await t.worker?.stop(5000);
    });
    after(async () => {
      await t?.close();
    });

    test('free at conversion: not probed, and the page says nothing of marks', async () => {
      assert.equal(await markState(), null);
      assert.doesNotMatch((await reader.get(`/d/${docId}`)).body, /data-mark=/);
    });

    test('made paid and back to free before the job ran: the job finds nothing to do', async () => {
      await setPrice('8');
      await setPrice('0');
      const jobs = await probeJobs();
      assert.equal(jobs.length, 1, 'one probe queued');
      assert.deepEqual(JSON.parse(jobs[0]!.payload), { documentId: docId });
      await runJobsUntil(async () => (await probeJobs()).every((j) => j.status === 'done'));
      assert.equal(await markState(), null, 'a free document is not probed');
    });

    test('made paid: 待检测 until the queued probe has marked the file, then the mark is claimed', async () => {
      await setPrice('8');
      assert.equal((await probeJobs()).filter((j) => j.status === 'queued').length, 1, 'the edit queued a probe');
      const before = (await reader.get(`/d/${docId}`)).body;
      assert.match(before, /data-mark="pending"/);
      assert.match(before, /待检测/);
      assert.doesNotMatch(before, MARKED_CLAIM, 'no mark is claimed before the probe');

      await runJobsUntil(async () => (await markState()) !== null);
      assert.equal(await markState(), 'ok');
      const probed = (await reader.get(`/d/${docId}`)).body;
      assert.match(probed, /data-mark="marked"/);
      assert.match(probed, MARKED_CLAIM);

      // A later price change of a probed document queues nothing more.
      await setPrice('9');
      assert.equal((await probeJobs()).filter((j) => j.status === 'queued').length, 0);
    });
  });
}

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pino from 'pino';
import { createTestDatabase, DIALECTS } from '../testing/test-db.ts';
import { JOB_NAMES } from './catalog.ts';
import { createJobQueue } from './job-queue.ts';
import { type JobHandlers, startWorker } from './worker.ts';

const silent = pino({ level: 'silent' });

/** A handler that does nothing for every job in the catalog; a test overrides the ones it exercises. */
const idleHandlers = () =>
  Object.fromEntries(
    JOB_NAMES.map((n) => [n, { async run() {}, async onFinalFailure() {} }]),
  ) as unknown as JobHandlers;

for (const dialect of DIALECTS) {
  describe(`job queue on ${dialect}`, async () => {
    const tdb = await createTestDatabase(dialect);
    after(() => tdb.drop());
    const queue = createJobQueue(tdb.database, { maxAttempts: 3 });

    test('a job is claimed by exactly one of many concurrent claimers', async () => {
      await queue.enqueue('document.convert', { documentId: 1 });
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => queue.claim(`w${i}`, 10_000)));
      const got = claims.filter(Boolean);
      assert.equal(got.length, 1);
      await queue.complete(got[0]!.id, got[0]!.locked_by!);
      assert.equal(await queue.claim('w', 10_000), undefined);
    });

    test('dedupe key keeps one live job; it can be enqueued again once done', async () => {
      await queue.enqueue('document.convert', { documentId: 2 }, { dedupeKey: 'convert:2' });
      await queue.enqueue('document.convert', { documentId: 2 }, { dedupeKey: 'convert:2' });
      const rows = await tdb.database.db.selectFrom('jobs').selectAll().where('dedupe_key', '=', 'convert:2').execute();
      assert.equal(rows.length, 1);
      const job = await queue.claim('w', 10_000);
      assert.ok(job);
      await queue.complete(job.id, 'w');
      await queue.enqueue('document.convert', { documentId: 2 }, { dedupeKey: 'convert:2' });
      const again = await queue.claim('w', 10_000);
      assert.equal(JSON.parse(again!.payload).documentId, 2);
      await queue.complete(again!.id, 'w');
    });

    test('conversions that publish are claimed before page images enqueued earlier, by concurrent claimers too', async () => {
      for (const id of [30, 31, 32]) await queue.enqueue('document.pages', { documentId: id });
      await new Promise((r) => setTimeout(r, 5));
      for (const id of [33, 34]) await queue.enqueue('document.convert', { documentId: id });
      const first = await Promise.all([queue.claim('a', 10_000), queue.claim('b', 10_000)]);
      const rest = [await queue.claim('a', 10_000), await queue.claim('a', 10_000), await queue.claim('a', 10_000)];
      const label = (j: { name: string; payload: string } | undefined) =>
        `${j?.name}:${j && JSON.parse(j.payload).documentId}`;
      assert.deepEqual(first.map(label).sort(), ['document.convert:33', 'document.convert:34']);
      assert.deepEqual(rest.map(label), ['document.pages:30', 'document.pages:31', 'document.pages:32']);
      for (const j of [...first, ...rest]) await queue.complete(j!.id, j!.locked_by!);
    });

    test('a worker with a free slot leaves page images queued while a conversion runs, then runs them', async () => {
      let release: () => void = () => {};
      const converting = new Promise<void>((r) => {
        release = r;
      });
      const events: string[] = [];
      const worker = startWorker({
        queue,
        concurrency: 2,
        pollMs: 10,
        leaseMs: 5000,
        backoffMs: 5,
        backgroundAfterMs: 50,
        log: silent,
        handlers: {
          ...idleHandlers(),
          'document.convert': {
            async run() {
              events.push('convert');
              await converting;
              events.push('converted');
            },
            async onFinalFailure() {},
          },
          'document.pages': {
            async run() {
              events.push('pages');
            },
            async onFinalFailure() {},
          },
        },
      });
      await queue.enqueue('document.convert', { documentId: 40 });
      for (let i = 0; i < 200 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await queue.enqueue('document.pages', { documentId: 40 });
      // Many polls of the free slot while the conversion runs.
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(events, ['convert']);
      release();
      for (let i = 0; i < 300 && !events.includes('pages'); i++) await new Promise((r) => setTimeout(r, 10));
      await worker.stop(1000);
      assert.deepEqual(events, ['convert', 'converted', 'pages']);
    });

    test('an expired lease (a crashed worker) is claimed again by another worker', async () => {
      await queue.enqueue('document.convert', { documentId: 3 });
      const first = await queue.claim('dead-worker', 50);
      assert.ok(first);
      assert.equal(await queue.claim('other', 10_000), undefined, 'not while the lease holds');
      await new Promise((r) => setTimeout(r, 80));
      const second = await queue.claim('other', 10_000);
      assert.equal(second?.id, first.id);
      assert.equal(second?.attempts, 2);
      // the dead worker can no longer complete what it lost
      await queue.complete(first.id, 'dead-worker');
      const row = await tdb.database.db
        .selectFrom('jobs')
        .select('status')
        .where('id', '=', first.id)
        .executeTakeFirst();
      assert.equal(row?.status, 'running');
      await queue.complete(first.id, 'other');
    });

    test('worker retries with backoff, then calls the final-failure hook once', async () => {
      const attempts: number[] = [];
      const finals: unknown[] = [];
      const worker = startWorker({
        queue,
        concurrency: 2,
        pollMs: 10,
        leaseMs: 5000,
        backoffMs: 5,
        log: silent,
        handlers: {
          ...idleHandlers(),
          'document.convert': {
            async run(payload, { job }) {
              if (payload.documentId !== 4) return;
              attempts.push(job.attempts);
              throw new Error('flaky');
            },
            async onFinalFailure(payload, err) {
              finals.push([payload.documentId, (err as Error).message]);
            },
          },
        },
      });
      await queue.enqueue('document.convert', { documentId: 4 });
      for (let i = 0; i < 200 && finals.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await worker.stop(1000);
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual(finals, [[4, 'flaky']]);
    });

    test('a permanent failure is not retried', async () => {
      const finals: number[] = [];
      let runs = 0;
      const worker = startWorker({
        queue,
        concurrency: 1,
        pollMs: 10,
        leaseMs: 5000,
        backoffMs: 5,
        log: silent,
        handlers: {
          ...idleHandlers(),
          'document.convert': {
            async run() {
              runs++;
              throw Object.assign(new Error('encrypted'), { permanent: true });
            },
            async onFinalFailure(p) {
              finals.push(p.documentId);
            },
          },
        },
      });
      await queue.enqueue('document.convert', { documentId: 5 });
      for (let i = 0; i < 200 && finals.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await worker.stop(1000);
      assert.equal(runs, 1);
      assert.deepEqual(finals, [5]);
    });

    // The job waits on a promise nothing but the test resolves: on SQLite (no socket open) only stop()'s own timer
    // keeps the process alive until the job is handed back, so this also holds stop() to waiting out its timeout.
    test('stop hands an unfinished job back so the next worker runs it at once', async () => {
      let release: () => void = () => {};
      const blocked = new Promise<void>((r) => {
        release = r;
      });
      let started = false;
      const w1 = startWorker({
        queue,
        concurrency: 1,
        pollMs: 10,
        leaseMs: 60_000,
        backoffMs: 5,
        log: silent,
        handlers: {
          ...idleHandlers(),
          'document.convert': {
            async run() {
              started = true;
              await blocked;
            },
            async onFinalFailure() {},
          },
        },
      });
      await queue.enqueue('document.convert', { documentId: 6 });
      for (let i = 0; i < 200 && !started; i++) await new Promise((r) => setTimeout(r, 10));
      await w1.stop(20);
      const job = await queue.claim('next', 1000);
      assert.equal(JSON.parse(job!.payload).documentId, 6);
      assert.equal(job!.attempts, 1, 'the interrupted attempt is not counted');
      await queue.complete(job!.id, 'next');
      release();
    });
  });
}

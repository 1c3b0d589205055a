import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SEED_DOCX } from '../testing/paths.ts';
import { HttpClient, spawnServer } from '../testing/process.ts';
import { createTestDatabase, DIALECTS } from '../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`kill and restart on ${dialect}`, () => {
    const dirs: string[] = [];
    after(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    test('a job queued when the process is killed completes after restart', async () => {
      const tdb = await createTestDatabase(dialect, { migrate: false });
      await tdb.database.close();
      const dataDir = mkdtempSync(join(tmpdir(), 'wy-restart-'));
      dirs.push(dataDir);
      const env = { DATA_DIR: dataDir, DATABASE_URL: tdb.url, JOB_POLL_MS: '50' };
      try {
        // 1. A web-only process takes the upload; nothing converts it.
        const web = await spawnServer(env, ['--role=web']);
        const client = new HttpClient(web.url);
        assert.equal(await client.register('restart@example.com', '重启测试'), 303);
        const id = await client.upload(SEED_DOCX, { title: '重启后完成的讲话', category: '1', price: '0' });
        assert.equal(await client.status(id), 'uploaded');
        // 2. Killed without warning.
        await web.kill('SIGKILL');

        // 3. A full process starts on the same database and files, and finishes the job.
        const full = await spawnServer({ ...env, PORT: web.url.split(':').pop()! });
        try {
          let status = '';
          for (let i = 0; i < 300 && status !== 'published'; i++) {
            status = await client.status(id);
            if (status !== 'published') await new Promise((r) => setTimeout(r, 100));
          }
          assert.equal(status, 'published', full.output());
          const page = await new HttpClient(full.url).get(`/d/${id}`);
          assert.equal(page.status, 200);
          assert.ok(page.text.includes('同志们'));
        } finally {
          // 4. A graceful stop exits cleanly.
          assert.equal(await full.kill('SIGTERM'), 0, full.output());
        }
      } finally {
        await tdb.drop();
      }
    });
  });
}

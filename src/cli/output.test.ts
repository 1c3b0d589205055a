// CLI stdout is for results only: `wenyuan import` prints JSON lines a script can read; logs go to stderr.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CORPUS_DIR, SEED_DOCX } from '../testing/paths.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../testing/test-db.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const cli = ['--import', 'tsx', 'src/cli/index.ts'];

for (const dialect of DIALECTS) {
  describe(`wenyuan import output on ${dialect}`, () => {
    let dir: string;
    let tdb: TestDatabase;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'wy-cli-out-'));
      tdb = await createTestDatabase(dialect);
      await tdb.database.close();
    });
    after(async () => {
      await tdb.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('stdout holds only the per-file JSON lines and the summary; the worker logs on stderr', async () => {
      // info: the worker logs as it goes; the encrypted PDF is rejected with a 'job failed' warning.
      const env = { ...process.env, DATA_DIR: join(dir, 'data'), DATABASE_URL: tdb.url, LOG_LEVEL: 'info' };
      const opts = { cwd: ROOT, env, timeout: 240_000 };
      await run(
        process.execPath,
        [...cli, 'create-admin', '--email', 'op@example.com', '--password', 'pw-123456789'],
        opts,
      );
      const input = join(dir, 'in');
      mkdirSync(input);
      copyFileSync(SEED_DOCX, join(input, 'seed.docx'));
      copyFileSync(join(CORPUS_DIR, 'malformed', 'pdfjs__bug1782186.pdf'), join(input, 'locked.pdf'));
      writeFileSync(
        join(input, 'note.txt'),
        '关于做好年度档案整理归档工作的通知\n各科室：请于本月底前完成文书档案的整理、编目和移交工作。',
      );

      const { stdout, stderr } = await run(
        process.execPath,
        [...cli, 'import', input, '--user', 'op@example.com'],
        opts,
      );

      const lines = stdout.trimEnd().split('\n');
      const parsed = lines.map((l) => {
        assert.doesNotThrow(() => JSON.parse(l), `stdout line is not JSON: ${l}`);
        return JSON.parse(l) as Record<string, unknown>;
      });
      const summary = parsed.pop()!;
      assert.equal(summary.summary, true, `the last line is the summary:\n${stdout}`);
      assert.equal(parsed.length, 3, `one line per file and nothing else:\n${stdout}`);
      for (const l of parsed) {
        assert.deepEqual(Object.keys(l).slice(0, 6), ['file', 'status', 'code', 'reason', 'id', 'ms']);
      }
      assert.deepEqual(parsed.map((l) => l.status).sort(), ['published', 'published', 'rejected']);

      const logs = stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; msg: string });
      assert.ok(
        logs.some((l) => l.level === 40 && l.msg === 'job failed'),
        `the rejection warning is on stderr:\n${stderr}`,
      );
      assert.ok(
        logs.some((l) => l.msg === 'document published'),
        stderr,
      );
    });
  });
}

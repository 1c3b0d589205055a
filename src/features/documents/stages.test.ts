// 重新转换 for one rejected document, the operator's stage re-run, and `wenyuan import` end to end.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR, SEED_DOCX } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { rerunStage } from './stages.ts';

const ENCRYPTED_PDF = join(CORPUS_DIR, 'malformed', 'pdfjs__bug1782186.pdf');

for (const dialect of DIALECTS) {
  describe(`stages on ${dialect}`, () => {
    let t: TestApp;
    let owner: TestClient;
    before(async () => {
      t = await createTestApp(dialect);
      owner = new TestClient(t.app);
      await owner.register('stages@example.com');
    });
    after(() => t.close());

    test('a rejected document offers 重新转换, which queues it again; others may not', async () => {
      const up = await owner.upload(ENCRYPTED_PDF, { title: '加密文档', category: '1', price: '0' });
      assert.equal(up.statusCode, 201, up.body);
      const { id } = up.json() as { id: number };
      const first = await waitForStatus(owner, id);
      assert.equal(first.status, 'rejected');
      assert.ok(first.reason);
      const list = (await owner.get('/my/documents')).body;
      assert.ok(list.includes(`action="/d/${id}/reconvert"`) && list.includes('重新转换'));

      const stranger = new TestClient(t.app);
      await stranger.register('stranger@example.com');
      const denied = await stranger.postForm(`/d/${id}/reconvert`, {}, { csrf: await stranger.csrf('/my/documents') });
      assert.equal(denied.statusCode, 403);

      const res = await owner.postForm(`/d/${id}/reconvert`, {}, { csrf: await owner.csrf('/my/documents') });
      assert.equal(res.statusCode, 303);
      const again = await waitForStatus(owner, id);
      assert.equal(again.status, 'rejected', 'the same file fails the same way, with its reason');
      const jobs = await t.deps.database.db
        .selectFrom('jobs')
        .select('id')
        .where('name', '=', 'document.convert')
        .execute();
      assert.ok(jobs.length >= 2, 'converted twice');
      // A published document cannot be "re-converted".
      const ok = await owner.upload(SEED_DOCX, { title: '', category: '1', price: '0' });
      const okId = (ok.json() as { id: number }).id;
      await waitForStatus(owner, okId);
      const refused = await owner.postForm(`/d/${okId}/reconvert`, {}, { csrf: await owner.csrf('/my/documents') });
      assert.equal(refused.statusCode, 422, '我的文档 again, the sentence on top');
      assert.match(refused.body, /<div class="form__errors" role="alert"[^>]*><p>只有未通过的文档可以重新转换/);
    });

    test('the operator re-runs a stage for the documents missing it', async () => {
      await t.deps.database.db.updateTable('documents').set({ minhash: null }).execute();
      const indexed = await rerunStage(t.deps, 'dedup');
      assert.ok(indexed >= 1);
      assert.equal(await rerunStage(t.deps, 'dedup'), 0, 'nothing missing any more');
      const convert = await rerunStage(t.deps, 'convert');
      assert.ok(convert >= 1, 'the rejected one is queued again');
    });
  });
}

describe('wenyuan import', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wy-import-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('one JSON line per file (published, rejected with reason, duplicate) and a summary', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent', SOFFICE: '/nonexistent' };
    const cli = ['--import', 'tsx', 'src/cli/index.ts'];
    await run(process.execPath, [...cli, 'create-admin', '--email', 'op@example.com', '--password', 'pw-123456789'], {
      env,
    });
    const input = join(dir, 'in');
    mkdirSync(join(input, 'sub'), { recursive: true });
    copyFileSync(SEED_DOCX, join(input, 'seed.docx'));
    copyFileSync(SEED_DOCX, join(input, 'sub', 'seed-again.docx'));
    copyFileSync(ENCRYPTED_PDF, join(input, 'locked.pdf'));
    copyFileSync(join(CORPUS_DIR, 'legacy', 'odf__测试文本__测试文本1.doc'), join(input, 'old.doc'));
    writeFileSync(join(input, 'tool.exe'), 'MZ');
    writeFileSync(
      join(input, 'note.txt'),
      '关于做好年度档案整理归档工作的通知\n各科室：请于本月底前完成文书档案的整理、编目和移交工作。',
    );
    // Someone else's library already holds the seed: the operator's copies of it are duplicates.
    await run(
      process.execPath,
      [...cli, 'create-admin', '--email', 'author@example.com', '--password', 'pw-123456789'],
      {
        env,
      },
    );
    const first = join(dir, 'first');
    mkdirSync(first);
    copyFileSync(SEED_DOCX, join(first, 'seed.docx'));
    await run(process.execPath, [...cli, 'import', first, '--user', 'author@example.com'], { env, timeout: 240_000 });
    const { stdout } = await run(process.execPath, [...cli, 'import', input, '--user', 'op@example.com'], {
      env,
      timeout: 240_000,
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.pop()!;
    const byFile = new Map(lines.map((l) => [String(l.file).slice(input.length + 1), l]));
    assert.equal(byFile.size, 6);
    for (const l of lines) {
      assert.deepEqual(Object.keys(l).slice(0, 6), ['file', 'status', 'code', 'reason', 'id', 'ms']);
    }
    assert.equal(byFile.get('seed.docx')!.status, 'duplicate');
    assert.equal(byFile.get('sub/seed-again.docx')!.status, 'duplicate');
    assert.equal(byFile.get('note.txt')!.status, 'published');
    assert.equal(byFile.get('locked.pdf')!.status, 'rejected');
    assert.match(String(byFile.get('old.doc')!.reason), /此格式暂不支持/);
    assert.match(String(byFile.get('tool.exe')!.reason), /此格式暂不支持/);
    assert.equal(summary.summary, true);
    assert.equal(summary.files, 6);
    assert.equal(summary.published, 1);
    assert.equal(summary.duplicate, 2);
    assert.equal(summary.rejected, 3);
  });
});

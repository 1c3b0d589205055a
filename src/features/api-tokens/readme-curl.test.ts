// The README's API examples, run as written: every `curl` line of the block after the `api-examples` marker, with
// curl, against the site listening on a port, with a token created through /settings/tokens — upload a corpus docx,
// poll its status to published, list 我的文档, download it (byte-identical), search, fetch the OpenAPI document.
// A README edit that breaks an example fails here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTokenViaForm } from '../../testing/api-token-client.ts';
import { TestClient } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const DOCX = join(CORPUS_DIR, 'docx-zh', 'gongwenassistant__hyjy_1.docx');

/** The curl lines of the README's API example block, in order. */
function readmeCurlLines(): string[] {
  const text = readFileSync(README, 'utf8');
  const at = text.indexOf('<!-- api-examples:');
  assert.ok(at >= 0, 'the README has the api-examples marker');
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(at))?.[1] ?? '';
  return block.split('\n').filter((l) => l.startsWith('curl '));
}

/** Runs one README line in bash with the example's variables. */
function run(line: string, cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', `set -euo pipefail; ${line}`], { cwd, env: { ...process.env, ...env } }, (err, out, e) =>
      err ? reject(new Error(`${line}\n${e}`)) : resolve(out),
    );
  });
}

for (const dialect of DIALECTS) {
  describe(`the README's API examples, with curl (${dialect})`, () => {
    let t: TestApp;
    let dir: string;
    let env: Record<string, string>;
    before(async () => {
      t = await createTestApp(dialect);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = t.app.server.address() as AddressInfo;
      const user = new TestClient(t.app);
      await user.register('readme-curl@example.com', '示例用户');
      const { token } = await createTokenViaForm(user, { name: 'README 示例', upload: true });
      dir = mkdtempSync(join(tmpdir(), 'wy-curl-'));
      copyFileSync(DOCX, join(dir, '讲话稿.docx'));
      env = { WENYUAN_URL: `http://127.0.0.1:${port}`, WENYUAN_TOKEN: token };
    });
    after(async () => {
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('upload → status → 我的文档 → download → search → OpenAPI, each line as the README has it', async () => {
      const lines = readmeCurlLines();
      const steps = ['/upload"', '/api/documents/$ID/status"', '/api/my/documents', '/d/$ID/download"', '/api/search"'];
      assert.deepEqual(
        lines.map((l) => steps.find((s) => l.includes(s)) ?? (l.includes('/api/openapi.json') ? 'openapi' : l)),
        [...steps, 'openapi'],
      );
      const [upload, status, mine, download, search, openapi] = lines as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];

      const uploaded = JSON.parse(await run(upload, dir, env)) as { id: number; status: string };
      assert.equal(uploaded.status, 'uploaded');
      const withId = { ...env, ID: String(uploaded.id) };
      const until = Date.now() + 60_000;
      let state = '';
      while (state !== 'published' && state !== 'rejected' && Date.now() < until) {
        state = (JSON.parse(await run(status, dir, withId)) as { status: string }).status;
        if (state !== 'published') await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(state, 'published');
      const list = JSON.parse(await run(mine, dir, withId)) as { documents: Array<{ id: number }> };
      assert.ok(list.documents.some((d) => d.id === uploaded.id));
      await run(download, dir, withId);
      assert.ok(readFileSync(join(dir, '讲话稿-下载.docx')).equals(readFileSync(DOCX)), 'the download is the upload');
      const found = JSON.parse(await run(search, dir, withId)) as { q: string; hits: unknown[] };
      assert.equal(found.q, '讲话');
      assert.ok(Array.isArray(found.hits));
      const doc = JSON.parse(await run(openapi, dir, withId)) as { openapi: string; paths: Record<string, unknown> };
      assert.equal(doc.openapi, '3.1.0');
      assert.ok('/upload' in doc.paths);
    });
  });
}

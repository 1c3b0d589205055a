// The whole site on an S3-compatible store (s3rver in this process): a real 公文 docx is uploaded, converted and
// published with every blob in the bucket, and its download is byte-identical — streamed by the site, or through a
// pre-signed URL of the store (STORAGE_PRESIGN) — on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { type S3rverHandle, startS3rver } from '../../testing/s3rver.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

const DOCX = join(CORPUS_DIR, 'docx-zh', 'gfsgongwen__测试文案.docx');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const dialect of DIALECTS) {
  for (const presign of [false, true]) {
    describe(`the site on S3 (${dialect}, ${presign ? 'pre-signed downloads' : 'streamed downloads'})`, () => {
      let s3: S3rverHandle;
      let t: TestApp;
      before(async () => {
        s3 = await startS3rver();
        t = await createTestApp(dialect, { env: { ...s3.env, STORAGE_PRESIGN: String(presign) } });
      });
      after(async () => {
        await t?.close();
        await s3?.close();
      });

      test('upload → convert → publish → download, every blob in the bucket, bytes identical', async () => {
        const bytes = readFileSync(DOCX);
        const owner = new TestClient(t.app);
        assert.equal((await owner.register('s3-writer@example.com')).statusCode, 303);
        const up = await owner.upload(DOCX, { title: '测试文案', category: '1', description: '', price: '0' });
        assert.equal(up.statusCode, 201, up.body);
        const id = (up.json() as { id: number }).id;
        assert.deepEqual(await waitForStatus(owner, id, 60_000), { status: 'published', reason: null });

        const doc = await t.deps.database.db
          .selectFrom('documents')
          .select(['blob_key'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.equal(doc.blob_key, `original/${sha(bytes)}`);
        const listed = [];
        for await (const b of t.deps.blobs.list()) listed.push(b);
        assert.deepEqual(listed, [{ key: doc.blob_key, size: bytes.length }], 'the original is in the bucket');
        assert.ok(
          s3.requests.some((r) => r.startsWith('PUT') && r.includes(`/site/${doc.blob_key}`)),
          'under the configured prefix',
        );
        assert.equal(existsSync(join(t.deps.config.storage.dir, 'original')), false, 'nothing on local disk');
        assert.equal((await t.deps.blobs.sweepTemp(Date.now() + 60_000, { dryRun: true })).files, 0);

        const reader = new TestClient(t.app);
        await reader.register('s3-reader@example.com', '读者');
        const dl = await reader.get(`/d/${id}/download`);
        assert.equal(dl.statusCode, 303);
        const file = await reader.get(dl.headers.location as string);
        let got: Buffer;
        let disposition: string;
        if (presign) {
          assert.equal(file.statusCode, 302, 'redirected to the store');
          assert.equal(file.headers['cache-control'], 'private, no-store');
          const url = file.headers.location as string;
          assert.ok(url.startsWith('http://127.0.0.1:') && url.includes('X-Amz-Signature='), url);
          const res = await fetch(url);
          assert.equal(res.status, 200);
          got = Buffer.from(await res.arrayBuffer());
          disposition = res.headers.get('content-disposition') ?? '';
          const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
          assert.equal(part.status, 206);
          assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200)));
        } else {
          assert.equal(file.statusCode, 200);
          got = file.rawPayload;
          disposition = String(file.headers['content-disposition']);
          const part = await reader.get(dl.headers.location as string, { range: 'bytes=100-199' });
          assert.equal(part.statusCode, 206);
          assert.equal(part.headers['content-range'], `bytes 100-199/${bytes.length}`);
          assert.ok(part.rawPayload.equals(bytes.subarray(100, 200)));
        }
        assert.equal(sha(got), sha(bytes), 'byte-identical download');
        assert.match(disposition, /filename\*=UTF-8''%E6%B5%8B%E8%AF%95%E6%96%87%E6%A1%88\.docx/);
      });
    });
  }
}

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { openDatabase } from '../db/database.ts';
import { TestClient, waitForStatus } from '../testing/client.ts';
import { SEED_DOCX } from '../testing/paths.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { markVerifiedByEmail } from '../testing/verification.ts';

let t: TestApp;
let base: string;
let docId: number;
let owner: TestClient;

before(async () => {
  t = await createTestApp('sqlite');
  owner = new TestClient(t.app);
  await owner.register('front@example.com', '前端缓存');
  await markVerifiedByEmail(t.deps, 'front@example.com');
  const up = await owner.upload(SEED_DOCX, { title: '', category: '1', price: '200' });
  docId = (up.json() as { id: number }).id;
  await waitForStatus(owner, docId);
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => t.close());

const headersOf = (res: Response) => {
  const h = Object.fromEntries(res.headers);
  delete h.date;
  delete h['keep-alive'];
  return h;
};

test('a cache hit answered before the framework is the same response the route sends', async () => {
  const first = await fetch(`${base}/d/${docId}`, { headers: { 'accept-encoding': 'identity' } }); // route: renders, fills
  const firstBody = await first.text();
  const hits = async () =>
    ((await (await fetch(`${base}/healthz`)).json()) as { pageCache: { frontHits: number } }).pageCache.frontHits;
  const hitsBefore = await hits();
  const second = await fetch(`${base}/d/${docId}`, { headers: { 'accept-encoding': 'identity' } }); // front cache hit
  assert.equal(second.status, 200);
  assert.equal(await hits(), hitsBefore + 1, 'answered by the front cache');
  assert.equal(await second.text(), firstBody);
  assert.deepEqual(headersOf(second), headersOf(first));
  assert.match(String(second.headers.get('content-security-policy')), /default-src 'self'/);

  const etag = second.headers.get('etag')!;
  const notModified = await fetch(`${base}/d/${docId}`, { headers: { 'if-none-match': etag } });
  assert.equal(notModified.status, 304);

  // Compressed forms decode to the same page.
  for (const coding of ['br', 'gzip'] as const) {
    const res = await fetch(`${base}/d/${docId}`, { headers: { 'accept-encoding': coding } });
    assert.equal(res.headers.get('content-encoding'), coding);
    // fetch decodes transparently; compare the decoded text.
    assert.equal(await res.text(), firstBody, coding);
  }
  const raw = await t.app.inject({ url: `/d/${docId}`, headers: { 'accept-encoding': 'br' } });
  assert.equal(brotliDecompressSync(raw.rawPayload).toString(), firstBody);
  const rawGzip = await t.app.inject({ url: `/d/${docId}`, headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gunzipSync(rawGzip.rawPayload).toString(), firstBody);
});

test('a change committed by another process is served at once, without a query per hit in between', async () => {
  const hits = async () =>
    ((await (await fetch(`${base}/healthz`)).json()) as { pageCache: { frontHits: number } }).pageCache.frontHits;
  const page = async () => (await fetch(`${base}/d/${docId}`, { headers: { 'accept-encoding': 'identity' } })).text();
  await page(); // fills the cache if the route has not yet
  const h0 = await hits();
  const before = await page();
  assert.equal(await page(), before);
  assert.equal(await hits(), h0 + 2, 'both answered by the front cache');
  // Another process's connection to the same file renames the document (with a new revision, as the service does).
  const other = openDatabase(t.tdb.url);
  try {
    await other.db
      .updateTable('documents')
      .set((eb) => ({ title: '另一进程改过的标题', rev: eb('rev', '+', 1) }))
      .where('id', '=', docId)
      .execute();
  } finally {
    await other.close();
  }
  const after = await page();
  assert.match(after, /另一进程改过的标题/, 'the very next answer has the change');
  assert.equal(await page(), after);
  assert.equal(await hits(), h0 + 3, 'the re-rendered page is served by the front cache again');
});

test('logged-in readers never get the shared page, and changes are never served stale', async () => {
  const cookie = [...owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const mine = await (await fetch(`${base}/d/${docId}`, { headers: { cookie } })).text();
  assert.ok(mine.includes('删除文档'), 'the owner sees the delete action');

  // The owner is verified (selling needs it); clearing the badge with a new user revision must show at once.
  const before = await (await fetch(`${base}/d/${docId}`)).text();
  assert.ok(before.includes('badge--verified'));
  await t.deps.database.db
    .updateTable('users')
    .set((eb) => ({ real_name_verified: 0, rev: eb('rev', '+', 1) }))
    .where('email', '=', 'front@example.com')
    .execute();
  const afterChange = await (await fetch(`${base}/d/${docId}`)).text();
  assert.ok(!afterChange.includes('badge--verified'), 'a new revision renders anew');

  await t.deps.database.db
    .updateTable('documents')
    .set({ status: 'deleted', deleted_at: Date.now() })
    .where('id', '=', docId)
    .execute();
  assert.equal((await fetch(`${base}/d/${docId}`)).status, 410);
});

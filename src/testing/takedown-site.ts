// The site behind takedown-flow.test.ts and report-decisions.test.ts: an admin, a moderator, an uploader
// (real-name verified) with a paid document A (a page image stored, bought by the buyer) and a free related one B,
// two reporters, a user and a visitor — and the queries and posts those tests share.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Dialect } from '../db/database.ts';
import { grantCredits } from '../features/credits/grants.ts';
import { balanceOf } from '../features/credits/repo.ts';
import type { BlobKey } from '../storage/blob-store.ts';
import { TestClient, waitForStatus } from './client.ts';
import { SEED_TXT } from './paths.ts';
import { createTestApp } from './test-app.ts';
import { markVerifiedByEmail } from './verification.ts';

const RELATED_TEXT = [
  '创建文明城市动员讲话',
  '同志们：今天召开全区创建全国文明城市动员大会，主要任务是统一思想、明确责任，全力推进文明城市创建工作。',
  '一要提高认识。创建全国文明城市是提升城市品位、改善人居环境、增进群众福祉的重要抓手。',
  '二要突出重点。围绕市容环境整治、交通秩序治理、志愿服务和公共文明引导，逐项对标测评体系。',
  '三要压实责任。各街道、各部门主要负责同志要亲自部署、亲自督办，确保创建任务按期完成。',
].join('\n');

/** Document A's title. */
export const A_TITLE = '高新区创建全国文明城市工作领导小组会议讲话';

/** The takedown site of one dialect, listening on a loopback port (`base`) for the front cache's path. */
export async function openTakedownSite(dialect: Dialect) {
  const db = () => t.deps.database.db;
  const idOf = async (email: string) =>
    Number((await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);
  // The balance including credits not yet settled (decision 0017).
  const balance = (code: string) => balanceOf(db(), code);
  const searchIds = async (q: string) => {
    const res = await visitor.get(`/api/search?q=${encodeURIComponent(q)}`);
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { hits: Array<{ id: number }> }).hits.map((h) => h.id);
  };
  const suggestions = async (q: string) =>
    ((await visitor.get(`/api/suggest?q=${encodeURIComponent(q)}`)).json() as { items: Array<{ href: string }> }).items;
  const notificationsOf = async (c: TestClient) => {
    const res = await c.get('/notifications');
    assert.equal(res.statusCode, 200);
    return res.body;
  };
  const frontHits = async () =>
    ((await (await fetch(`${base}/healthz`)).json()) as { pageCache: { frontHits: number } }).pageCache.frontHits;
  const auditCount = async () =>
    Number(
      (
        await db()
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const report = async (c: TestClient, docId: number, reason: string, detail = '') =>
    c.postForm(
      `/d/${docId}/report`,
      { reason, detail },
      { csrf: await c.csrf(`/d/${docId}/report`), headers: { accept: 'application/json' } },
    );
  const staffPost = async (c: TestClient, url: string, fields: Record<string, string>) =>
    c.postForm(url, fields, { csrf: await c.csrf('/admin/reports') });

  const t = await createTestApp(dialect);
  const make = async (email: string, name: string) => {
    const c = new TestClient(t.app);
    const res = await c.register(email, name);
    assert.equal(res.statusCode, 303, res.body);
    return c;
  };
  const admin = await make('admin@example.com', '站长');
  const mod = await make('mod@example.com', '审核员小王');
  const uploader = await make('uploader@example.com', '上传者老李');
  const reporter = await make('reporter@example.com', '热心读者');
  const reporter2 = await make('reporter2@example.com', '第二位读者');
  const buyer = await make('buyer@example.com', '付费读者');
  const user = await make('user@example.com', '普通用户');
  const visitor = new TestClient(t.app);
  await db().updateTable('users').set({ role: 'admin' }).where('email', '=', 'admin@example.com').execute();
  await db().updateTable('users').set({ role: 'moderator' }).where('email', '=', 'mod@example.com').execute();
  const ids: Record<string, number> = {
    admin: await idOf('admin@example.com'),
    uploader: await idOf('uploader@example.com'),
    buyer: await idOf('buyer@example.com'),
  };
  await markVerifiedByEmail(t.deps, 'uploader@example.com');

  const a = await uploader.upload(
    { name: 'speech.txt', data: readFileSync(SEED_TXT) },
    { title: A_TITLE, category: '1', price: '5' },
  );
  assert.equal(a.statusCode, 201, a.body);
  const aId = (a.json() as { id: number }).id;
  assert.equal((await waitForStatus(uploader, aId)).status, 'published');
  const b = await uploader.upload(
    { name: 'related.txt', data: Buffer.from(RELATED_TEXT, 'utf8') },
    { title: '创建文明城市动员讲话（免费版）', category: '1', price: '0' },
  );
  const bId = (b.json() as { id: number }).id;
  assert.equal((await waitForStatus(uploader, bId)).status, 'published');

  // A page image of A's first (free) page, as the page stage would store it.
  const bytes = Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 fake page image');
  const temp = t.deps.blobs.tempPath('page');
  writeFileSync(temp, bytes);
  const key = `page/${createHash('sha256').update(bytes).digest('hex')}` as BlobKey;
  await t.deps.blobs.putFile(temp, key);
  await db()
    .updateTable('documents')
    .set({
      page_images: JSON.stringify([{ n: 1, w: 900, h: 1200, f: 'webp', key }]),
      pages_rendered_at: Date.now(),
    })
    .where('id', '=', aId)
    .execute();

  // The buyer buys A before anything happens to it.
  await grantCredits(t.deps, { id: ids.admin! }, { userId: ids.buyer!, amount: 100, reason: '测试发放' });
  const bought = await buyer.postForm(
    `/d/${aId}/buy`,
    { acceptTerms: '1' },
    { csrf: await buyer.csrf(`/d/${aId}/buy`) },
  );
  assert.equal(bought.statusCode, 303, bought.body);

  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    t,
    base,
    admin,
    mod,
    uploader,
    reporter,
    reporter2,
    buyer,
    user,
    visitor,
    ids,
    /** Paid, reported for copyright, taken down and restored. */
    aId,
    /** Free, related to A. */
    bId,
    db,
    balance,
    searchIds,
    suggestions,
    notificationsOf,
    frontHits,
    auditCount,
    report,
    staffPost,
  };
}

export type TakedownSite = Awaited<ReturnType<typeof openTakedownSite>>;

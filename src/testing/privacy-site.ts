// The texts and the site the PII screen tests share (features/privacy/*.test.ts): a valid 身份证号, mobile numbers
// (one in the title) and bank-card numbers, every form in which a full number could leak, and a site with an admin,
// a moderator, an uploader, a reader and a visitor.
import assert from 'node:assert/strict';
import type { Dialect } from '../db/database.ts';
import { luhnValid } from '../features/privacy/scan.ts';
import { idNumberCheckChar } from '../features/verification/id-number.ts';
import { TestClient } from './client.ts';
import { createTestApp, type TestApp } from './test-app.ts';
import { signUp } from './users.ts';

export const ID = `11010119900307123${idNumberCheckChar('11010119900307123')}`;
export const MOBILE = '138-0013-8000';
export const TITLE_MOBILE = '13912345678';
/** Every form in which a full number could leak. */
export const FULL = [ID, MOBILE, '13800138000', '0013-8000', TITLE_MOBILE, '1234 5678', ID.slice(6, 14)];
export const INTACT = '请各村（社区）于本月底前完成志愿者登记，确保服务覆盖到每一户';
export const TEXT = [
  '青石镇志愿服务队联络表',
  '为做好青石镇文明创建志愿服务工作，现将联络人信息公布如下。',
  `联络人：王某某，身份证号：${ID}，手机：${MOBILE}。`,
  `${INTACT}。`,
  '本表由镇文明办负责解释。',
].join('\n');
export const TITLE = `青石镇志愿者联络表${TITLE_MOBILE}`;

/** A Luhn-valid 16-digit UnionPay number. */
export const CARD = (() => {
  for (let d = 0; d <= 9; d++) if (luhnValid(`622202123456789${d}`)) return `622202123456789${d}`;
  throw new Error('unreachable');
})();
export const NOT_CARD = `622202123456789${(Number(CARD.at(-1)) + 1) % 10}`;

/** The document's row once its conversion has ended (held, published or rejected). */
export async function settled(t: TestApp, id: number, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await t.deps.database.db
      .selectFrom('documents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (d.status !== 'uploaded' && d.status !== 'converting') return d;
    if (Date.now() > until) throw new Error(`document ${id} still ${d.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Uploads a text file (free, blank title unless `fields` say otherwise); returns the document id. */
export async function upload(client: TestClient, name: string, text: string, fields: Record<string, string> = {}) {
  const res = await client.upload(
    { name, data: Buffer.from(text, 'utf8') },
    { title: '', category: '1', price: '0', ...fields },
  );
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { id: number }).id;
}

/** The hits of `/api/search` for `q`. */
export async function searchHits(client: TestClient, q: string) {
  const res = await client.get(`/api/search?q=${encodeURIComponent(q)}`);
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { hits: Array<{ id: number; title: string; snippet: string }> }).hits;
}

/** Fails when `s` shows any form of a full number. */
export const assertNoNumber = (where: string, s: string) => {
  for (const n of FULL) assert.ok(!s.includes(n), `${where} shows ${n}`);
};

export type PrivacySite = Awaited<ReturnType<typeof openPrivacySite>>;

/** A fresh site of one dialect with its people registered (the admin and moderator with their roles). */
export async function openPrivacySite(dialect: Dialect) {
  const t = await createTestApp(dialect);
  const anon = new TestClient(t.app);
  const admin = (await signUp(t, 'admin@example.com', '管理员', 'admin')).client;
  const moderator = (await signUp(t, 'mod@example.com', '审核员甲', 'moderator')).client;
  const author = (await signUp(t, 'author@example.com', '青石镇文明办')).client;
  const reader = (await signUp(t, 'reader@example.com', '读者')).client;
  return { t, anon, admin, moderator, author, reader };
}

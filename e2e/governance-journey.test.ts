// Issue #10 in Chromium: a reader reports a document → a moderator takes it down → the reporter reads the outcome in
// 站内信 and the page answers 451 to everyone; a rights holder's notice → takedown → the uploader's counter-notice →
// restore.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../src/testing/browser.ts';
import { CORPUS_DIR, SEED_TXT } from '../src/testing/paths.ts';
import { HttpClient, type ServerProcess, spawnServer } from '../src/testing/process.ts';

const SHOTS = join(process.cwd(), 'tmp', 'e2e');
const ADMIN = { email: 'moderator@example.com', password: 'moderator-password-1' };

let server: ServerProcess;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wy-gov-'));
  mkdirSync(SHOTS, { recursive: true });
  const env = { DATA_DIR: dataDir, JOB_POLL_MS: '100', LOG_ACCESS: 'false', PAGE_IMAGES: 'false' };
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', 'create-admin', '--email', ADMIN.email, '--password', ADMIN.password],
    { env: { ...process.env, ...env }, stdio: 'ignore' },
  );
  server = await spawnServer(env);
  browser = await launchBrowser();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh browser profile (its own cookies) for one person. */
async function person(): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  contexts.push(ctx);
  return ctx.newPage();
}

async function register(page: Page, email: string, name: string) {
  await page.goto(`${server.url}/register`);
  await page.fill('[name="identifier"]', email);
  await page.fill('[name="displayName"]', name);
  await page.fill('[name="password"]', 'journey-password-1');
  await page.fill('[name="passwordConfirm"]', 'journey-password-1');
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('#main button[type=submit]')]);
}

async function login(page: Page, email: string, password: string) {
  await page.goto(`${server.url}/login`);
  await page.fill('[name="identifier"]', email);
  await page.fill('[name="password"]', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('#main button[type=submit]'),
  ]);
}

/** An uploader (over HTTP) publishes a file and waits for it. */
async function publish(uploader: HttpClient, path: string, title: string): Promise<number> {
  const id = await uploader.upload(path, { title, category: '1', price: '0' });
  const until = Date.now() + 60_000;
  while ((await uploader.status(id)) !== 'published') {
    assert.ok(Date.now() < until, `document ${id} published in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return id;
}

test('report → takedown → the reporter reads the outcome; the page answers 451 to everyone', async () => {
  const uploader = new HttpClient(server.url);
  assert.equal(await uploader.register('uploader@example.com', '基层小笔杆'), 303);
  const docId = await publish(uploader, SEED_TXT, '在全市基层治理工作会议上的讲话');

  // 1. A reader reports it from the document page.
  const reader = await person();
  await register(reader, 'reader@example.com', '读者小王');
  await reader.goto(`${server.url}/d/${docId}`);
  await Promise.all([
    reader.waitForURL(`${server.url}/d/${docId}/report`),
    reader.click(`a[href="/d/${docId}/report"]`),
  ]);
  await reader.check('input[name=reason][value=secret]');
  await reader.fill('#report-detail', '文中包含内部会议的未公开数据。');
  await reader.click('#main button[type=submit]');
  await reader.waitForURL(/done=1/);

  // 2. A moderator takes it down from /admin/reports.
  const moderator = await person();
  await login(moderator, ADMIN.email, ADMIN.password);
  await moderator.goto(`${server.url}/admin/reports`);
  assert.match(await moderator.locator('#main').innerText(), /文中包含内部会议的未公开数据/);
  const report = moderator.locator('.report-actions').first();
  await report.locator('summary', { hasText: '下架' }).first().click();
  await report.locator('input[name=note]').first().fill('经核实含涉密信息');
  await Promise.all([
    moderator.waitForURL(/\/admin\/reports/),
    report.locator('form[action$="/takedown"] button[type=submit]').click(),
  ]);
  await moderator.screenshot({ path: join(SHOTS, 'governance-reports.png'), fullPage: true });

  // 3. The reporter sees the outcome in 站内信, with the unread count in the header.
  await reader.goto(`${server.url}/`);
  assert.match(await reader.locator('#nav-notifications').innerText(), /消息（\d+ 条未读）/);
  await reader.click('#nav-notifications');
  await reader.waitForURL(`${server.url}/notifications`);
  const notes = await reader.locator('.notification-list').innerText();
  assert.match(notes, /下架/, notes);
  await reader.screenshot({ path: join(SHOTS, 'governance-notifications.png'), fullPage: true });

  // 4. The page answers 451 to everyone: the reader, a fresh visitor, the search API.
  const again = await reader.goto(`${server.url}/d/${docId}`);
  assert.equal(again?.status(), 451);
  const visitor = await person();
  const anon = await visitor.goto(`${server.url}/d/${docId}`);
  assert.equal(anon?.status(), 451);
  assert.match(await visitor.locator('#main').innerText(), /下架/);
  const search = (await (await fetch(`${server.url}/api/search?q=${encodeURIComponent('基层治理')}`)).json()) as {
    results?: { id: number }[];
  };
  assert.ok(!(search.results ?? []).some((r) => r.id === docId), 'gone from search');
});

test('a rights holder’s notice → takedown → the uploader’s counter-notice → restore', async () => {
  const uploader = new HttpClient(server.url);
  assert.equal(await uploader.register('writer@example.com', '写材料的人'), 303);
  const law = join(CORPUS_DIR, 'text-zh', 'laws', '宪法', '宪法修正案（2018年）.md');
  assert.ok(readFileSync(law).length > 0);
  const docId = await publish(uploader, law, '宪法修正案学习材料');

  // 1. The rights holder files a notice at /copyright.
  const holder = await person();
  await register(holder, 'rights@example.com', '青石出版社');
  await holder.goto(`${server.url}/copyright`);
  await holder.check('input[name=holderKind][value=organisation]');
  await holder.fill('[name=holderName]', '青石出版社有限公司');
  await holder.selectOption('[name=idType]', 'uscc');
  await holder.fill('[name=idNumber]', '91350100M000100Y43');
  await holder.fill('[name=phone]', '13800138000');
  await holder.fill('[name=email]', 'rights@example.com');
  await holder.fill('[name=address]', '福建省福州市鼓楼区五四路 1 号');
  await holder.fill('[name=workTitle]', '宪法修正案学习读本');
  await holder.fill('[name=workAuthor]', '林青石');
  await holder.fill('[name=workPublished]', '2024 年 3 月，青石出版社');
  await holder.fill('[name=documents]', `${server.url}/d/${docId}`);
  await holder.fill('[name=proofText]', '本社享有该作品的专有出版权，附著作权登记证书及出版合同。');
  await holder.check('input[name=sworn]');
  await Promise.all([
    holder.waitForURL(/\/copyright\/notices\/\d+/),
    holder.click('form[enctype="multipart/form-data"] button[type=submit]'),
  ]);
  const noticeUrl = holder.url();
  const noticeId = Number(/\/copyright\/notices\/(\d+)/.exec(noticeUrl)![1]);

  // 2. The operator takes the named document down.
  const moderator = await person();
  await login(moderator, ADMIN.email, ADMIN.password);
  await moderator.goto(`${server.url}/admin/notices/${noticeId}`);
  await Promise.all([
    moderator.waitForURL(/\/admin\/notices\/\d+/),
    moderator.click(`form[action="/admin/notices/${noticeId}/take-down"] button[type=submit]`),
  ]);
  assert.equal((await fetch(`${server.url}/d/${docId}`)).status, 451);

  // 3. The uploader is notified and files a counter-notice.
  const writer = await person();
  await login(writer, 'writer@example.com', 'correct horse 1');
  await writer.goto(`${server.url}/notifications`);
  assert.match(await writer.locator('.notification-list').innerText(), /版权/);
  await writer.goto(`${server.url}/d/${docId}/counter-notice`);
  await writer.fill('[name=name]', '写材料的人');
  await writer.fill('[name=contact]', 'writer@example.com');
  await writer.fill('[name=address]', '北京市东城区');
  await writer.fill('[name=statement]', '该学习材料为本人根据公开的宪法修正案文本整理，不侵犯他人著作权。');
  await writer.fill('[name=evidenceText]', '宪法修正案为法律文本，不适用著作权法（著作权法第五条）。');
  await writer.check('input[name=sworn]');
  await Promise.all([
    writer.waitForURL((u) => !u.pathname.endsWith('/counter-notice')),
    writer.click('form[enctype="multipart/form-data"] button[type=submit]'),
  ]);

  // 4. The rights holder sees the counter-notice in the timeline; the operator restores the document.
  await holder.goto(noticeUrl);
  assert.match(await holder.locator('#main').innerText(), /反通知/);
  await moderator.goto(`${server.url}/admin/notices/${noticeId}`);
  const restore = moderator.locator(`form[action="/admin/notices/${noticeId}/documents/${docId}/restore"]`);
  await restore.locator('textarea[name=reason]').fill('反通知理由成立：法律文本不受著作权法保护。');
  await Promise.all([moderator.waitForURL(/\/admin\/notices\/\d+/), restore.locator('button[type=submit]').click()]);
  await moderator.screenshot({ path: join(SHOTS, 'governance-notice.png'), fullPage: true });
  assert.equal((await fetch(`${server.url}/d/${docId}`)).status, 200);
  await holder.goto(noticeUrl);
  assert.match(await holder.locator('#main').innerText(), /恢复/);
});

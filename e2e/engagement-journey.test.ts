// 收藏 and 评分 in Chromium (issue #11): a reader saves a document with one click (the island posts with fetch: the
// page does not reload), finds it in 默认收藏夹, makes a folder and moves it there; after downloading, rates it with
// the plain radio form and comments; the uploader reads the rating and the comment in 站内信.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/testing/browser.ts';
import { SEED_TXT } from '../src/testing/paths.ts';
import { HttpClient, type ServerProcess, spawnServer } from '../src/testing/process.ts';

const SHOTS = join(process.cwd(), 'tmp', 'e2e');
const TITLE = '在全市基层治理工作推进会上的讲话';

let server: ServerProcess;
let browser: Browser;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wy-engage-'));
  mkdirSync(SHOTS, { recursive: true });
  server = await spawnServer({ DATA_DIR: dataDir, JOB_POLL_MS: '100', LOG_ACCESS: 'false', PAGE_IMAGES: 'false' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

test('a reader favorites a document, finds it in a folder, rates it and comments; the uploader is told', async () => {
  const uploader = new HttpClient(server.url);
  assert.equal(await uploader.register('engage-uploader@example.com', '基层小笔杆'), 303);
  const docId = await uploader.upload(SEED_TXT, { title: TITLE, category: '1', price: '0' });
  const until = Date.now() + 60_000;
  while ((await uploader.status(docId)) !== 'published') {
    assert.ok(Date.now() < until, 'published in time');
    await new Promise((r) => setTimeout(r, 200));
  }

  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/register`);
  await page.fill('[name="identifier"]', 'engage-reader@example.com');
  await page.fill('[name="displayName"]', '读者小李');
  await page.fill('[name="password"]', 'journey-password-1');
  await page.fill('[name="passwordConfirm"]', 'journey-password-1');
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/register')),
    page.click('#main button[type=submit]'),
  ]);

  // 1. One click saves it; the island updates the button and the count in place.
  await page.goto(`${server.url}/d/${docId}`);
  const box = page.locator('#favorite');
  assert.equal((await box.locator('[data-favorite-count]').innerText()).trim(), '0 人收藏');
  await page.evaluate(() => {
    (window as unknown as { stayed: boolean }).stayed = true;
  });
  await box.locator('button[type=submit]').click();
  await box.locator('button[aria-pressed="true"]').waitFor();
  assert.equal((await box.locator('button[type=submit]').innerText()).trim(), '★ 已收藏');
  assert.equal((await box.locator('[data-favorite-count]').innerText()).trim(), '1 人收藏');
  assert.equal(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), true, 'no reload');
  await page.screenshot({ path: join(SHOTS, 'engagement-favorited.png') });

  // 2. It is in 默认收藏夹; a new folder, and 移到 it.
  await page.goto(`${server.url}/favorites`);
  assert.match(await page.locator('#main').innerText(), new RegExp(TITLE));
  await page.fill('#folder-new-name', '讲话稿素材');
  await Promise.all([page.waitForURL(/notice=created/), page.click('form[action="/favorites/folders"] button')]);
  await page.goto(`${server.url}/favorites`);
  const row = page.locator(`#fav-${docId}`);
  await row.locator('select[name=folder]').selectOption({ label: '讲话稿素材' });
  await Promise.all([page.waitForLoadState('load'), row.locator('form[action$="/favorite"] button').click()]);
  await page.click('.favorite-folders a:has-text("讲话稿素材")');
  await page.waitForURL(/folder=\d+/);
  assert.match(await page.locator('#main').innerText(), new RegExp(TITLE));
  await page.screenshot({ path: join(SHOTS, 'engagement-folder.png'), fullPage: true });

  // 3. Before downloading, the page says why there is no form; after, the radio form rates it.
  await page.goto(`${server.url}/d/${docId}`);
  assert.match(await page.locator('#rating').innerText(), /下载该文档后才能评分/);
  const dl = await page.request.get(`${server.url}/d/${docId}/download`, { maxRedirects: 0 });
  assert.equal(dl.status(), 303);
  await page.goto(`${server.url}/d/${docId}`);
  await page.check('#rating input[name=stars][value="4"]');
  await Promise.all([page.waitForURL(`${server.url}/d/${docId}#rating`), page.click('#rating form button')]);
  const rating = await page.locator('#rating').innerText();
  assert.match(rating, /4\.0 分/);
  assert.match(rating, /1 人评分/);
  assert.match(rating, /你的评分：4 星/);
  await page.locator('#rating').screenshot({ path: join(SHOTS, 'engagement-rated.png') });

  // 4. …and comments on it; the text comes back escaped, as typed.
  const remark = '结构清晰，<b>第三部分</b>的措施很实用。';
  await page.fill('#comment-body', remark);
  await Promise.all([page.waitForLoadState('load'), page.click('form.comment-form button[type=submit]')]);
  await page.goto(`${server.url}/d/${docId}#comments`);
  assert.ok((await page.locator('#comments').innerText()).includes(remark), 'the comment is shown as typed');
  assert.equal(await page.locator('#comments b').count(), 0, 'no markup from a comment reaches the page');
  await page.locator('#comments').screenshot({ path: join(SHOTS, 'engagement-commented.png') });
  await ctx.close();

  // 5. The uploader reads both in 站内信.
  const inbox = await uploader.get('/notifications');
  assert.match(inbox.text, new RegExp(`你的文档《${TITLE}》收到一个 4 星评分`));
  assert.match(inbox.text, new RegExp(`读者小李 评论了你的文档《${TITLE}》`));
});

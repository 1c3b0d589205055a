// Issue #13 in Chromium, as a reader sees the document page: the free part once (text for docx, page images for a
// PDF, decision 0023), page counts that agree, every 目录 heading in order, the owner's own actions instead of
// 付费下载, the delete dialog saying what the no-script page says, 下载次数 counting a buyer once, the buyer's way to
// their copy after the uploader deletes, a 碎片内容 that is not a table of contents, and the install card in the
// sidebar only. One seeded server and one browser for all of it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../src/testing/browser.ts';
import { createAdminByCli, loginInBrowser, registerInBrowser } from '../src/testing/browser-flows.ts';
import { SEED_DOCX, SEED_TXT } from '../src/testing/paths.ts';
import { HttpClient, type ServerProcess, spawnServer, verifyContactByCli } from '../src/testing/process.ts';
import { TOC_PDF_SECTIONS, tocFirstPdf } from '../src/testing/toc-pdf.ts';
import { makeIdNumber } from '../src/testing/verification.ts';

const squash = (s: string) => s.replace(/\s+/g, '');
const seedLines = readFileSync(SEED_TXT, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);
const OPENING = squash(seedLines[2]!).slice(0, 24);
/** The seed speech's numbered headings (一、… and 1、…), read from its plain-text twin, in order. */
const SEED_HEADINGS = seedLines.filter((l) => /^([一二三四五六七八九十]+|\d+)、/.test(l));
const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
const WIDE = { width: 1280, height: 900 };

let server: ServerProcess;
let browser: Browser;
let dataDir: string;
let uploader: HttpClient;
let speechId: number;
let pdfId: number;

async function published(client: HttpClient, id: number) {
  const until = Date.now() + 120_000;
  while ((await client.status(id)) !== 'published') {
    assert.ok(Date.now() < until, `document ${id} published in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wy-docpage-'));
  createAdminByCli(dataDir, ADMIN.email, ADMIN.password);
  server = await spawnServer({ DATA_DIR: dataDir, JOB_POLL_MS: '100', LOG_ACCESS: 'false' });
  browser = await launchBrowser();
  // A verified seller publishes the seed speech at 5 文币 and a free PDF whose first page is its contents.
  uploader = new HttpClient(server.url);
  assert.equal(await uploader.register('writer@example.com', '基层小笔杆'), 303);
  verifyContactByCli(dataDir, 'writer@example.com');
  const verification = await uploader.submitVerification('王小笔', makeIdNumber());
  const admin = new HttpClient(server.url);
  assert.equal(await admin.login(ADMIN.email, ADMIN.password), 303);
  assert.equal((await admin.postForm(`/admin/verifications/${verification}/approve`, {})).status, 200);
  speechId = await uploader.upload(SEED_DOCX, { title: '', category: '1', price: '5' });
  const pdfPath = join(dataDir, 'annual-work-plan.pdf');
  writeFileSync(pdfPath, await tocFirstPdf());
  pdfId = await uploader.upload(pdfPath, { title: '年度工作计划（首页为目录）', category: '1', price: '0' });
  await published(uploader, speechId);
  await published(uploader, pdfId);
  // Page images are rendered by a job after publication: wait until the PDF's page shows them.
  const until = Date.now() + 180_000;
  while (!(await uploader.get(`/d/${pdfId}`)).text.includes('class="page-images"')) {
    assert.ok(Date.now() < until, 'page images rendered in time');
    await new Promise((r) => setTimeout(r, 300));
  }
});

after(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The value beside a label of the document's facts (页数, 下载次数 …). */
async function fact(page: Page, label: string): Promise<string> {
  return (
    await page
      .locator('.document__meta > div', { has: page.locator(`dt:text-is("${label}")`) })
      .locator('dd')
      .innerText()
  ).trim();
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

test('a reader sees the free part once, counts that agree, the whole 目录, a real 碎片内容 and the install card in the sidebar', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: WIDE });
  const page = await ctx.newPage();

  // The docx: text only (a flowing-text format), each free page once, no page images.
  assert.equal((await page.goto(`${server.url}/d/${speechId}`))?.status(), 200);
  const main = squash(await page.locator('#main').innerText());
  assert.equal(await page.locator('#main .page-images').count(), 0, 'no page images for a docx');
  assert.equal(occurrences(main, OPENING), 1, 'the opening of the speech is on the page exactly once');

  // The counts: 共 N 页 is the header's 页数, and 剩余 M 页 is N minus the pages shown in full.
  const cut = await page.locator('.cut__message').innerText();
  const m = /共 (\d+) 页，免费阅读(?:前 (\d+) 页(?:和第 (\d+) 页的开头)?|第 (1) 页的开头)。剩余 (\d+) 页/.exec(cut);
  assert.ok(m, cut);
  const [total, full, remaining] = [Number(m[1]), Number(m[2] ?? 0), Number(m[5])];
  const partial = m[3] ?? m[4];
  assert.equal(await fact(page, '页数'), `${total} 页`, 'the cut notice and the header agree on the total');
  assert.equal(remaining, total - full, `剩余 = 共 − 免费: ${cut}`);
  const footers = (await page.locator('#main .preview-page__number').allTextContents()).map((s) => s.trim());
  const expectedFooters = Array.from({ length: full }, (_, i) => `— ${i + 1} —`);
  if (partial) expectedFooters.push(`— ${partial}（未完）—`);
  assert.deepEqual(footers, expectedFooters, 'the pages on screen are the pages the notice counts');

  // The 目录: every numbered heading of the free text, in the speech's order, none skipped (一、 then 1、 … 6、).
  const freeText = squash(await page.locator('#main .preview-text').innerText());
  const expected = SEED_HEADINGS.filter((h) => freeText.includes(squash(h).slice(0, 12)));
  assert.ok(
    expected.some((h) => /^一、/.test(h)) && expected.filter((h) => /^\d+、/.test(h)).length >= 3,
    JSON.stringify(expected),
  );
  const toc = (await page.locator('.gongwen-outline__toc li').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(
    toc.map((s) => /^([一二三四五六七八九十]+|\d+)、/.exec(s)?.[0]),
    expected.map((h) => /^([一二三四五六七八九十]+|\d+)、/.exec(h)?.[0]),
    `目录 ${JSON.stringify(toc)}`,
  );
  for (const [i, item] of toc.entries())
    assert.ok(squash(expected[i]!).startsWith(squash(item).replace(/…$/, '').slice(0, 8)), item);

  // The install card sits in the sidebar, aligned with the sidebar's other cards.
  const card = page.locator('aside.sidebar [data-install-prompt]');
  assert.ok(await card.isVisible());
  assert.equal(await page.locator('[data-install-prompt]').count(), 1);
  const [cardBox, uploaderBox] = [await card.boundingBox(), await page.locator('.uploader-card').boundingBox()];
  assert.ok(cardBox && uploaderBox);
  assert.ok(
    Math.abs(cardBox.x - uploaderBox.x) < 1 && Math.abs(cardBox.width - uploaderBox.width) < 1,
    JSON.stringify([cardBox, uploaderBox]),
  );

  // The PDF: its free pages as images, their text once inside the closed 文字版 (not under the pictures).
  assert.equal((await page.goto(`${server.url}/d/${pdfId}`))?.status(), 200);
  const images = page.locator('#main .page-images img');
  assert.ok((await images.count()) >= 1, 'a PDF shows page images');
  const body = squash(TOC_PDF_SECTIONS[0]!.body).slice(0, 30);
  assert.equal(occurrences(squash(await page.locator('#main').innerText()), body), 0, 'no text under the images');
  const alt = page.locator('#main details.free-text-alt');
  assert.equal(await alt.getAttribute('open'), null, '文字版 starts closed');
  assert.equal(occurrences(squash((await alt.textContent()) ?? ''), body), 1, 'the text is in the page once');
  // 碎片内容 is a passage of the body, not the contents page's dot leaders.
  const fragment = (await page.locator('.fragment blockquote').innerText()).trim();
  assert.doesNotMatch(fragment, /\.{4,}|…{3,}|·{4,}/, fragment);
  assert.ok(
    TOC_PDF_SECTIONS.some((s) => squash(s.body).includes(squash(fragment).replace(/…$/, '').slice(0, 40))),
    `碎片内容 from the body: ${fragment}`,
  );

  // Elsewhere the card is never a full-width banner: in a sidebar if anywhere, and absent from error pages.
  for (const path of ['/', '/search?q=%E5%88%9B%E5%9F%8E', `/u/${await ownerId()}`, '/d/999999', '/no-such-page']) {
    const res = await page.goto(`${server.url}${path}`);
    const cards = page.locator('[data-install-prompt]');
    if ((res?.status() ?? 200) >= 400) {
      assert.equal(await cards.count(), 0, `no install card on the ${res?.status()} page ${path}`);
      continue;
    }
    for (const c of await cards.all()) {
      if (!(await c.isVisible())) continue;
      assert.equal(await c.evaluate((el) => !!el.closest('aside.sidebar')), true, `in the sidebar on ${path}`);
      assert.ok(((await c.boundingBox())?.width ?? 0) < WIDE.width / 2, `not full width on ${path}`);
    }
  }
  await ctx.close();
});

async function ownerId(): Promise<number> {
  const { text } = await uploader.get('/');
  return Number(/href="\/u\/(\d+)" class="account-nav__me"/.exec(text)?.[1] ?? /\/u\/(\d+)/.exec(text)?.[1]);
}

let ownerCtx: BrowserContext;

test('the owner sees their own actions, never 付费下载, and the delete dialog explains what the no-script page does', async () => {
  ownerCtx = await browser.newContext({ locale: 'zh-CN', viewport: WIDE });
  const owner = await ownerCtx.newPage();
  await loginInBrowser(owner, server.url, 'writer@example.com', 'correct horse 1');
  await owner.goto(`${server.url}/d/${speechId}`);
  const cta = (await owner.locator('.download-box a.button').innerText()).trim();
  assert.doesNotMatch(cta, /付费下载|文币/, cta);
  assert.equal(await owner.locator(`a[href="/d/${speechId}/buy"]`).count(), 0);
  assert.ok(await owner.locator(`.document__owner-actions a[href="/d/${speechId}/edit"]`).isVisible());
  assert.ok(await owner.locator('.document__owner-actions [data-confirm-delete]').isVisible());

  const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await ownerCtx.storageState() });
  const plain = await noJs.newPage();
  await plain.goto(`${server.url}/d/${speechId}`);
  await Promise.all([plain.waitForURL(/\/delete$/), plain.click('text=删除文档')]);
  const explanation = (await plain.locator('.confirm-delete p').first().innerText()).trim();
  assert.match(explanation, /已购买的用户仍可下载/);
  await noJs.close();

  await owner.click('text=删除文档');
  const dialog = owner.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  assert.equal((await dialog.locator('#confirm-dialog-title').innerText()).trim(), '确认删除?');
  assert.equal((await dialog.locator('#confirm-dialog-text').innerText()).trim(), explanation);
  assert.equal(await dialog.getAttribute('aria-describedby'), 'confirm-dialog-text');
  await dialog.locator('button', { hasText: '取消' }).click();
  await owner.waitForFunction(() => !document.querySelector('dialog.confirm-dialog[open]'));
  assert.equal(owner.url(), `${server.url}/d/${speechId}`, 'cancelled: still on the page');
});

test('a buyer downloading twice counts once, and keeps a working link to their copy after the uploader deletes it', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: WIDE, acceptDownloads: true });
  const buyer = await ctx.newPage();
  const buyerId = await registerInBrowser(buyer, server.url, {
    identifier: 'buyer@example.com',
    name: '读者小王',
    password: 'reader-password-1',
  });
  // The admin grants the buyer 20 文币 through 财务.
  const adminCtx = await browser.newContext({ locale: 'zh-CN' });
  const admin = await adminCtx.newPage();
  await loginInBrowser(admin, server.url, ADMIN.email, ADMIN.password);
  await admin.goto(`${server.url}/admin/finance`);
  await admin.fill('#grant-userId', String(buyerId));
  await admin.fill('#grant-amount', '20');
  await admin.fill('#grant-reason', '测试读者');
  await Promise.all([admin.waitForURL(/\/admin\/finance/), admin.click('#grant button[type=submit]')]);
  await adminCtx.close();

  await buyer.goto(`${server.url}/d/${speechId}`);
  const before = Number(await fact(buyer, '下载次数'));
  await Promise.all([buyer.waitForURL(`${server.url}/d/${speechId}/buy`), buyer.click('.download-box a.button')]);
  await buyer.check('input[name=acceptTerms]');
  const [first] = await Promise.all([buyer.waitForEvent('download', { timeout: 30_000 }), buyer.click('#confirm-buy')]);
  await first.path();
  await buyer.goto(`${server.url}/d/${speechId}`);
  const again = buyer.locator('.download-box a.button');
  assert.equal((await again.innerText()).trim(), '已购买 · 免费下载');
  const [second] = await Promise.all([buyer.waitForEvent('download'), again.click()]);
  await second.path();
  await buyer.goto(`${server.url}/d/${speechId}`);
  assert.equal(Number(await fact(buyer, '下载次数')), before + 1, '下载次数 counts the buyer once');

  // The uploader deletes it through the dialog; the buyer's page is 410 with a link that downloads their copy.
  const owner = ownerCtx.pages()[0]!;
  await owner.goto(`${server.url}/d/${speechId}`);
  await owner.click('text=删除文档');
  const dialog = owner.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  await Promise.all([owner.waitForURL(/\/my\/documents/), dialog.locator('button', { hasText: '确认删除' }).click()]);
  await ownerCtx.close();

  assert.equal((await buyer.goto(`${server.url}/d/${speechId}`))?.status(), 410);
  const link = buyer.locator(`#bought-deleted a[href="/d/${speechId}/download"]`);
  assert.ok(await link.isVisible(), 'the 410 page links to the download');
  const [copy] = await Promise.all([buyer.waitForEvent('download'), link.click()]);
  const saved = join(dataDir, 'copy.docx');
  await copy.saveAs(saved);
  assert.equal(readFileSync(saved).subarray(0, 2).toString('latin1'), 'PK', 'the copy is the bought .docx');
  assert.match(copy.suggestedFilename(), /\.docx$/);
  // A reader who never bought it gets the plain 410, without the link.
  const stranger = await browser.newContext();
  const gone = await stranger.newPage();
  assert.equal((await gone.goto(`${server.url}/d/${speechId}`))?.status(), 410);
  assert.equal(await gone.locator('#bought-deleted').count(), 0);
  await stranger.close();
  await ctx.close();
});

// Issue #13 in Chromium: the multipart forms moved onto the shared form pattern keep what was typed. Real-name
// verification and the copyright notice post to their own address (no ?_csrf= in the address bar, the token is the
// body's first field); a refusal comes back at 422 with the sentence beside the field, the summary linking to it,
// everything typed still there but the ID number (the field asks for it again) and the files (chosen again).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page, Response } from 'playwright-core';
import { launchBrowser } from '../src/testing/browser.ts';
import { registerInBrowser } from '../src/testing/browser-flows.ts';
import { type ServerProcess, spawnServer, verifyContactByCli } from '../src/testing/process.ts';
import { makeIdNumber } from '../src/testing/verification.ts';

const NUMBER = makeIdNumber({ region: '330106', birth: '19860412', seq: '215' });
const WRONG_CHECK = NUMBER.slice(0, 17) + (NUMBER.endsWith('0') ? '1' : '0');
const NOT_AN_IMAGE = { name: '身份证.png', mimeType: 'image/png', buffer: Buffer.from('不是图片'.repeat(30)) };

let server: ServerProcess;
let browser: Browser;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wy-multipart-forms-'));
  server = await spawnServer({ DATA_DIR: dataDir, JOB_POLL_MS: '100', LOG_ACCESS: 'false' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Submits the form `selector` and returns the response of the POST it makes. */
async function submit(page: Page, selector: string): Promise<Response> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    page.click(`${selector} button[type=submit]`),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return res;
}

const path = (page: Page) => new URL(page.url()).pathname + new URL(page.url()).search;

test('real-name verification: a refused submit keeps the name and the consent, asks again for number and photo', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  await registerInBrowser(page, server.url, {
    identifier: 'zhang@example.com',
    name: '张小笔',
    password: 'pen-and-ink-2024',
  });
  verifyContactByCli(dataDir, 'zhang@example.com');
  await page.goto(`${server.url}/account/verification`);
  assert.equal(await page.getAttribute('#verification', 'action'), '/account/verification');
  await page.fill('#verification-legalName', '张小笔');
  await page.fill('#verification-idNumber', WRONG_CHECK);
  await page.setInputFiles('#verification-photo', NOT_AN_IMAGE);
  await page.check('#verification-consent');
  const res = await submit(page, '#verification');
  assert.equal(res.status(), 422);
  assert.equal(path(page), '/account/verification', 'no token in the address bar');
  assert.equal(await page.inputValue('#verification-legalName'), '张小笔');
  assert.equal(await page.isChecked('#verification-consent'), true);
  assert.equal(await page.inputValue('#verification-idNumber'), '', 'the number is never written back');
  assert.equal(await page.getAttribute('#verification-idNumber', 'aria-invalid'), 'true');
  assert.match((await page.locator('#verification-idNumber-error').textContent()) ?? '', /校验位不正确/);
  assert.match((await page.locator('#verification-idNumber-hint').textContent()) ?? '', /请重新填写/);
  assert.match((await page.locator('#verification-photo-hint').textContent()) ?? '', /请重新选择/);
  // The summary is focused, and its link moves focus to the field.
  assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')), true);
  await page.click('.form__errors a[href="#verification-idNumber"]');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'verification-idNumber', 'the field focused');

  // Corrected, the same form goes through.
  await page.fill('#verification-idNumber', NUMBER);
  await page.setInputFiles('#verification-photo', []);
  const ok = await submit(page, '#verification');
  assert.equal(ok.status(), 303);
  assert.match(path(page), /^\/account\/verification\?notice=submitted/);
  await ctx.close();
});

test('copyright notice: a refused submit keeps every field typed but the identity number and the files', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  await registerInBrowser(page, server.url, {
    identifier: 'rights@example.com',
    name: '青石出版社',
    password: 'pen-and-ink-2024',
  });
  await page.goto(`${server.url}/copyright`);
  assert.equal(await page.getAttribute('#notice', 'action'), '/copyright');
  await page.check('#notice-holderKind-organisation');
  await page.fill('#notice-holderName', '青石出版社有限公司');
  await page.selectOption('#notice-idType', 'uscc');
  await page.fill('#notice-idNumber', '91350100M000100Y43');
  await page.fill('#notice-phone', '电话号码');
  await page.fill('#notice-address', '福建省福州市鼓楼区五四路 1 号');
  await page.fill('#notice-workTitle', '基层治理讲话稿汇编');
  await page.fill('#notice-workAuthor', '林青石');
  await page.fill('#notice-workPublished', '2024 年 3 月，青石出版社');
  await page.fill('#notice-documents', '/d/1');
  await page.fill('#notice-proofText', '本社享有该作品的专有出版权，附著作权登记证书。');
  await page.setInputFiles('#notice-proof', {
    name: '证书.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
  });
  await page.check('#notice-sworn');
  const res = await submit(page, '#notice');
  assert.equal(res.status(), 422);
  assert.equal(path(page), '/copyright');
  assert.match((await page.locator('#notice-phone-error').textContent()) ?? '', /联系电话格式不正确/);
  assert.equal(await page.inputValue('#notice-phone'), '电话号码');
  assert.equal(await page.isChecked('#notice-holderKind-organisation'), true);
  assert.equal(await page.inputValue('#notice-holderName'), '青石出版社有限公司');
  assert.equal(await page.inputValue('#notice-idType'), 'uscc');
  assert.equal(await page.inputValue('#notice-workPublished'), '2024 年 3 月，青石出版社');
  assert.equal(await page.inputValue('#notice-documents'), '/d/1');
  assert.equal(await page.inputValue('#notice-proofText'), '本社享有该作品的专有出版权，附著作权登记证书。');
  assert.equal(await page.isChecked('#notice-sworn'), true);
  assert.equal(await page.inputValue('#notice-idNumber'), '');
  assert.match((await page.locator('#notice-proof-hint').textContent()) ?? '', /请重新选择/);
  await ctx.close();
});

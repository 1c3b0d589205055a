// Issue #13 in Chromium: the upload queue (several files, a progress bar each, each file's status until published or
// refused with the reason), the upload form without script (no ?_csrf= in the address, a refusal keeps the input),
// and other forms keeping what was typed after a refusal (register, login, the admin's grant).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page, Response } from 'playwright-core';
import { launchBrowser } from '../src/testing/browser.ts';
import { CORPUS_DIR } from '../src/testing/paths.ts';
import { type ServerProcess, spawnServer } from '../src/testing/process.ts';

// Two real 公文 drafts from the corpus (read at test time), and a text file posing as a .docx.
const GOOD = [
  `${CORPUS_DIR}docx-zh/gfsgongwen__测试文案.docx`,
  `${CORPUS_DIR}docx-zh/agengcc__tests__fixtures__docx__public_service_guide_single_paragraph.docx`,
];
const FAKE = {
  name: '伪装成文档.docx',
  mimeType: 'application/octet-stream',
  buffer: Buffer.from('这其实是一段纯文本。\n'.repeat(20)),
};

let server: ServerProcess;
let browser: Browser;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wy-forms-'));
  const env = { DATA_DIR: dataDir, JOB_POLL_MS: '100', LOG_ACCESS: 'false' };
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/index.ts',
      'create-admin',
      '--email',
      'admin@example.com',
      '--password',
      'admin-password-1',
    ],
    { env: { ...process.env, ...env }, stdio: 'pipe' },
  );
  server = await spawnServer(env);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Submits the page's main form and returns the response of the POST it makes. */
async function submit(page: Page, selector = '#main button[type=submit]'): Promise<Response> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    page.click(selector),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return res;
}

async function register(page: Page, identifier: string, name: string) {
  await page.goto(`${server.url}/register`);
  await page.fill('[name="identifier"]', identifier);
  await page.fill('[name="displayName"]', name);
  await page.fill('[name="password"]', 'pen-and-ink-2024');
  await page.fill('[name="passwordConfirm"]', 'pen-and-ink-2024');
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('#main button[type=submit]')]);
}

test('register and login refusals keep what was typed (never the password)', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/register`);
  await page.fill('[name="identifier"]', 'keeper@example.com');
  await page.fill('[name="displayName"]', '留痕的人');
  await page.fill('[name="password"]', 'pen-and-ink-2024');
  await page.fill('[name="passwordConfirm"]', 'another-one-2024');
  const res = await submit(page);
  assert.ok(res.status() >= 400 && res.status() < 500, String(res.status()));
  assert.equal(await page.inputValue('[name="identifier"]'), 'keeper@example.com');
  assert.equal(await page.inputValue('[name="displayName"]'), '留痕的人');
  assert.equal(await page.inputValue('[name="password"]'), '', 'a password is never written back');
  assert.ok(await page.locator('.form__errors[role=alert]').isVisible());
  // The sentence sits beside the field it is about, which says it is invalid; the summary links to it.
  assert.equal(await page.locator('#register-passwordConfirm-error').innerText(), '两次输入的密码不一致');
  assert.equal(await page.getAttribute('#register-passwordConfirm', 'aria-invalid'), 'true');
  assert.equal(await page.locator('.form__errors a[href="#register-passwordConfirm"]').count(), 1);

  await register(page, 'keeper@example.com', '留痕的人');
  await page.click('form[action="/logout"] button');
  await page.goto(`${server.url}/login`);
  await page.fill('[name="identifier"]', 'keeper@example.com');
  await page.fill('[name="password"]', 'wrong-password-1');
  const refused = await submit(page);
  assert.ok(refused.status() >= 400, String(refused.status()));
  assert.equal(await page.inputValue('[name="identifier"]'), 'keeper@example.com');
  assert.ok(await page.locator('.form__errors[role=alert]').isVisible());
  // A failed login never says which of the two was wrong: no field is marked.
  assert.equal(await page.locator('.field__error, [aria-invalid=true]').count(), 0);
  await ctx.close();
});

test('without script: the upload form posts to /upload, and a refusal comes back with the input and the reason', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
  const page = await ctx.newPage();
  await register(page, 'nojs@example.com', '不用脚本');
  await page.goto(`${server.url}/upload`);
  await page.fill('#upload-title', '二〇二六年度工作要点');
  await page.selectOption('#upload-category', { label: '工作计划' });
  await page.fill('#upload-description', '办公室的<草稿>');
  await page.fill('#upload-price', '0');
  await page.setInputFiles('#upload-file', FAKE);
  const res = await submit(page);
  assert.equal(res.status(), 422);
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/upload', 'no token in the address bar');
  assert.doesNotMatch(await page.content(), /返回首页/);
  assert.equal(await page.inputValue('#upload-title'), '二〇二六年度工作要点');
  assert.equal(await page.inputValue('#upload-description'), '办公室的<草稿>');
  assert.equal(await page.inputValue('#upload-price'), '0');
  assert.equal(
    await page.locator('#upload-category option:checked').textContent(),
    '工作计划',
    'the category chosen stays chosen',
  );
  // The first refusal found is named beside its field and linked from the summary.
  const invalid = page.locator('[aria-invalid="true"]');
  assert.equal(await invalid.count(), 1);
  const id = await invalid.getAttribute('id');
  assert.ok(await page.locator(`#${id}-error`).isVisible());
  assert.ok(await page.locator(`.form__errors a[href="#${id}"]`).isVisible());
  await ctx.close();
});

test('with script: several files at once, a progress bar each, then each status until published or refused', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  await register(page, 'queue@example.com', '批量上传');
  await page.goto(`${server.url}/upload`);
  // Record every status line the queue shows, to see the progress being reported.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('.upload-queue__item > span:last-of-type, [data-doc-status]'))
        if (el.textContent && !seen.includes(el.textContent)) seen.push(el.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.selectOption('#upload-category', { label: '其他' });
  await page.setInputFiles('#upload-file', [
    { name: 'a-测试文案.docx', mimeType: 'application/octet-stream', buffer: readFileSync(GOOD[0]!) },
    { name: 'b-办事指南.docx', mimeType: 'application/octet-stream', buffer: readFileSync(GOOD[1]!) },
    FAKE,
  ]);
  const rows = page.locator('[data-upload-queue] > li');
  assert.equal(await rows.count(), 3, 'one row per file');
  assert.equal((await page.locator('#main button[type=submit]').textContent())?.trim(), '上传 3 个文件');
  // Each file has its own editable title; the single title field is hidden.
  assert.equal(await page.locator('.upload__single-title').isHidden(), true);
  await rows.nth(0).locator('input').fill('公文测试文案（自定标题）');
  await page.click('#main button[type=submit]');

  // The refused file says why at once; the good ones go to 100 % and are then polled.
  await page.waitForFunction(
    () => document.querySelectorAll('[data-upload-queue] > li[data-state="failed"]').length === 1,
    null,
    {
      timeout: 60_000,
    },
  );
  assert.match((await rows.nth(2).textContent()) ?? '', /上传失败：文件内容与扩展名不符/);
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-upload-queue] [data-doc-status]')].filter((el) =>
        ['published', 'rejected', 'review'].includes(el.getAttribute('data-status') ?? ''),
      ).length === 2,
    null,
    { timeout: 180_000 },
  );
  for (const n of [0, 1]) {
    assert.equal(
      await rows
        .nth(n)
        .locator('progress')
        .evaluate((el) => (el as HTMLProgressElement).value),
      100,
    );
    assert.equal(await rows.nth(n).locator('[data-doc-status]').getAttribute('data-status'), 'published');
    assert.equal((await rows.nth(n).locator('[data-doc-status]').textContent())?.trim(), '已发布');
  }
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  assert.ok(
    seen.some((s) => /^正在上传 \d+%$/.test(s)),
    `progress reported: ${JSON.stringify(seen)}`,
  );
  assert.ok(
    seen.includes('已上传，等待转换') || seen.includes('排队中') || seen.includes('转换中'),
    JSON.stringify(seen),
  );
  // The title typed for the first file is the document's title.
  const href = await rows.nth(0).locator('a[href^="/d/"]').getAttribute('href');
  await page.goto(`${server.url}${href}`);
  assert.match((await page.locator('h1').first().textContent()) ?? '', /公文测试文案（自定标题）/);
  // 我的文档 lists both with 查看, 编辑 and 删除.
  await page.goto(`${server.url}/my/documents`);
  assert.equal(await page.locator('.row-actions a[data-delete-link]').count(), 2);
  assert.equal(await page.locator('.row-actions a[data-edit-link]').count(), 2);
  await ctx.close();
});

test("the admin's grant form keeps its input and names the refused field", async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill('[name="identifier"]', 'admin@example.com');
  await page.fill('[name="password"]', 'admin-password-1');
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('#main button[type=submit]'),
  ]);
  await page.goto(`${server.url}/admin/finance`);
  // System accounts in words, not their codes.
  assert.doesNotMatch(await page.locator('#main').innerText(), /platform:revenue|system:grants/);
  await page.fill('#grant-userId', '987654');
  await page.fill('#grant-amount', '5');
  await page.fill('#grant-reason', '征文活动奖励');
  const res = await submit(page, '#grant button[type=submit]');
  assert.equal(res.status(), 422);
  assert.equal(await page.inputValue('#grant-userId'), '987654');
  assert.equal(await page.inputValue('#grant-amount'), '5');
  assert.equal(await page.inputValue('#grant-reason'), '征文活动奖励');
  assert.equal(await page.getAttribute('#grant-userId', 'aria-invalid'), 'true');
  assert.match((await page.locator('#grant-userId-error').textContent()) ?? '', /没有这个用户编号/);
  await ctx.close();
});

// Browser-journey steps shared by the e2e tests: accounts through the real forms, the operator's CLI.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `wenyuan create-admin` against a DATA_DIR, before the server starts. */
export function createAdminByCli(dataDir: string, email: string, password: string): void {
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', 'create-admin', '--email', email, '--password', password],
    { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: 'pipe' },
  );
}

/** Registers through /register in the page (and stays signed in); returns the new user's id from the header. */
export async function registerInBrowser(
  page: Page,
  base: string,
  account: { identifier: string; name: string; password: string },
): Promise<number> {
  await page.goto(`${base}/register`);
  await page.fill('[name="identifier"]', account.identifier);
  await page.fill('[name="displayName"]', account.name);
  await page.fill('[name="password"]', account.password);
  await page.fill('[name="passwordConfirm"]', account.password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('#main button[type=submit]')]);
  const href = await page.locator('.account-nav__me').getAttribute('href');
  return Number(/\/u\/(\d+)/.exec(href ?? '')?.[1]);
}

/** Signs in through /login in the page. */
export async function loginInBrowser(page: Page, base: string, identifier: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('[name="identifier"]', identifier);
  await page.fill('[name="password"]', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('#main button[type=submit]'),
  ]);
}

// The browser audit (`npm run audit:browser`, which .ci/run runs after `npm test`): Lighthouse 12.2.3
// (mobile) on six key pages, axe-core on every page a visitor, a user and an admin reach by following links, the
// widest page at 390 px over the documents with the longest titles, the byte budget, and screenshots. It prints one
// table and returns the failures against the thresholds (performance is reported, never failed: the machine is shared).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchBrowser } from '../../src/testing/browser.ts';
import { ADMIN, type AuditSite, PASSWORD, READER, UPLOADER } from './site.ts';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The thresholds of issue #13. */
export const THRESHOLDS = {
  accessibility: 100,
  bestPractices: 100,
  seo: 100,
  jsKb: 30,
  totalKb: 60,
  width390: 390,
} as const;

/** One Lighthouse row. */
export interface LighthouseRow {
  name: string;
  path: string;
  performance: number;
  accessibility: number;
  bestPractices: number;
  seo: number;
  indexable: boolean;
  jsKb: number;
  totalKb: number;
  failedAudits: string[];
}

/** One axe row. */
export interface AxeRow {
  persona: string;
  path: string;
  serious: number;
  critical: number;
  ids: string[];
}

/** What the audit measured, and what failed. */
export interface AuditReport {
  lighthouse: LighthouseRow[];
  axe: AxeRow[];
  widest: { path: string; width: number };
  failures: string[];
  table: string;
}

type Persona = 'visitor' | 'user' | 'admin';

async function loginContext(browser: Browser, base: string, who?: { email: string; password: string }) {
  const context = await browser.newContext({ locale: 'zh-CN', bypassCSP: true });
  if (who) {
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('[name="identifier"]', who.email);
    await page.fill('[name="password"]', who.password);
    await Promise.all([
      page.waitForURL((u) => !u.pathname.startsWith('/login')),
      page.click('#main button[type=submit]'),
    ]);
    await page.close();
  }
  return context;
}

// Paths never walked: they change state, stream files, or are one of thousands of equivalent list pages.
const SKIP = /^\/(logout|dl\/|static\/|api\/|d\/\d+\/(download|pages)|u\/\d+\/avatar|site\/service-qr|payments\/)/;

/** Same-site GET links of a page, normalised, for the crawl. */
async function linksOf(page: Page, base: string): Promise<string[]> {
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
  const out = new Set<string>();
  for (const h of hrefs) {
    if (!h.startsWith(base)) continue;
    const u = new URL(h);
    if (SKIP.test(u.pathname)) continue;
    // One page of each list is enough: drop paging and sorting variations.
    for (const k of ['page', 'sort', 'order', 'next', 'notice']) u.searchParams.delete(k);
    out.add(`${u.pathname}${u.search}`);
  }
  return [...out];
}

/** axe-core on one loaded page: serious and critical violations. */
async function axeOn(page: Page): Promise<{ serious: number; critical: number; ids: string[] }> {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }).axe;
    const r = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations as Array<{ id: string; impact: string; nodes: unknown[] }>;
  });
  const serious = violations.filter((v) => v.impact === 'serious');
  const critical = violations.filter((v) => v.impact === 'critical');
  return {
    serious: serious.reduce((n, v) => n + v.nodes.length, 0),
    critical: critical.reduce((n, v) => n + v.nodes.length, 0),
    ids: [...serious, ...critical].map((v) => v.id),
  };
}

/** Walks every page a persona reaches by following links from `starts` (bounded), running axe on each. */
async function crawlAxe(context: BrowserContext, base: string, persona: Persona, starts: string[], max: number) {
  const rows: AxeRow[] = [];
  const seen = new Set<string>();
  const queue = [...starts];
  const page = await context.newPage();
  while (queue.length && rows.length < max) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    // A link that answers with a file or aborts (a download, a redirect off-site) is no page to audit.
    const res = await page.goto(`${base}${path}`, { waitUntil: 'load' }).catch(() => null);
    if (!res || new URL(page.url()).origin !== base) continue;
    const landed = new URL(page.url());
    const r = await axeOn(page);
    rows.push({ persona, path: `${landed.pathname}${landed.search}`, ...r });
    process.stderr.write(`axe ${persona} ${path}: ${r.serious} serious, ${r.critical} critical ${r.ids.join(',')}\n`);
    for (const l of await linksOf(page, base)) if (!seen.has(l)) queue.push(l);
  }
  await page.close();
  return rows;
}

/** The widest page at a 390 px viewport over `paths`. */
async function widestAt390(browser: Browser, base: string, paths: string[], who?: { email: string; password: string }) {
  const context = await loginContext(browser, base, who);
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  let widest = { path: '', width: 0 };
  for (const path of paths) {
    await page.goto(`${base}${path}`, { waitUntil: 'load' });
    const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
    if (width > widest.width) widest = { path, width };
  }
  await context.close();
  return widest;
}

/** Runs of Lighthouse on one URL when a run measured nothing (see `lighthouseOn`). */
const LIGHTHOUSE_RUNS = 3;

/**
 * Lighthouse (mobile, the default form factor) on one URL, with the session cookie when given. A run in which
 * Lighthouse itself failed — a `runtimeError`, or a category left without a score (audits that threw; a CI run on a
 * loaded machine once printed 0 for the paid document's performance and best practices with no failed audit, which
 * is what such a run looks like, and the page scored 98 / 100 on the next run) — measured nothing about the page
 * and is run again, up to LIGHTHOUSE_RUNS times; a page that scores low is never re-run. If every run failed, the
 * row carries the scores as 0 and the reason.
 */
async function lighthouseOn(port: number, base: string, name: string, path: string, cookie?: string) {
  let lhr: NonNullable<Awaited<ReturnType<typeof lighthouse>>>['lhr'];
  let failure = '';
  for (let run = 1; ; run++) {
    const result = await lighthouse(
      `${base}${path}`,
      {
        port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
        ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
      },
      undefined,
    );
    if (!result) throw new Error(`lighthouse gave no result for ${path}`);
    lhr = result.lhr;
    const unscored = Object.values(lhr.categories)
      .filter((c) => c.score === null)
      .map((c) => c.id);
    failure = lhr.runtimeError
      ? `runtimeError ${lhr.runtimeError.code}`
      : unscored.length
        ? `no score: ${unscored.join(', ')}`
        : '';
    if (!failure || run >= LIGHTHOUSE_RUNS) break;
    console.log(`lighthouse ${name}: run ${run} measured nothing (${failure}); running it again`);
  }
  const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const items =
    (lhr.audits['network-requests']?.details as { items?: Array<Record<string, unknown>> } | undefined)?.items ?? [];
  let js = 0;
  let total = 0;
  for (const it of items) {
    const bytes = Number(it.transferSize ?? 0);
    const type = String(it.resourceType ?? '');
    if (type === 'Image') continue;
    total += bytes;
    if (type === 'Script') js += bytes;
  }
  const failedAudits = Object.values(lhr.categories)
    .filter((c) => c.id !== 'performance')
    .flatMap((c) => c.auditRefs.map((r) => lhr.audits[r.id]))
    .filter((a) => a && a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
    .map((a) => a!.id);
  if (failure) failedAudits.push(failure);
  return {
    name,
    path,
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    seo: score('seo'),
    indexable: lhr.audits['is-crawlable']?.score === 1,
    jsKb: Math.round(js / 102.4) / 10,
    totalKb: Math.round(total / 102.4) / 10,
    failedAudits: [...new Set(failedAudits)],
  } satisfies LighthouseRow;
}

function cookieHeader(cookies: Array<{ name: string; value: string }>) {
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Screenshots of home, a document, search and upload at phone and desktop sizes, into `dir`. */
async function screenshots(browser: Browser, base: string, paidId: number, dir: string) {
  mkdirSync(dir, { recursive: true });
  const shots: Array<[string, string]> = [
    ['home', '/'],
    ['document', `/d/${paidId}`],
    ['search', `/search?q=${encodeURIComponent('讲话')}`],
    ['upload', '/upload'],
  ];
  for (const [w, h] of [
    [390, 844],
    [1440, 900],
  ] as const) {
    const context = await loginContext(browser, base, { email: READER.email, password: PASSWORD });
    const page = await context.newPage();
    await page.setViewportSize({ width: w, height: h });
    for (const [name, path] of shots) {
      await page.goto(`${base}${path}`, { waitUntil: 'load' });
      // JPEG at quality 70: a tenth of the PNG's bytes for the README, text still legible.
      await page.screenshot({ path: join(dir, `${name}-${w}.jpg`), type: 'jpeg', quality: 70 });
    }
    await context.close();
  }
}

function pad(s: string | number, n: number) {
  const str = String(s);
  return str.length >= n ? str : str + ' '.repeat(n - str.length);
}

/** Runs the whole audit against a started site. */
export async function runBrowserAudit(
  site: AuditSite,
  opts: { screenshotsDir?: string; maxPagesPerPersona?: number } = {},
): Promise<AuditReport> {
  const base = site.url;
  const browser = await launchBrowser();
  const failures: string[] = [];
  try {
    // 1. axe on every page each persona reaches.
    const max = opts.maxPagesPerPersona ?? 45;
    const visitor = await loginContext(browser, base);
    const user = await loginContext(browser, base, { email: READER.email, password: PASSWORD });
    const uploader = await loginContext(browser, base, { email: UPLOADER.email, password: PASSWORD });
    const admin = await loginContext(browser, base, ADMIN);
    const docPaths = [site.paidId, ...site.docIds].map((id) => `/d/${id}`);
    const axe = [
      ...(await crawlAxe(
        visitor,
        base,
        'visitor',
        ['/', ...docPaths, '/search?q=讲话', '/login', '/register', '/d/999999'],
        max,
      )),
      ...(await crawlAxe(
        user,
        base,
        'user',
        ['/my/documents', '/upload', `/d/${site.paidId}`, `/d/${site.paidId}/buy`, '/my/wallet', '/settings/security'],
        max,
      )),
      ...(await crawlAxe(uploader, base, 'user', ['/my/documents', `/d/${site.paidId}`, '/my/earnings'], 12)),
      ...(await crawlAxe(
        admin,
        base,
        'admin',
        // The staff forms' pages first: the crawl's cap could leave them behind /admin's many links.
        [
          '/admin',
          `/admin/users/${site.uploaderId}`,
          '/admin/verifications',
          '/admin/privacy',
          '/admin/reports',
          '/admin/review',
          ...docPaths.slice(0, 1),
        ],
        max,
      )),
    ];
    for (const r of axe)
      if (r.serious + r.critical > 0)
        failures.push(`axe ${r.persona} ${r.path}: ${r.serious} serious, ${r.critical} critical (${r.ids.join(', ')})`);

    // 2. No page wider than a phone: documents with the longest titles, search for them, the uploader's page.
    const widthPaths = [...docPaths, '/search?q=final', '/search?q=BackgroundReport', `/u/${site.uploaderId}`, '/'];
    const widest = await widestAt390(browser, base, widthPaths);
    const widestUser = await widestAt390(browser, base, ['/my/documents', '/upload'], {
      email: UPLOADER.email,
      password: PASSWORD,
    });
    const wide = widestUser.width > widest.width ? widestUser : widest;
    process.stderr.write(`widest at 390 px: ${wide.width} (${wide.path})\n`);
    if (wide.width > THRESHOLDS.width390) failures.push(`${wide.path} is ${wide.width} px wide at 390 px`);

    // 3. Lighthouse on the six key pages (its own Chromium: Lighthouse drives it over the DevTools port).
    const userCookie = cookieHeader(await user.cookies());
    for (const c of [visitor, user, uploader, admin]) await c.close();
    const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: FLAGS });
    const rows: LighthouseRow[] = [];
    try {
      const pages: Array<[string, string, string | undefined]> = [
        ['home', '/', undefined],
        ['paid document', `/d/${site.paidId}`, undefined],
        ['search', `/search?q=${encodeURIComponent('讲话')}`, undefined],
        ['upload', '/upload', userCookie],
        ['uploader', `/u/${site.uploaderId}`, undefined],
        ['login', '/login', undefined],
      ];
      for (const [name, path, cookie] of pages) {
        const row = await lighthouseOn(chrome.port, base, name, path, cookie);
        process.stderr.write(`lighthouse ${JSON.stringify(row)}\n`);
        rows.push(row);
      }
    } finally {
      chrome.kill();
    }
    for (const r of rows) {
      if (r.accessibility < THRESHOLDS.accessibility)
        failures.push(`lighthouse ${r.name}: accessibility ${r.accessibility} (${r.failedAudits.join(', ')})`);
      if (r.bestPractices < THRESHOLDS.bestPractices)
        failures.push(`lighthouse ${r.name}: best practices ${r.bestPractices} (${r.failedAudits.join(', ')})`);
      if (r.indexable && r.seo < THRESHOLDS.seo)
        failures.push(`lighthouse ${r.name}: SEO ${r.seo} (${r.failedAudits.join(', ')})`);
      if (r.jsKb > THRESHOLDS.jsKb) failures.push(`lighthouse ${r.name}: ${r.jsKb} KB of compressed JS`);
      if (r.totalKb > THRESHOLDS.totalKb)
        failures.push(`lighthouse ${r.name}: ${r.totalKb} KB compressed before images`);
    }

    // 4. Screenshots for the README.
    if (opts.screenshotsDir) await screenshots(browser, base, site.paidId, opts.screenshotsDir);

    const lines = [
      `${pad('page', 16)}${pad('perf', 6)}${pad('a11y', 6)}${pad('bp', 6)}${pad('seo', 8)}${pad('JS KB', 8)}${pad('total KB', 9)}`,
      ...rows.map(
        (r) =>
          `${pad(r.name, 16)}${pad(r.performance, 6)}${pad(r.accessibility, 6)}${pad(r.bestPractices, 6)}${pad(
            r.indexable ? r.seo : `${r.seo}*`,
            8,
          )}${pad(r.jsKb, 8)}${pad(r.totalKb, 9)}`,
      ),
      `(* not indexable: SEO not held to 100; perf reported only; budget JS ≤ ${THRESHOLDS.jsKb} KB, total ≤ ${THRESHOLDS.totalKb} KB)`,
      ...(['visitor', 'user', 'admin'] as const).map((p) => {
        const mine = axe.filter((r) => r.persona === p);
        const serious = mine.reduce((n, r) => n + r.serious, 0);
        const critical = mine.reduce((n, r) => n + r.critical, 0);
        return `axe ${pad(p, 8)} ${pad(mine.length, 3)} pages: ${serious} serious, ${critical} critical`;
      }),
      `widest page at 390 px: ${wide.width} px (${wide.path})`,
      failures.length ? `FAILED:\n  ${failures.join('\n  ')}` : 'all thresholds met',
    ];
    return { lighthouse: rows, axe, widest: wide, failures, table: lines.join('\n') };
  } finally {
    await browser.close();
  }
}

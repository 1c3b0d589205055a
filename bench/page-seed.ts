// Seeding for bench/page.ts: one published paid document, made through HTTP the way a user makes it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { makeIdNumber } from '../src/testing/verification.ts';
import { REPO } from './page-procs.ts';

const SEED_FILE = resolve(REPO, '../shared/seed/seed-speech.docx');

/** A cookie-keeping client that seeds through the same forms a user fills in. */
class Visitor {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }

  /** The CSRF token of the form on `path`: a hidden field, or the `?_csrf=` of the multipart upload form. */
  async csrf(path: string): Promise<string> {
    const res = await this.fetch(path);
    const html = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /_csrf=([^"&]+)/.exec(html);
    if (!m?.[1]) throw new Error(`no CSRF token on ${path} (status ${res.status})`);
    return decodeURIComponent(m[1].replaceAll('&amp;', '&'));
  }
}

/**
 * Seeds one published document the way a user would:
 * 1. register with a mobile number and confirm it with the code the console SMS adapter writes to the server's log
 * (selling needs a verified contact; the confirmation logs in); 2. submit the real-name verification (selling needs
 * it), approved by an admin the CLI creates; 3. upload the seed .docx; 4. poll the status API until it is published.
 */
export async function seed(base: string, env: Record<string, string>, logFile: string): Promise<number> {
  const v = new Visitor(base);
  const password = 'correct horse 1';
  const phone = '13800138000';
  const registered = await v.fetch('/register', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: await v.csrf('/register'),
      identifier: phone,
      displayName: '基层小笔杆',
      password,
      passwordConfirm: password,
    }),
  });
  if (registered.status !== 200) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  const confirmed = await v.fetch('/register/confirm', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: await v.csrf('/register'),
      identifier: phone,
      code: await smsCode(logFile, '138****8000', 'verify'),
    }),
  });
  if (confirmed.status !== 303) throw new Error(`confirmation answered ${confirmed.status}: ${await confirmed.text()}`);
  await verifySeller(base, v, env);

  const form = new FormData();
  form.set('title', '在高新区创建全国文明城市工作推进会上的讲话');
  form.set('category', '1');
  form.set('description', '基层讲话稿素材');
  form.set('price', '300');
  form.set('file', new Blob([readFileSync(SEED_FILE)]), basename(SEED_FILE));
  const token = await v.csrf('/upload');
  const uploaded = await v.fetch(`/upload?_csrf=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: form,
  });
  if (uploaded.status !== 201) throw new Error(`upload answered ${uploaded.status}: ${await uploaded.text()}`);
  const { id } = (await uploaded.json()) as { id: number };

  const until = Date.now() + 180_000;
  for (;;) {
    const res = await v.fetch(`/api/documents/${id}/status`, { headers: { accept: 'application/json' } });
    const s = (await res.json()) as { status: string; reason: string | null };
    if (s.status === 'published') return id;
    if (s.status === 'rejected') throw new Error(`seed document rejected: ${s.reason}`);
    if (Date.now() > until) throw new Error(`seed document still ${s.status} after 180 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The newest code the console SMS adapter logged for a masked number and purpose (waits up to 5 s for the line). */
async function smsCode(logFile: string, masked: string, purpose: string): Promise<string> {
  const re = new RegExp(`SMS code for ${masked.replace(/\*/g, '\\*')}: (\\d{6}) \\(${purpose}\\)`, 'g');
  for (let i = 0; i < 50; i++) {
    const codes = [...readFileSync(logFile, 'utf8').matchAll(re)];
    const last = codes.at(-1)?.[1];
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${purpose} SMS code for ${masked} in ${logFile}`);
}

/** Real-name verification of the seeding user: their submission, approved by an admin made with `create-admin`. */
async function verifySeller(base: string, seller: Visitor, env: Record<string, string>) {
  const admin = { email: 'bench-admin@example.com', password: 'bench-admin-password' };
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', 'create-admin', '--email', admin.email, '--password', admin.password],
    { cwd: REPO, env: { ...process.env, ...env }, stdio: 'pipe' },
  );
  const form = new FormData();
  // The token first, as the page's form sends it (decision 0024).
  form.set('_csrf', await seller.csrf('/account/verification'));
  form.set('legalName', '张小笔');
  form.set('idNumber', makeIdNumber());
  form.set('consent', '1');
  const submitted = await seller.fetch('/account/verification', {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: form,
  });
  if (submitted.status !== 201) throw new Error(`verification answered ${submitted.status}: ${await submitted.text()}`);
  const { id } = (await submitted.json()) as { id: number };
  const a = new Visitor(base);
  const login = await a.fetch('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: await a.csrf('/login'), identifier: admin.email, password: admin.password }),
  });
  if (login.status !== 303) throw new Error(`admin login answered ${login.status}`);
  const approved = await a.fetch(`/admin/verifications/${id}/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ _csrf: await a.csrf('/admin/verifications') }),
  });
  if (approved.status !== 200) throw new Error(`approval answered ${approved.status}: ${await approved.text()}`);
}

// What e2e/multi-process.test.ts drives its processes with: the 100 corpus documents it uploads, a cookie-keeping
// client bound to no process, and a bounded pool of concurrent calls.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESSION_COOKIE } from '../web/cookies.ts';
import { CORPUS_DIR } from './paths.ts';

/** 100 real documents that publish: 公文 and course Word files, Chinese PDFs, PRC laws as text. */
export function corpusFiles(): string[] {
  const rows = readFileSync(join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((r) => r.length >= 7);
  const num = (note: string, re: RegExp) => Number(re.exec(note)?.[1] ?? 0);
  const docx = rows
    .filter((r) => r[5] === 'docx-zh' && num(r[6]!, /CJK chars=(\d+)/) >= 300 && Number(r[4]) < 300_000)
    .map((r) => r[0]!);
  const pdf = rows
    .filter((r) => r[5] === 'pdf-zh' && num(r[6]!, /first 5 pages=(\d+)/) >= 300 && Number(r[4]) < 400_000)
    .map((r) => r[0]!);
  const txt = rows
    .filter((r) => r[5] === 'text-zh' && r[0]!.includes('/laws/') && Number(r[4]) > 5000 && Number(r[4]) < 200_000)
    .map((r) => r[0]!);
  const pick = (list: string[], n: number, step: number) =>
    Array.from({ length: n }, (_, i) => list[(i * step) % list.length]!);
  // Near duplicates of another picked file (held for review, as they should be): replaced by more laws.
  const held = [
    'odd__demo__online__notice-通知__20260404',
    'openxmlsdk__TestDataStorage__v2FxTestFil',
    '力学2006秋期末答案',
  ];
  const office = [...pick(docx.sort(), 33, 3), ...pick(pdf.sort(), 33, 1)].filter(
    (f) => !held.some((h) => f.includes(h)),
  );
  const files = [...office, ...pick(txt.sort(), 100 - office.length, 47)];
  return [...new Set(files)].map((f) => join(CORPUS_DIR, f));
}

/** A cookie-keeping client of one user, bound to no process: each call names the web process it goes to. */
export class Session {
  private readonly cookies = new Map<string, string>();
  private token: string | undefined;
  constructor(sessionToken: string) {
    this.cookies.set(SESSION_COOKIE, sessionToken);
  }
  async fetch(base: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${base}${path}`, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) this.cookies.set(k.trim(), v.join('='));
    }
    return res;
  }
  /** One CSRF token for this user (its secret rides in a cookie, so any web process accepts it). */
  async csrf(base: string): Promise<string> {
    if (this.token) return this.token;
    const text = await (await this.fetch(base, '/upload')).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text) ?? /_csrf=([^"&]+)/.exec(text);
    if (!m?.[1]) throw new Error('no CSRF token');
    this.token = decodeURIComponent(m[1]);
    return this.token;
  }
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

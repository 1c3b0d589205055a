// The route fuzzer: every route Fastify registered (seen through an onRoute hook, never listed by hand) gets
// malformed requests — repeated parameters, arrays, empty and 100 KB values, invalid UTF-8, wrong methods and wrong
// content types — as a visitor, a user and an admin, with valid CSRF tokens so state changes reach validation and
// the handlers (and as a program holding the writer's API token, read and upload, with no cookie and no CSRF
// token). No answer may be a 5xx or leak a stack trace; every 4xx is a zh-CN page or {error:{code,message}};
// no redirect leaves the site.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { startSession } from '../features/accounts/service.ts';
import { createApiToken } from '../features/api-tokens/service.ts';
import { signDownloadToken } from '../features/credits/downloads.ts';
import { TestClient, waitForStatus } from '../testing/client.ts';
import { SEED_TXT } from '../testing/paths.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { DIALECTS } from '../testing/test-db.ts';
import { SESSION_COOKIE } from './cookies.ts';

const BIG = 'a'.repeat(100 * 1024);
const ORIGIN = 'http://fuzz.invalid';
const STACK = /\bat (?:async )?[\w$.<>[\]]+ \(|\((?:file|node):|\.[cm]?[jt]sx?:\d+:\d+/;
const HAN = /[\u4e00-\u9fff]/;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

interface Persona {
  readonly name: 'visitor' | 'user' | 'admin' | 'token';
  readonly userId?: number;
  /** Sent with every request (the token persona's Authorization header). */
  readonly headers?: Record<string, string>;
  client: TestClient;
  csrf: string;
}

interface FuzzRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

type JsonSchema = { type?: string; properties?: Record<string, unknown>; anyOf?: JsonSchema[] };

/** Field names of an object schema (the first object branch of a union). */
function fieldsOf(schema: unknown): string[] {
  const s = schema as JsonSchema | undefined;
  if (!s) return [];
  if (s.properties) return Object.keys(s.properties);
  for (const branch of s.anyOf ?? []) if (branch.properties) return Object.keys(branch.properties);
  return [];
}

const methodsOf = (r: RouteOptions) => (Array.isArray(r.method) ? r.method : [r.method]) as string[];

/** Values for a route parameter of this name: plausible ones first, then nonexistent and malformed ones. */
function paramValues(name: string, known: Record<string, string[]>): string[] {
  const junk = ['%FF%FE', '%00%0D%0A', 'x'.repeat(300)];
  return [...(known[name] ?? (/id$/i.test(name) ? known.id : undefined) ?? ['1', 'x']), ...junk];
}

/** The path with each parameter replaced: every variant of one parameter, the others at their first value. */
function fillPaths(url: string, known: Record<string, string[]>): string[] {
  const names = [...url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*');
  const first = (n: string) => paramValues(n, known)[0]!;
  const fill = (values: Record<string, string>) =>
    url.replace(/:(\w+)|\*/g, (_m, n: string | undefined) => values[n ?? '*']!);
  if (names.length === 0) return [url];
  const out = new Set<string>();
  for (const n of names) {
    for (const v of paramValues(n, known)) {
      out.add(fill(Object.fromEntries(names.map((k) => [k, k === n ? v : first(k)]))));
    }
  }
  return [...out];
}

function queryVariants(fields: string[]): string[] {
  // Brackets are no syntax to the parser: `a[]` is just another unknown name.
  const out = ['a[]=1&a[]=2&__proto__[x]=1&constructor[prototype][x]=1', '%FF%FE=%FF&=&&=&%'];
  for (const f of fields.length ? fields : ['q', 'page', 'next']) {
    out.push(`${f}=1&${f}=2`, `${f}=`, `${f}=${BIG}`, `${f}=%FF%FE%00%0D%0A%09`, `${f}=99999999999`);
    if (f === 'next') out.push(`${f}=/%09/evil.example`, `${f}=/%5Cevil.example`, `${f}=/%2F/evil.example`);
  }
  return out;
}

const form = (pairs: Array<[string, string]>) =>
  pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_CT = { 'content-type': 'application/json' };

/** Bodies for a form route: the plausible form, then each field malformed in turn, then wrong content types. */
function formBodies(fields: string[], csrf: string): Array<Omit<FuzzRequest, 'method' | 'url'>> {
  const fs = fields.filter((f) => f !== '_csrf');
  const base: Array<[string, string]> = [['_csrf', csrf], ...fs.map((f): [string, string] => [f, '1'])];
  const others = (f: string) => base.filter(([k]) => k !== f);
  const out: Array<Omit<FuzzRequest, 'method' | 'url'>> = [
    { headers: FORM, payload: form(base) },
    { headers: FORM, payload: form([...base, ['_csrf', csrf]]) },
    { headers: FORM, payload: `${form(others('_csrf'))}&_csrf[]=${encodeURIComponent(csrf)}` },
  ];
  for (const f of fs) {
    const rest = form(others(f));
    out.push(
      { headers: FORM, payload: `${rest}&${f}=1&${f}=2` },
      { headers: FORM, payload: `${rest}&${f}=` },
      { headers: FORM, payload: `${rest}&${f}=${BIG}` },
      { headers: FORM, payload: `${rest}&${f}=%FF%FE%00%0D%0A%09` },
      { headers: FORM, payload: `${rest}&${f}=99999999999` },
    );
    if (f === 'next') out.push({ headers: FORM, payload: `${rest}&${f}=/%09/evil.example` });
  }
  // Raw bytes that are not UTF-8 in every field at once.
  const raw = (s: string) => Buffer.from(s, 'latin1');
  out.push({ headers: FORM, payload: raw(form(base).replace(/=1(&|$)/g, '=\xff\xfe\x00$1')) });
  const json = (v: unknown) => ({ headers: JSON_CT, payload: JSON.stringify(v) });
  const all = (v: unknown) => Object.fromEntries([['_csrf', csrf], ...fs.map((f) => [f, v])]);
  const token = { 'x-csrf-token': csrf };
  out.push(
    json(all('1')),
    json(all(['1', '2'])),
    json(all({ a: 1 })),
    json(all(null)),
    json(all(12345)),
    json([1, 2]),
    { headers: { ...JSON_CT, ...token }, payload: '{' },
    { headers: { 'content-type': 'text/plain', ...token }, payload: 'hello' },
    { headers: { 'content-type': 'application/xml', ...token }, payload: '<a/>' },
    { headers: { 'content-type': 'multipart/form-data; boundary=zzz', ...token }, payload: 'garbage' },
    { headers: { 'content-type': 'multipart/form-data', ...token }, payload: 'garbage' },
    { headers: token },
    { headers: { ...FORM, ...token }, payload: 'a=%&b=%E4%B8' },
  );
  return out;
}

/** Bodies for a multipart route (token in the URL): garbage, fields only, an empty file, huge fields, non-multipart. */
function multipartBodies(csrf: string): Array<Omit<FuzzRequest, 'method' | 'url'> & { query: string }> {
  const query = `_csrf=${encodeURIComponent(csrf)}`;
  const b = 'fuzzboundary';
  const mp = { 'content-type': `multipart/form-data; boundary=${b}` };
  const part = (name: string, value: string, filename?: string) =>
    `--${b}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n\r\n${value}\r\n`;
  return [
    { query, headers: mp, payload: 'garbage' },
    { query, headers: mp, payload: `${part('title', 'x')}--${b}--\r\n` },
    { query, headers: mp, payload: `${part('title', BIG)}${part('file', '', 'a.txt')}--${b}--\r\n` },
    {
      query,
      headers: mp,
      payload: `${part('title', 'x')}${part('title', 'y')}${part('file', 'abc', '%FF.txt')}--${b}--\r\n`,
    },
    { query, headers: mp, payload: `${part('file', '\u0000\u00ff', '')}--${b}--\r\n` },
    { query, headers: mp, payload: `${part('title', 'a\u0000b')}${part('file', '讲话稿', 'a.txt')}--${b}--\r\n` },
    { query, headers: mp, payload: `${part('file', '讲话稿', 'a\u0000\u0007.txt')}--${b}--\r\n` },
    {
      query,
      headers: mp,
      payload: `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nunterminated`,
    },
    { query, headers: FORM, payload: 'title=x' },
    { query, headers: JSON_CT, payload: '{"title":"x"}' },
    { query, headers: {} },
    { query: `_csrf=${encodeURIComponent(csrf)}&_csrf=x`, headers: mp, payload: 'garbage' },
    { query: '_csrf[]=x', headers: mp, payload: 'garbage' },
  ];
}

/** Why this answer is unacceptable, or undefined when it is fine. */
function problem(req: FuzzRequest, res: LightMyRequestResponse): string | undefined {
  const status = res.statusCode;
  if (status >= 500) return `status ${status}`;
  const type = String(res.headers['content-type'] ?? '');
  const textual = /json|html|text|javascript/.test(type) || type === '';
  if (textual && STACK.test(res.body)) return 'stack trace in body';
  const location = res.headers.location;
  if (location !== undefined) {
    const loc = String(location);
    if ([...loc].some((c) => c <= ' ' || c === '\\' || c > '~'))
      return `unsafe character in location ${JSON.stringify(loc)}`;
    if (new URL(loc, ORIGIN).origin !== ORIGIN) return `redirect off-site to ${JSON.stringify(loc)}`;
  }
  if (status < 400) return undefined;
  if (req.method === 'HEAD') {
    return /application\/json|text\/html/.test(type) ? undefined : `${status} HEAD with content-type ${type}`;
  }
  if (type.includes('application/json')) {
    try {
      const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
      const { code, message } = body.error ?? {};
      if (typeof code !== 'string' || typeof message !== 'string')
        return `${status} JSON without {error:{code,message}}`;
      if (code.startsWith('FST_') || !HAN.test(message))
        return `${status} JSON not in zh-CN: ${res.body.slice(0, 120)}`;
      return undefined;
    } catch {
      return `${status} unparseable JSON`;
    }
  }
  if (type.includes('text/html')) {
    return res.body.includes('<html lang="zh-CN"') ? undefined : `${status} HTML page not in zh-CN`;
  }
  return `${status} with content-type ${JSON.stringify(type)}: ${res.body.slice(0, 120)}`;
}

for (const dialect of DIALECTS) {
  describe(`route fuzzer (${dialect})`, () => {
    let t: TestApp;
    const known: Record<string, string[]> = {};
    const personas: Persona[] = [];

    before(async () => {
      t = await createTestApp(dialect);
      const db = t.deps.database.db;
      const writer = new TestClient(t.app);
      await writer.register('fuzz-writer@example.com', '模糊测试作者');
      const up = await writer.upload(
        { name: '讲话稿.txt', data: readFileSync(SEED_TXT) },
        { title: '模糊测试文档', category: '1', description: '', price: '0' },
      );
      const docId = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(writer, docId)).status, 'published');
      // Paid, so the purchase routes have something to sell (selling may need checks the writer has not passed).
      await db.updateTable('documents').set({ price: 5 }).where('id', '=', docId).execute();
      const ids = async (email: string) =>
        Number((await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);
      const admin = new TestClient(t.app);
      await admin.register('fuzz-admin@example.com', '模糊管理员');
      await db.updateTable('users').set({ role: 'admin' }).where('email', '=', 'fuzz-admin@example.com').execute();
      const reader = new TestClient(t.app);
      await reader.register('fuzz-reader@example.com', '模糊读者');
      const writerId = await ids('fuzz-writer@example.com');
      const readerId = await ids('fuzz-reader@example.com');
      const adminId = await ids('fuzz-admin@example.com');
      const slug = (await db.selectFrom('categories').select('slug').executeTakeFirstOrThrow()).slug;
      const token = signDownloadToken(t.deps.downloadUrlSecret, {
        userId: readerId,
        documentId: docId,
        expiresAt: Date.now() + 3_600_000,
      });
      Object.assign(known, {
        id: [String(docId), String(writerId), '1', '999999999', 'abc', '0x10'],
        file: ['1.webp', '1.png', '99999.webp', 'x.gif'],
        slug: [slug, 'no-such-category', 'A%20B'],
        token: [token, 'abc', `${docId}-zz-${'a'.repeat(43)}`],
        provider: ['alipay', 'fake'],
        '*': ['app.css', 'no-such.css', '../../package.json', '%2e%2e/%2e%2e/package.json'],
      });
      // The writer's token (no persona holds the writer's session, so nothing revokes it mid-run).
      const api = await createApiToken(
        t.deps,
        { id: writerId, role: 'user' },
        { name: 'route fuzzer', scopes: ['read', 'upload'], expiry: 'never' },
        { ip: '127.0.0.1' },
      );
      personas.push(
        { name: 'visitor', client: new TestClient(t.app), csrf: '' },
        { name: 'user', userId: readerId, client: new TestClient(t.app), csrf: '' },
        { name: 'admin', userId: adminId, client: new TestClient(t.app), csrf: '' },
        { name: 'token', client: new TestClient(t.app), csrf: '', headers: { authorization: `Bearer ${api.token}` } },
      );
    });
    after(() => t?.close());

    /** A fresh session (a fuzzed /logout ends the last one) and a CSRF token bound to the persona's secret. */
    async function refresh(p: Persona) {
      if (p.name === 'token') return;
      if (p.userId) {
        const { token } = await startSession(t.deps, p.userId, { ip: '127.0.0.1', userAgent: 'route-fuzz' });
        p.client.cookies.set(SESSION_COOKIE, token);
      }
      p.csrf = await p.client.csrf(p.userId ? '/upload' : '/login');
    }

    test('no route answers 5xx, leaks a stack trace, redirects off-site or answers a 4xx outside the catalog', async () => {
      // Destructive routes last, so the rest meet the document and sessions alive.
      const destructive = (r: RouteOptions) => /\/delete$|^\/logout$/.test(r.url) && methodsOf(r).includes('POST');
      const routes = [...t.routes].sort((a, b) => Number(destructive(a)) - Number(destructive(b)));
      const registered = new Map<string, Set<string>>();
      for (const r of routes) {
        const set = registered.get(r.url) ?? new Set<string>();
        for (const m of methodsOf(r)) set.add(m);
        registered.set(r.url, set);
      }
      // Grouped by route and kind of failure, each with a count and the first example.
      const failures = new Map<string, { count: number; example: string }>();
      let requests = 0;
      let fivexx = 0;
      const statuses = new Map<number, number>();
      const send = async (p: Persona, req: FuzzRequest, route: string) => {
        const cookie = [...p.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const res = await t.app.inject({
          method: req.method as 'GET',
          url: req.url,
          headers: { ...(cookie ? { cookie } : {}), ...p.headers, ...req.headers },
          ...(req.payload === undefined ? {} : { payload: req.payload }),
        });
        requests++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500) fivexx++;
        const why = problem(req, res);
        if (why) {
          const shown = req.url.length > 160 ? `${req.url.slice(0, 160)}…` : req.url;
          const body = typeof req.payload === 'string' ? ` body ${JSON.stringify(req.payload.slice(0, 80))}` : '';
          const key = `${req.method} ${route}: ${why.replace(/:.*$|".*$/, '')}`;
          const f = failures.get(key) ?? { count: 0, example: `${p.name} ${shown}${body} → ${why}` };
          f.count++;
          failures.set(key, f);
        }
        return res.statusCode;
      };

      // Half the requests ask for JSON, half for a page: both error paths are exercised.
      let n = 0;
      const accept = (): Record<string, string> => (n++ % 2 ? { accept: 'application/json' } : {});
      /** Everything one persona sends to one route; the personas run side by side. */
      const fuzzRoute = async (p: Persona, route: RouteOptions) => {
        const paths = fillPaths(route.url, known);
        const schema = (route.schema ?? {}) as { querystring?: unknown; body?: unknown };
        const multipart = (schema.body as JsonSchema | undefined)?.type === 'null';
        await refresh(p);
        for (const method of methodsOf(route)) {
          const mutating = method !== 'GET' && method !== 'HEAD';
          const token: Record<string, string> = mutating ? { 'x-csrf-token': p.csrf } : {};
          const seen = new Set<number>();
          for (const path of paths) {
            seen.add(await send(p, { method, url: path, headers: { ...token, ...accept() } }, route.url));
          }
          if (method === 'HEAD') continue;
          // A persona refused before validation (an admin area for a visitor) gets a sample of the rest only.
          const refused = [...seen].every((s) => s === 401 || s === 403);
          const sample = <T>(xs: T[]) => (refused ? xs.slice(0, 3) : xs);
          for (const q of sample(queryVariants(fieldsOf(schema.querystring)))) {
            await send(p, { method, url: `${paths[0]}?${q}`, headers: { ...token, ...accept() } }, route.url);
          }
          if (!mutating) continue;
          const bodies = multipart
            ? multipartBodies(p.csrf).map(({ query, ...body }) => ({ url: `${paths[0]}?${query}`, ...body }))
            : formBodies(fieldsOf(schema.body), p.csrf).map((body) => ({ url: paths[0]!, ...body }));
          for (const b of sample(bodies)) {
            await send(p, { method, ...b, headers: { ...accept(), ...b.headers } }, route.url);
          }
        }
        // Every method the path does not have, with a valid token.
        if (route !== firstOfPath.get(route.url)) return;
        for (const method of METHODS.filter((m) => !registered.get(route.url)!.has(m))) {
          const headers = { 'x-csrf-token': p.csrf, ...FORM, ...accept() };
          await send(p, { method, url: paths[0]!, headers, payload: `_csrf=${p.csrf}` }, route.url);
        }
      };
      const firstOfPath = new Map<string, RouteOptions>();
      for (const r of routes) if (!firstOfPath.has(r.url)) firstOfPath.set(r.url, r);
      for (const route of routes) await Promise.all(personas.map((p) => fuzzRoute(p, route)));

      const byStatus = Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0]));
      const bad = [...failures.values()].reduce((n, f) => n + f.count, 0);
      console.log(
        `route fuzzer (${dialect}): ${routes.length} routes, ${requests} requests, ${fivexx} 5xx, ` +
          `${bad} bad answers; statuses ${JSON.stringify(byStatus)}`,
      );
      assert.ok(routes.length >= 40, `the onRoute hook saw ${routes.length} routes`);
      const report = [...failures].map(([key, f]) => `${key} (×${f.count}), e.g. ${f.example}`);
      assert.deepEqual(report, [], `${bad} bad answers`);
    });

    test('every route of ours declares its schemas', () => {
      const missing: string[] = [];
      for (const r of t.routes) {
        // @fastify/static's own routes are not ours to describe.
        if (r.url.startsWith('/static/')) continue;
        const s = (r.schema ?? {}) as Record<string, unknown>;
        const need = ['querystring', ...(r.url.includes(':') ? ['params'] : [])];
        if (methodsOf(r).some((m) => m !== 'GET' && m !== 'HEAD')) need.push('body');
        for (const part of need) if (!s[part]) missing.push(`${methodsOf(r).join(',')} ${r.url}: ${part}`);
      }
      assert.deepEqual(missing, []);
    });
  });
}

// The OpenAPI document (GET /api/openapi.json): it validates as OpenAPI 3.1 with a standard validator, lists exactly
// the JSON API and the routes open to API tokens (each with bearerAuth and its scope), leaves the HTML pages out,
// and describes every operation's answers including the {error:{code,message}} shape. The routes open to tokens
// are pinned here: opening another one is a decision this test makes visible.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { RouteOptions } from 'fastify';
import { createTokenViaForm } from '../../testing/api-token-client.ts';
import { TestClient } from '../../testing/client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

/** Every route API tokens may call, with the scope it needs. */
const TOKEN_ROUTES = {
  'POST /upload': 'upload',
  'GET /api/documents/:id/status': 'read',
  'GET /api/my/documents': 'read',
  'GET /d/:id/download': 'read',
  'GET /dl/:token': 'read',
  'GET /api/search': 'read',
  'GET /api/suggest': 'read',
  'GET /api/notifications/unread': 'read',
  'GET /api/openapi.json': 'read',
};

type Operation = {
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  'x-api-token-scope'?: string;
  responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string }> };
};

const methodsOf = (r: RouteOptions) => (Array.isArray(r.method) ? r.method : [r.method]) as string[];
const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

for (const dialect of DIALECTS) {
  describe(`the OpenAPI document (${dialect})`, () => {
    let t: TestApp;
    let doc: Doc;
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      doc = res.json() as Doc;
    });
    after(() => t?.close());

    test('validates as OpenAPI 3.1 (and the validator does refuse a broken one)', async () => {
      assert.equal(doc.openapi, '3.1.0');
      const result = await new Validator().validate(structuredClone(doc));
      assert.deepEqual(result, { valid: true });
      const broken = structuredClone(doc) as Partial<Doc> & { info?: unknown };
      delete broken.info;
      assert.equal((await new Validator().validate(broken)).valid, false);
      assert.equal(doc.components.securitySchemes.bearerAuth?.type, 'http');
      assert.equal(doc.components.securitySchemes.bearerAuth?.scheme, 'bearer');
      assert.equal(doc.components.securitySchemes.cookieSession?.in, 'cookie');
    });

    test('exactly the pinned routes are open to API tokens, each documented with bearerAuth and its scope', () => {
      const open: Record<string, string> = {};
      for (const r of t.routes) {
        const scope = (r.config as { apiToken?: string } | undefined)?.apiToken;
        if (!scope) continue;
        for (const m of methodsOf(r)) if (m !== 'HEAD') open[`${m} ${r.url}`] = scope;
      }
      assert.deepEqual(open, TOKEN_ROUTES);
      for (const [route, scope] of Object.entries(TOKEN_ROUTES)) {
        const [method, url] = route.split(' ') as [string, string];
        const op = doc.paths[openapiPath(url)]?.[method.toLowerCase()];
        assert.ok(op, `${route} is in the document`);
        assert.ok(
          op.security?.some((s) => JSON.stringify(s) === JSON.stringify({ bearerAuth: [scope] })),
          `${route} names bearerAuth [${scope}]`,
        );
        assert.equal(op['x-api-token-scope'], scope);
      }
    });

    test('HTML pages stay out; every operation has a tag, a summary, answers and the error shape', () => {
      const paths = Object.keys(doc.paths);
      const tokenPaths = new Set(Object.keys(TOKEN_ROUTES).map((r) => openapiPath(r.split(' ')[1]!)));
      for (const p of paths) assert.ok(p.startsWith('/api/') || tokenPaths.has(p), `${p} belongs in the document`);
      for (const page of ['/settings/tokens', '/admin', '/d/{id}', '/search', '/login', '/my/documents']) {
        assert.ok(!(page in doc.paths), `${page} is an HTML page`);
      }
      for (const [p, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          assert.ok(op.summary && op.tags?.length, `${method} ${p}: summary and tag`);
          const codes = Object.keys(op.responses);
          assert.ok(
            codes.some((c) => /^[23]/.test(c)),
            `${method} ${p}: a success answer (${codes.join(', ')})`,
          );
          if (p === '/api/openapi.json') continue;
          const error = op.responses['4XX']?.content?.['application/json']?.schema;
          assert.ok(error?.properties?.error, `${method} ${p}: the {error:{code,message}} shape`);
        }
      }
    });

    test('anyone may read it, and so may a read token', async () => {
      const user = new TestClient(t.app);
      await user.register('openapi-reader@example.com', '文档读者');
      const { token } = await createTokenViaForm(user, { name: '读文档' });
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/openapi.json',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(Object.keys((res.json() as Doc).paths).sort(), Object.keys(doc.paths).sort());
    });
  });
}

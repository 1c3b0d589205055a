import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClient } from '../testing/client.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp('sqlite', { worker: false });
});
after(() => t.close());

test('every response carries the security headers, including on errors', async () => {
  const c = new TestClient(t.app);
  for (const url of ['/', '/healthz', '/no-such-page']) {
    const res = await c.get(url);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/, url);
    assert.match(csp, /script-src 'self'/, url);
    assert.match(csp, /frame-ancestors 'none'/, url);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', url);
    assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
    assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP by default');
  }
});

test('unknown pages get a friendly zh-CN 404, API clients get JSON, never a stack trace', async () => {
  const c = new TestClient(t.app);
  const page = await c.get('/no-such-page');
  assert.equal(page.statusCode, 404);
  assert.ok(page.body.includes('页面不存在或已被移除'));
  const api = await c.get('/api/no-such-thing', { accept: 'application/json' });
  assert.equal(api.statusCode, 404);
  assert.deepEqual(api.json(), { error: { code: 'not_found', message: '页面不存在或已被移除' } });
  const bad = await c.get('/d/abc');
  assert.equal(bad.statusCode, 404);
  assert.ok(!/at \w+ \(/.test(bad.body), 'no stack trace');
});

test('the server keeps idle connections as Fastify would (72 s), not Node 20’s 5 s that races proxies reusing them', () => {
  // The front cache brings its own server (serverFactory), on which Fastify sets none of its socket options.
  assert.equal(t.app.server.keepAliveTimeout, 72_000);
  assert.equal(t.app.server.requestTimeout, 0);
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../testing/client.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { DIALECTS } from '../testing/test-db.ts';
import { safeNext } from './guards.ts';

const ORIGIN = 'https://wenyuan.example';
/** Where a browser on ORIGIN goes when it follows `location` (WHATWG URL parsing, as Chromium does). */
const resolved = (location: string) => new URL(location, `${ORIGIN}/login`);

test('safeNext keeps same-origin paths, rebuilt by the URL parser', () => {
  assert.equal(safeNext('/d/12'), '/d/12');
  assert.equal(safeNext('/search?q=a%20b&page=2#hits'), '/search?q=a%20b&page=2#hits');
  assert.equal(safeNext('/search?q=公文'), '/search?q=%E5%85%AC%E6%96%87', 'ASCII only, safe in a Location header');
  assert.equal(safeNext('/a/../u/3'), '/u/3');
  assert.equal(safeNext(undefined), '/');
  assert.equal(safeNext(['/d/1', '/d/2']), '/');
  assert.equal(safeNext('https://evil.example/x', '/u/1'), '/u/1');
});

test('safeNext refuses everything a browser could take off-site, raw or encoded', () => {
  const attacks = [
    '//evil.example/x',
    '/\\evil.example/x',
    '/\\/evil.example/x',
    '/\t/evil.example/x',
    '/\r/evil.example/x',
    '/\n/evil.example/x',
    '/\r\nSet-Cookie: x=1',
    '/ /evil.example',
    '/\u3000/evil.example',
    '/\u0085/evil.example',
    '/\u0000/evil.example',
    '/%2F/evil.example/x',
    '/%2f%2fevil.example',
    '/%5Cevil.example',
    '/%5C%5Cevil.example',
    '/%09/evil.example',
    '/.//evil.example/x',
    '/%2e%2e//evil.example/x',
    '/%2e//evil.example/x',
    'javascript:alert(1)',
    'evil.example',
  ];
  for (const raw of attacks) {
    const out = safeNext(raw);
    assert.equal(out, '/', JSON.stringify(raw));
  }
});

for (const dialect of DIALECTS) {
  describe(`redirect targets from user input stay on the site (${dialect})`, () => {
    let t: TestApp;
    let user: TestClient;
    const nexts = [
      '/%09/evil.example/x',
      '/%0D/evil.example/x',
      '/%0A/evil.example/x',
      '/%0D%0ASet-Cookie:%20x=1',
      '/%5Cevil.example',
      '/%5C%5Cevil.example',
      '/%2F/evil.example',
      '//evil.example',
      '/.//evil.example',
      '%2F%2Fevil.example',
    ];
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      user = new TestClient(t.app);
      await user.register('next@example.com', '回跳测试');
    });
    after(() => t.close());

    const assertStays = (res: { statusCode: number; headers: Record<string, unknown> }, what: string) => {
      assert.ok(res.statusCode < 500, `${what}: ${res.statusCode}`);
      const location = res.headers.location;
      if (location === undefined) return;
      assert.equal(resolved(String(location)).origin, ORIGIN, `${what} → ${String(location)}`);
      assert.doesNotMatch(String(location), /[\s\\]/, `${what} → ${JSON.stringify(location)}`);
    };

    test('GET /login?next= while logged in redirects on-site, never a 500', async () => {
      for (const next of nexts) {
        const res = await user.get(`/login?next=${next}`);
        assert.equal(res.statusCode, 303, next);
        assertStays(res, next);
      }
      const ok = await user.get(`/login?next=${encodeURIComponent('/search?q=公文')}`);
      assert.equal(ok.headers.location, '/search?q=%E5%85%AC%E6%96%87');
    });

    test('POST /login with a good password and a hostile next lands on /', async () => {
      for (const next of nexts) {
        const c = new TestClient(t.app);
        const res = await c.postForm(
          '/login',
          { identifier: 'next@example.com', password: 'correct horse 1', next: decodeURIComponent(next) },
          { csrf: await c.csrf('/login') },
        );
        assert.equal(res.statusCode, 303, next);
        assert.equal(res.headers.location, '/', next);
      }
    });

    test('the login form carries only a safe next', async () => {
      const page = await new TestClient(t.app).get('/login?next=/%09/evil.example/x');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="next" value="\/"/);
    });

    test('follow and unfollow return only to same-site paths', async () => {
      const writer = new TestClient(t.app);
      await writer.register('followed@example.com', '被关注者');
      const row = await t.deps.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'followed@example.com')
        .executeTakeFirstOrThrow();
      const csrf = await user.csrf('/upload');
      for (const next of nexts) {
        const res = await user.postForm(`/u/${row.id}/follow`, { next: decodeURIComponent(next) }, { csrf });
        assertStays(res, next);
        assert.equal(res.headers.location, `/u/${row.id}`, next);
      }
    });
  });
}

// Route schemas (web/schemas.ts) and the multipart adapter (web/multipart.ts): malformed input is refused before a
// handler runs, with the zh-CN page or {error:{code,message}}; never a 500 and never a request left hanging.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { TestClient } from '../testing/client.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { DIALECTS } from '../testing/test-db.ts';

const VALIDATION = '提交的内容不完整或格式不正确';
const NOT_FOUND = '页面不存在或已被移除';

function assertJsonError(res: LightMyRequestResponse, status: number, code: string, message: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.deepEqual(res.json(), { error: { code, message } });
}

function assertPage(res: LightMyRequestResponse, status: number, message: string) {
  assert.equal(res.statusCode, status, res.body.slice(0, 200));
  assert.match(String(res.headers['content-type']), /text\/html/);
  assert.ok(res.body.includes('<html lang="zh-CN"'));
  assert.ok(res.body.includes(message), message);
}

for (const dialect of DIALECTS) {
  describe(`route schemas on ${dialect}`, () => {
    let t: TestApp;
    let user: TestClient;
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      user = new TestClient(t.app);
      await user.register('schemas@example.com', '校验测试');
    });
    after(() => t.close());

    test('a repeated search parameter is a 400, as a page and as JSON', async () => {
      const c = new TestClient(t.app);
      assertPage(await c.get('/search?q=a&q=b'), 400, VALIDATION);
      assertJsonError(await c.get('/api/search?q=a&q=b'), 400, 'bad_request', VALIDATION);
      assertJsonError(await c.get('/api/suggest?q=a&q=b'), 400, 'bad_request', VALIDATION);
      assertJsonError(await c.get('/api/search?q=a&page=1&page=2'), 400, 'bad_request', VALIDATION);
      // One value of each is fine, unknown names (brackets included) are ignored.
      assert.equal((await c.get('/api/search?q=a&page=2&utm_source=x&a[]=1&a[]=2')).statusCode, 200);
      assert.equal((await c.get('/api/suggest?q=%E5%85%AC')).statusCode, 200);
    });

    test('a path parameter that does not match is a 404, even when it does not decode', async () => {
      const c = new TestClient(t.app);
      for (const url of ['/d/abc', '/d/0x10', '/d/%FF%FE', `/d/${'9'.repeat(200)}`, '/u/1.5', '/c/A%20B']) {
        assertPage(await c.get(url), 404, NOT_FOUND);
      }
      assertJsonError(await c.get('/api/documents/%FF/status'), 404, 'not_found', NOT_FOUND);
    });

    test('form fields of the wrong shape are a 400 before the handler runs', async () => {
      const c = new TestClient(t.app);
      const csrf = await c.csrf('/login');
      const post = (payload: string, type = 'application/x-www-form-urlencoded') =>
        t.app.inject({
          method: 'POST',
          url: '/login',
          payload,
          headers: {
            'content-type': type,
            accept: 'application/json',
            cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          },
        });
      const token = encodeURIComponent(csrf);
      assertJsonError(await post(`_csrf=${token}&identifier=a&identifier=b`), 400, 'bad_request', VALIDATION);
      assertJsonError(await post(`_csrf=${token}&_csrf=${token}&identifier=a`), 400, 'bad_request', VALIDATION);
      assertJsonError(await post(`_csrf=${token}&identifier=a%00b`), 400, 'bad_request', VALIDATION);
      assertJsonError(await post(`_csrf=${token}&password=${'x'.repeat(5000)}`), 400, 'bad_request', VALIDATION);
      const json = JSON.stringify({ _csrf: csrf, identifier: { $ne: 1 } });
      assertJsonError(await post(json, 'application/json'), 400, 'bad_request', VALIDATION);
      // A multipart body where a form is expected has no parsed body at all.
      assertJsonError(await post('garbage', 'multipart/form-data; boundary=x'), 400, 'bad_request', VALIDATION);
    });

    test('a NUL in a profile field is refused on every dialect (PostgreSQL cannot store it)', async () => {
      const csrf = await user.csrf('/settings/profile');
      const res = await user.postForm('/settings/profile', { displayName: '校验\u0000测试', bio: '' }, { csrf });
      assertPage(res, 422, VALIDATION);
      const ok = await user.postForm(
        '/settings/profile',
        { displayName: '校验测试', bio: '第一行\r\n\t第二行' },
        { csrf },
      );
      assert.equal(ok.statusCode, 303);
    });

    test('a multipart upload that ends inside the file part is a 400, not a request left waiting', async () => {
      const csrf = await user.csrf('/upload');
      const b = 'truncated';
      const res = await t.app.inject({
        method: 'POST',
        url: `/upload?_csrf=${encodeURIComponent(csrf)}`,
        payload: `--${b}\r\nContent-Disposition: form-data; name="title"\r\n\r\n讲话稿\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n同志们：今天我们召开`,
        headers: {
          'content-type': `multipart/form-data; boundary=${b}`,
          accept: 'application/json',
          cookie: [...user.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      assertJsonError(res, 400, 'bad_request', '上传的内容不完整或格式有误，请重新选择文件上传');
      const garbage = await t.app.inject({
        method: 'POST',
        url: `/upload?_csrf=${encodeURIComponent(csrf)}`,
        payload: 'garbage',
        headers: {
          'content-type': `multipart/form-data; boundary=${b}`,
          accept: 'application/json',
          cookie: [...user.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      assert.equal(garbage.statusCode, 400, garbage.body);
    });
  });
}

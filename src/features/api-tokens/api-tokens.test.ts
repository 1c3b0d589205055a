// Personal API tokens over HTTP on every dialect: a token is shown once and stored as a keyed hash; a program
// uploads a real 公文 docx with the token alone (no cookie, no CSRF token), polls it to published and downloads the
// same bytes; scopes hold (a read token cannot upload); revoked, expired, malformed and banned users' tokens get 401;
// no token reaches staff, account or token routes (deny by default), even beside a live session cookie; cookie
// sessions still need CSRF; a user holds at most 10 live tokens; each token has its own rate limit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createTokenViaForm, TokenClient } from '../../testing/api-token-client.ts';
import { TestClient } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { SESSION_COOKIE } from '../../web/cookies.ts';
import { MAX_LIVE_TOKENS } from './service.ts';

const DOCX = join(CORPUS_DIR, 'docx-zh', 'gfsgongwen__测试文案.docx');
const OTHER_DOCX = join(CORPUS_DIR, 'docx-zh', 'gongwenassistant__hyjy_1.docx');
const HAN = /[\u4e00-\u9fff]/;

/** The `{error:{code,message}}` of a JSON error answer, after checking it is one in zh-CN. */
function apiError(res: LightMyRequestResponse, status: number): string {
  assert.equal(res.statusCode, status, res.body.slice(0, 300));
  assert.match(String(res.headers['content-type']), /application\/json/);
  const { error } = res.json() as { error: { code: string; message: string } };
  assert.match(error.message, HAN);
  return error.code;
}

for (const dialect of DIALECTS) {
  describe(`personal API tokens (${dialect})`, () => {
    let t: TestApp;
    let owner: TestClient;
    let ownerId: number;
    const db = () => t.deps.database.db;
    const userId = async (email: string) =>
      Number((await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);
    const tokenRow = (token: string) =>
      db()
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', t.deps.pii.fingerprint('api-token', token))
        .executeTakeFirstOrThrow();

    before(async () => {
      t = await createTestApp(dialect);
      owner = new TestClient(t.app);
      await owner.register('api-owner@example.com', '接口用户');
      ownerId = await userId('api-owner@example.com');
    });
    after(() => t?.close());

    test('a token is shown once and only its keyed hash is stored', async () => {
      const before = Date.now();
      const { token, res } = await createTokenViaForm(owner, { name: '批量上传脚本', upload: true, expiry: '90' });
      assert.match(token, /^wy_[A-Za-z0-9_-]{43}$/);
      assert.match(String(res.headers['cache-control']), /no-store/);
      const row = await tokenRow(token);
      assert.equal(Number(row.user_id), ownerId);
      assert.equal(row.scopes, 'read upload');
      assert.equal(row.token_prefix, token.slice(0, 9));
      assert.ok(
        Number(row.expires_at) >= before + 90 * 86_400_000 && Number(row.expires_at) <= Date.now() + 90 * 86_400_000,
      );
      // Nothing stored holds the secret: not the hash column, not any other.
      assert.ok(!JSON.stringify(row).includes(token.slice(3)));
      // The list shows the name and the first characters, never the token again.
      const page = await owner.get('/settings/tokens');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('批量上传脚本') && page.body.includes(row.token_prefix));
      assert.ok(!page.body.includes(token));
      const audit = await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'api_token.create')
        .where('target_id', '=', Number(row.id))
        .executeTakeFirst();
      assert.equal(Number(audit?.actor_id), ownerId);
      const note = await db()
        .selectFrom('notifications')
        .select('kind')
        .where('user_id', '=', ownerId)
        .where('kind', '=', 'apiTokenCreated')
        .executeTakeFirst();
      assert.ok(note, 'the user is told by 站内信');
    });

    test('upload with the token alone → status → published → download, no cookie and no CSRF token', async () => {
      const { token } = await createTokenViaForm(owner, { name: '上传与下载', upload: true });
      const api = new TokenClient(t.app, token);
      const up = await api.upload(DOCX, { title: '令牌上传的测试文案', category: '1', price: '0', description: '' });
      assert.equal(up.statusCode, 201, up.body);
      const { id, status } = up.json() as { id: number; status: string };
      assert.equal(status, 'uploaded');
      assert.deepEqual(up.cookies, [], 'a token request gets no cookie');
      const doc = await db()
        .selectFrom('documents')
        .select(['owner_id'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(doc.owner_id), ownerId);

      assert.equal((await api.waitForStatus(id)).status, 'published');
      const mine = await api.get('/api/my/documents');
      assert.equal(mine.statusCode, 200);
      const listed = (mine.json() as { documents: Array<{ id: number; status: string; url: string }> }).documents;
      const item = listed.find((d) => d.id === id);
      assert.equal(item?.status, 'published');
      assert.equal(item?.url, `/d/${id}`);

      const redirect = await api.get(`/d/${id}/download`);
      assert.equal(redirect.statusCode, 303);
      const location = String(redirect.headers.location);
      assert.match(location, /^\/dl\//);
      const file = await api.get(location);
      assert.equal(file.statusCode, 200);
      assert.ok(file.rawPayload.equals(readFileSync(DOCX)), 'the download is byte-identical');
      // The signed URL is bound to the token's user: without credentials it opens nothing.
      assert.equal((await t.app.inject({ method: 'GET', url: location })).statusCode, 404);
      assert.ok((await tokenRow(token)).last_used_at !== null, 'the last use is recorded');
    });

    test('scopes hold: a read token cannot upload, an upload-only token cannot read', async () => {
      const reader = new TokenClient(t.app, (await createTokenViaForm(owner, { name: '只读' })).token);
      const count = async () =>
        Number(
          (
            await db()
              .selectFrom('documents')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const docs = await count();
      const refused = await reader.upload(OTHER_DOCX, { title: '不应上传', category: '1', price: '0' });
      assert.equal(apiError(refused, 403), 'insufficient_scope');
      assert.match(String(refused.headers['www-authenticate']), /insufficient_scope/);
      assert.equal(await count(), docs, 'nothing was stored');
      const uploader = new TokenClient(
        t.app,
        (await createTokenViaForm(owner, { name: '只上传', read: false, upload: true })).token,
      );
      assert.equal(apiError(await uploader.get('/api/my/documents'), 403), 'insufficient_scope');
      // Public JSON routes take a read token too, and anyone without one.
      assert.equal((await reader.get('/api/search?q=%E8%AE%B2%E8%AF%9D')).statusCode, 200);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/suggest?q=a' })).statusCode, 200);
    });

    test('no token reaches staff, account, money or token routes — not even an admin’s, not beside a cookie', async () => {
      const admin = new TestClient(t.app);
      await admin.register('api-admin@example.com', '接口管理员');
      await db().updateTable('users').set({ role: 'admin' }).where('email', '=', 'api-admin@example.com').execute();
      const { token } = await createTokenViaForm(admin, { name: '管理员令牌', upload: true });
      const api = new TokenClient(t.app, token);
      const gets = ['/admin', '/admin/users', '/admin/audit', '/settings/tokens', '/settings/password', '/my/wallet'];
      for (const url of gets) assert.equal(apiError(await api.get(url), 403), 'token_not_allowed', url);
      const posts: Array<[string, Record<string, string>]> = [
        ['/settings/tokens', { name: '再造一个', read: '1', expiry: '30' }],
        ['/settings/tokens/1/revoke', {}],
        ['/settings/password', { oldPassword: 'correct horse 1', password: 'x', passwordConfirm: 'x' }],
        ['/my/earnings/payout', { amount: '10' }],
        ['/d/1/buy', { acceptTerms: '1' }],
        ['/admin/settings', { previewMode: 'pages', previewValue: '3' }],
        ['/logout', {}],
      ];
      for (const [url, fields] of posts) {
        assert.equal(apiError(await api.postForm(url, fields), 403), 'token_not_allowed', url);
      }
      // A live session cookie beside the token is not read: the request is the token's, and the token may not.
      const cookie = `${SESSION_COOKIE}=${admin.cookies.get(SESSION_COOKIE)}`;
      assert.equal(apiError(await api.get('/settings/tokens', { cookie }), 403), 'token_not_allowed');
      assert.equal(apiError(await api.get('/admin', { cookie }), 403), 'token_not_allowed');
      // An unknown path is still just not found.
      assert.equal(apiError(await api.get('/no/such/path'), 404), 'not_found');
      // Token routes with no token are the ordinary routes: a visitor is asked to log in.
      assert.equal(apiError(await t.app.inject({ method: 'GET', url: '/api/my/documents' }), 401), 'unauthorized');
    });

    test('revoked, expired, malformed and banned users’ tokens are refused with 401', async () => {
      const { token } = await createTokenViaForm(owner, { name: '将被撤销' });
      const api = new TokenClient(t.app, token);
      assert.equal((await api.get('/api/my/documents')).statusCode, 200);
      const id = Number((await tokenRow(token)).id);
      // Another user cannot revoke it.
      const other = new TestClient(t.app);
      await other.register('api-other@example.com', '别的用户');
      const otherCsrf = await other.csrf('/settings/tokens');
      assert.equal((await other.postForm(`/settings/tokens/${id}/revoke`, {}, { csrf: otherCsrf })).statusCode, 404);
      assert.equal((await api.get('/api/my/documents')).statusCode, 200);
      // Its owner revokes it from the list.
      const list = await owner.get('/settings/tokens');
      assert.ok(list.body.includes(`action="/settings/tokens/${id}/revoke"`));
      const csrf = await owner.csrf('/settings/tokens');
      const revoked = await owner.postForm(`/settings/tokens/${id}/revoke`, {}, { csrf });
      assert.equal(revoked.statusCode, 303);
      const refused = await api.get('/api/my/documents');
      assert.equal(apiError(refused, 401), 'invalid_token');
      assert.equal(refused.headers['www-authenticate'], 'Bearer error="invalid_token"');
      assert.ok((await owner.get('/settings/tokens?notice=revoked')).body.includes('已撤销'));
      const audit = await db()
        .selectFrom('audit_log')
        .select('actor_id')
        .where('action', '=', 'api_token.revoke')
        .where('target_id', '=', id)
        .executeTakeFirst();
      assert.equal(Number(audit?.actor_id), ownerId);

      const expiring = (await createTokenViaForm(owner, { name: '将过期', expiry: '30' })).token;
      const expiringApi = new TokenClient(t.app, expiring);
      assert.equal((await expiringApi.get('/api/my/documents')).statusCode, 200);
      await db()
        .updateTable('api_tokens')
        .set({ expires_at: Date.now() - 1000 })
        .where('id', '=', Number((await tokenRow(expiring)).id))
        .execute();
      assert.equal(apiError(await expiringApi.get('/api/my/documents'), 401), 'invalid_token');
      assert.ok((await owner.get('/settings/tokens')).body.includes('已过期'));

      for (const bad of ['wy_short', `wy_${'A'.repeat(43)}`, `${token}x`]) {
        assert.equal(apiError(await new TokenClient(t.app, bad).get('/api/my/documents'), 401), 'invalid_token');
      }

      const banned = new TestClient(t.app);
      await banned.register('api-banned@example.com', '被封用户');
      const bannedApi = new TokenClient(t.app, (await createTokenViaForm(banned, { name: '封号前' })).token);
      assert.equal((await bannedApi.get('/api/my/documents')).statusCode, 200);
      const until = Date.now() + 86_400_000;
      await db()
        .updateTable('users')
        .set({ banned_until: until })
        .where('email', '=', 'api-banned@example.com')
        .execute();
      assert.equal(apiError(await bannedApi.get('/api/my/documents'), 401), 'invalid_token');
      await db()
        .updateTable('users')
        .set({ banned_until: null })
        .where('email', '=', 'api-banned@example.com')
        .execute();
      assert.equal((await bannedApi.get('/api/my/documents')).statusCode, 200);
    });

    test('cookie sessions still need the CSRF token', async () => {
      const noCsrf = await owner.postForm(
        '/settings/tokens',
        { name: '无令牌', read: '1', expiry: '30' },
        {
          csrf: false,
          headers: { accept: 'application/json' },
        },
      );
      assert.equal(apiError(noCsrf, 403), 'csrf');
      // The upload form without its token in the URL, from a logged-in browser.
      const boundary = 'csrfcheck';
      const payload =
        `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\n1\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n讲话稿\r\n--${boundary}--\r\n`;
      const cookie = [...owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const upload = await t.app.inject({
        method: 'POST',
        url: '/upload',
        payload,
        headers: { cookie, accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      assert.equal(apiError(upload, 403), 'csrf');
      // A bearer value that is not an API token (another scheme's secret) does not lift CSRF either.
      const other = await t.app.inject({
        method: 'POST',
        url: '/upload',
        payload,
        headers: {
          cookie,
          authorization: 'Bearer not-an-api-token',
          accept: 'application/json',
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
      });
      assert.equal(apiError(other, 403), 'csrf');
    });

    test(`a user holds at most ${MAX_LIVE_TOKENS} live tokens`, async () => {
      const capped = new TestClient(t.app);
      await capped.register('api-cap@example.com', '令牌上限');
      for (let i = 0; i < MAX_LIVE_TOKENS; i++) await createTokenViaForm(capped, { name: `令牌${i}` });
      const csrf = await capped.csrf('/settings/tokens');
      const over = await capped.postForm('/settings/tokens', { name: '第十一个', read: '1', expiry: '30' }, { csrf });
      assert.equal(over.statusCode, 422, 'the page again, the form saying why');
      assert.ok(over.body.includes(`最多同时拥有 ${MAX_LIVE_TOKENS} 个`));
      assert.ok(!/wy_[A-Za-z0-9_-]{43}/.test(over.body));
      const invalid = await capped.postForm('/settings/tokens', { name: '无权限', expiry: '30' }, { csrf });
      assert.equal(invalid.statusCode, 422);
      assert.ok(invalid.body.includes('请至少选择一项权限'));
    });
  });

  describe(`personal API tokens: the per-token rate limit (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, { worker: false, rateLimits: { apiTokenPerMinute: 3 } });
    });
    after(() => t?.close());

    test('each token has its own budget; past it, 429 with Retry-After in zh-CN', async () => {
      const user = new TestClient(t.app);
      await user.register('api-rate@example.com', '限速用户');
      const first = new TokenClient(t.app, (await createTokenViaForm(user, { name: '一号' })).token);
      const second = new TokenClient(t.app, (await createTokenViaForm(user, { name: '二号' })).token);
      for (let i = 0; i < 3; i++) assert.equal((await first.get('/api/my/documents')).statusCode, 200);
      const limited = await first.get('/api/my/documents');
      assert.equal(apiError(limited, 429), 'rate_limited');
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.equal((await second.get('/api/my/documents')).statusCode, 200);
    });
  });
}

// Issue #10, "Authorisation tests": every staff-only route (everything the app registered under /admin, enumerated,
// never listed by hand) refuses a normal user (403) and a visitor (a GET page goes to /login, anything else 401),
// with real ids in the path and a valid CSRF token, and changes nothing; owner-only routes refuse another user who
// enumerates ids (IDOR).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { RouteOptions } from 'fastify';
import { TestClient, waitForStatus } from '../testing/client.ts';
import { SEED_TXT } from '../testing/paths.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { DIALECTS } from '../testing/test-db.ts';

const methodsOf = (r: RouteOptions) => (Array.isArray(r.method) ? r.method : [r.method]) as string[];

for (const dialect of DIALECTS) {
  describe(`authorisation of staff-only and owner-only routes (${dialect})`, () => {
    let t: TestApp;
    let owner: TestClient;
    let other: TestClient;
    let docId: number;
    let ownerId: number;
    /** Rows whose count must not change when refused requests arrive. */
    const snapshot = async () => {
      const { db } = t.deps.database;
      const count = async (table: 'audit_log' | 'punishments' | 'notifications' | 'reports') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const doc = await db
        .selectFrom('documents')
        .select(['status', 'rev'])
        .where('id', '=', docId)
        .executeTakeFirstOrThrow();
      const roles = await db.selectFrom('users').select(['id', 'role']).orderBy('id').execute();
      return {
        audit: await count('audit_log'),
        punishments: await count('punishments'),
        notifications: await count('notifications'),
        doc,
        roles,
      };
    };

    before(async () => {
      t = await createTestApp(dialect);
      owner = new TestClient(t.app);
      other = new TestClient(t.app);
      await owner.register('owner@example.com', '上传者');
      await other.register('other@example.com', '别人');
      const up = await owner.upload(
        { name: '讲话稿.txt', data: readFileSync(SEED_TXT) },
        { title: '', category: '1', price: '0' },
        { accept: 'application/json' },
      );
      docId = (up.json() as { id: number }).id;
      await waitForStatus(owner, docId);
      ownerId = Number(
        (
          await t.deps.database.db
            .selectFrom('users')
            .select('id')
            .where('email', '=', 'owner@example.com')
            .executeTakeFirstOrThrow()
        ).id,
      );
    });
    after(() => t.close());

    test('every /admin route refuses a normal user (403) and a visitor (login), and nothing changes', async () => {
      const staffRoutes = t.routes.filter((r) => r.url.startsWith('/admin'));
      assert.ok(staffRoutes.length >= 30, `found ${staffRoutes.length} staff routes`);
      const before = await snapshot();
      const visitor = new TestClient(t.app);
      const visitorCsrf = await visitor.csrf('/login');
      const userCsrf = await other.csrf('/upload');
      let requests = 0;
      for (const route of staffRoutes) {
        const url = route.url.replace(/:(\w+)/g, (_m, name: string) =>
          name === 'id' ? String(ownerId) : String(docId),
        );
        for (const method of methodsOf(route)) {
          if (method === 'HEAD') continue;
          if (method === 'GET') {
            const asUser = await other.get(url);
            assert.equal(asUser.statusCode, 403, `user GET ${url}`);
            const asVisitor = await visitor.get(url);
            assert.equal(asVisitor.statusCode, 303, `visitor GET ${url}`);
            assert.match(String(asVisitor.headers.location), /^\/login\?next=/);
          } else {
            const body = { _csrf: userCsrf, reason: '越权', kind: 'ban', days: '7', role: 'admin', note: 'x' };
            const asUser = await other.postForm(url, body, { csrf: userCsrf });
            assert.equal(asUser.statusCode, 403, `user ${method} ${url}: ${asUser.body.slice(0, 200)}`);
            const asVisitor = await visitor.postForm(url, body, { csrf: visitorCsrf });
            assert.ok([401, 403].includes(asVisitor.statusCode), `visitor ${method} ${url}: ${asVisitor.statusCode}`);
          }
          requests += 2;
        }
      }
      console.log(`authorisation (${dialect}): ${staffRoutes.length} staff routes, ${requests} refused requests`);
      assert.deepEqual(await snapshot(), before, 'refused requests changed nothing');
    });

    test('owner-only routes refuse another user enumerating ids', async () => {
      const before = await snapshot();
      const csrf = await other.csrf('/upload');
      const json = { accept: 'application/json' };
      // Someone else's document: no delete, no reconvert, no status, no counter-notice.
      for (let id = 1; id <= docId + 2; id++) {
        const del = await other.postForm(`/d/${id}/delete`, {}, { csrf, headers: json });
        assert.ok([403, 404, 410].includes(del.statusCode), `delete ${id}: ${del.statusCode}`);
        const re = await other.postForm(`/d/${id}/reconvert`, {}, { csrf, headers: json });
        assert.ok([403, 404, 409].includes(re.statusCode), `reconvert ${id}: ${re.statusCode}`);
        const status = await other.get(`/api/documents/${id}/status`, json);
        assert.equal(status.statusCode, 404, `status ${id}`);
        const counter = await other.get(`/d/${id}/counter-notice`);
        assert.ok([403, 404, 409].includes(counter.statusCode), `counter-notice ${id}: ${counter.statusCode}`);
      }
      // Someone else's notifications and copyright filings are 404 whatever the id.
      const note = await t.deps.database.db
        .selectFrom('notifications')
        .select('id')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      for (let id = 1; id <= Number(note?.id ?? 0) + 2; id++) {
        const res = await other.postForm(`/notifications/${id}/open`, {}, { csrf, headers: json });
        const mine = await t.deps.database.db
          .selectFrom('notifications')
          .select('id')
          .where('id', '=', id)
          .where(
            'user_id',
            '=',
            Number(
              (
                await t.deps.database.db
                  .selectFrom('users')
                  .select('id')
                  .where('email', '=', 'other@example.com')
                  .executeTakeFirstOrThrow()
              ).id,
            ),
          )
          .executeTakeFirst();
        if (!mine) assert.equal(res.statusCode, 404, `notification ${id}`);
      }
      for (let id = 1; id <= 5; id++) {
        assert.equal((await other.get(`/copyright/notices/${id}`)).statusCode, 404, `notice ${id}`);
      }
      assert.deepEqual(await snapshot(), before, 'refused requests changed nothing');
      assert.equal((await owner.get(`/api/documents/${docId}/status`, json)).statusCode, 200, 'the owner still may');
    });
  });
}

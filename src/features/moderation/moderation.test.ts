// Issue #10: roles, punishments (ban, mute), 站内信 and the append-only audit log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { TestClient } from '../../testing/client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

const PASSWORD = 'correct horse 1';

for (const dialect of DIALECTS) {
  describe(`roles, punishments, notifications and the audit log (${dialect})`, () => {
    let t: TestApp;
    let admin: TestClient;
    let moderator: TestClient;
    let user: TestClient;
    const ids: Record<string, number> = {};
    const idOf = async (email: string) =>
      Number(
        (await t.deps.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow())
          .id,
      );
    const login = async (c: TestClient, email: string) =>
      c.postForm('/login', { identifier: email, password: PASSWORD }, { csrf: await c.csrf('/login') });
    const setRole = (email: string, role: 'admin' | 'moderator') =>
      t.deps.database.db.updateTable('users').set({ role }).where('email', '=', email).execute();

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      admin = new TestClient(t.app);
      moderator = new TestClient(t.app);
      user = new TestClient(t.app);
      await admin.register('admin@example.com', '管理员', PASSWORD);
      await moderator.register('mod@example.com', '审核员', PASSWORD);
      await user.register('user@example.com', '普通用户', PASSWORD);
      await setRole('admin@example.com', 'admin');
      await setRole('mod@example.com', 'moderator');
      for (const k of ['admin', 'mod', 'user']) ids[k] = await idOf(`${k}@example.com`);
    });
    after(() => t.close());

    test('staff pages: visitors go to login, users get 403, moderators reach moderation but not admin-only pages', async () => {
      const visitor = new TestClient(t.app);
      for (const path of ['/admin/users', `/admin/users/${ids.user}`, '/admin/audit', '/admin/review']) {
        const res = await visitor.get(path);
        assert.equal(res.statusCode, 303, path);
        assert.equal(res.headers.location, `/login?next=${encodeURIComponent(path)}`);
        assert.equal((await user.get(path)).statusCode, 403, path);
      }
      assert.equal((await moderator.get('/admin/users')).statusCode, 200);
      assert.equal((await moderator.get('/admin/review')).statusCode, 200);
      assert.equal((await moderator.get('/admin/audit')).statusCode, 403);
      assert.equal((await moderator.get('/admin')).statusCode, 403);
      // State changes too, with a valid token: a normal user cannot punish or change roles.
      const csrf = await user.csrf('/upload');
      const punish = await user.postForm(
        `/admin/users/${ids.mod}/punish`,
        { kind: 'ban', days: '7', reason: '越权尝试' },
        { csrf },
      );
      assert.equal(punish.statusCode, 403);
      assert.equal((await user.postForm(`/admin/users/${ids.user}/role`, { role: 'admin' }, { csrf })).statusCode, 403);
      // A moderator may not punish a moderator or an admin, nor change roles.
      const mcsrf = await moderator.csrf('/upload');
      for (const target of [ids.admin, ids.mod]) {
        const res = await moderator.postForm(
          `/admin/users/${target}/punish`,
          { kind: 'mute', days: '1', reason: '越权尝试' },
          { csrf: mcsrf },
        );
        assert.equal(res.statusCode, 403);
      }
      assert.equal(
        (await moderator.postForm(`/admin/users/${ids.user}/role`, { role: 'moderator' }, { csrf: mcsrf })).statusCode,
        403,
      );
      const audit = await t.deps.database.db.selectFrom('audit_log').selectAll().execute();
      assert.equal(audit.length, 0, 'refused actions change nothing and record nothing');
    });

    test('a mute stops uploads and reports, is notified, audited and lifted', async () => {
      const csrf = await moderator.csrf(`/admin/users/${ids.user}`);
      const res = await moderator.postForm(
        `/admin/users/${ids.user}/punish`,
        { kind: 'mute', days: '3', reason: '多次上传广告' },
        { csrf },
      );
      assert.equal(res.statusCode, 303);
      const refused = await user.upload(
        { name: '通知.txt', data: Buffer.from('关于做好年度工作的通知\n请认真落实。') },
        { title: '', category: '1', price: '0' },
      );
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /你已被禁言，.* 前不能上传、评论或举报/);
      const notes = await user.get('/notifications');
      assert.match(notes.body, /你已被禁言（不能上传、评论或举报），原因：多次上传广告/);
      assert.match(notes.body, /消息（1 条未读）/, 'the header counts the unread message');
      const entry = await t.deps.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'user.mute')
        .executeTakeFirstOrThrow();
      assert.equal(Number(entry.actor_id), ids.mod);
      assert.equal(Number(entry.target_id), ids.user);
      assert.equal(entry.reason, '多次上传广告');

      const punishment = await t.deps.database.db
        .selectFrom('punishments')
        .select('id')
        .where('user_id', '=', ids.user!)
        .executeTakeFirstOrThrow();
      const lift = await moderator.postForm(`/admin/punishments/${punishment.id}/revoke`, {}, { csrf });
      assert.equal(lift.statusCode, 303);
      const again = await moderator.postForm(
        `/admin/punishments/${punishment.id}/revoke`,
        {},
        { csrf, headers: { accept: 'application/json' } },
      );
      assert.equal(again.statusCode, 409);
      const ok = await user.upload(
        { name: '通知.txt', data: Buffer.from('关于做好年度工作的通知\n请认真落实。') },
        { title: '', category: '1', price: '0' },
      );
      assert.equal(ok.statusCode, 201);
    });

    test('a ban ends every session and refuses login with the reason and the end date; lifting it lets them in', async () => {
      const victim = new TestClient(t.app);
      await victim.register('banned@example.com', '违规者', PASSWORD);
      const victimId = await idOf('banned@example.com');
      assert.equal((await victim.get('/my/wallet')).statusCode, 200);
      const csrf = await admin.csrf(`/admin/users/${victimId}`);
      const res = await admin.postForm(
        `/admin/users/${victimId}/punish`,
        { kind: 'ban', days: '7', reason: '发布违法内容' },
        { csrf },
      );
      assert.equal(res.statusCode, 303);
      // The live session is gone.
      const kicked = await victim.get('/my/wallet');
      assert.equal(kicked.statusCode, 303);
      assert.match(String(kicked.headers.location), /^\/login/);
      const refused = await login(new TestClient(t.app), 'banned@example.com');
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /该账号已被封禁，原因：发布违法内容。解封时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      // A wrong password still says only 账号或密码错误 (the ban is not revealed to strangers).
      const stranger = new TestClient(t.app);
      const wrong = await stranger.postForm(
        '/login',
        { identifier: 'banned@example.com', password: 'not-the-password' },
        { csrf: await stranger.csrf('/login') },
      );
      assert.equal(wrong.statusCode, 400);
      assert.doesNotMatch(wrong.body, /封禁/);
      const page = await admin.get(`/admin/users/${victimId}`);
      assert.match(page.body, /封禁至 \d{4}-\d{2}-\d{2}/);

      const p = await t.deps.database.db
        .selectFrom('punishments')
        .select('id')
        .where('user_id', '=', victimId)
        .executeTakeFirstOrThrow();
      assert.equal((await admin.postForm(`/admin/punishments/${p.id}/revoke`, {}, { csrf })).statusCode, 303);
      assert.equal((await login(new TestClient(t.app), 'banned@example.com')).statusCode, 303);
    });

    test('a permanent ban says so; an admin changes a role and the new session carries it', async () => {
      const csrf = await admin.csrf(`/admin/users/${ids.user}`);
      const promote = await admin.postForm(`/admin/users/${ids.user}/role`, { role: 'moderator' }, { csrf });
      assert.equal(promote.statusCode, 303);
      // Privileges changed: the old session is gone; a fresh login is a moderator.
      const fresh = new TestClient(t.app);
      await login(fresh, 'user@example.com');
      assert.equal((await fresh.get('/admin/users')).statusCode, 200);
      const entry = await t.deps.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'user.role')
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(entry.before ?? '{}'), { role: 'user' });
      assert.deepEqual(JSON.parse(entry.after ?? '{}'), { role: 'moderator' });

      const forever = new TestClient(t.app);
      await forever.register('forever@example.com', '永久封禁', PASSWORD);
      const id = await idOf('forever@example.com');
      await admin.postForm(`/admin/users/${id}/punish`, { kind: 'ban', days: '0', reason: '诈骗' }, { csrf });
      const refused = await login(new TestClient(t.app), 'forever@example.com');
      assert.match(refused.body, /该账号已被永久封禁，原因：诈骗/);
      // Bad input changes nothing: no reason, an unknown kind, an unknown duration.
      for (const body of [
        { kind: 'ban', days: '7', reason: '' },
        { kind: 'exile', days: '7', reason: '无效类型' },
        { kind: 'mute', days: '5', reason: '无效期限' },
      ]) {
        const res = await admin.postForm(`/admin/users/${ids.admin}/punish`, body, {
          csrf,
          headers: { accept: 'application/json' },
        });
        assert.ok(res.statusCode === 400 || res.statusCode === 403, JSON.stringify(body));
      }
    });

    test('站内信: open marks read and follows the link; others cannot open it; read-all clears the count', async () => {
      const me = new TestClient(t.app);
      await me.register('reader@example.com', '读者', PASSWORD);
      const meId = await idOf('reader@example.com');
      const { notify } = await import('../notifications/service.ts');
      await notify(t.deps.database.db, {
        userId: meId,
        kind: 'role.changed',
        params: { role: '审核员' },
        link: '/my/wallet',
      });
      await notify(t.deps.database.db, { userId: meId, kind: 'mute.revoked', params: {} });
      const api = await me.get('/api/notifications/unread', { accept: 'application/json' });
      assert.deepEqual(api.json(), { unread: 2 });
      const rows = await t.deps.database.db
        .selectFrom('notifications')
        .select(['id', 'kind'])
        .where('user_id', '=', meId)
        .orderBy('id')
        .execute();
      const csrf = await me.csrf('/notifications');
      const open = await me.postForm(`/notifications/${rows[0]!.id}/open`, {}, { csrf });
      assert.equal(open.statusCode, 303);
      assert.equal(open.headers.location, '/my/wallet');
      // Someone else's notification id is a 404, and changes nothing.
      const other = await admin.postForm(
        `/notifications/${rows[1]!.id}/open`,
        {},
        { csrf: await admin.csrf('/upload') },
      );
      assert.equal(other.statusCode, 404);
      assert.deepEqual((await me.get('/api/notifications/unread', { accept: 'application/json' })).json(), {
        unread: 1,
      });
      await me.postForm('/notifications/read-all', {}, { csrf });
      assert.deepEqual((await me.get('/api/notifications/unread', { accept: 'application/json' })).json(), {
        unread: 0,
      });
    });

    test('the audit log is append-only in the database itself and filterable at /admin/audit', async () => {
      const { db } = t.deps.database;
      await assert.rejects(sql`update audit_log set reason = 'tampered'`.execute(db), /append-only/);
      await assert.rejects(sql`delete from audit_log`.execute(db), /append-only/);
      const page = await admin.get('/admin/audit?action=user.ban');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /封禁用户/);
      assert.doesNotMatch(page.body, /data-action="user.mute"/);
      const json = await admin.get(`/admin/audit?target=${ids.user}`, { accept: 'application/json' });
      const rows = (json.json() as { rows: { action: string }[] }).rows.map((r) => r.action);
      assert.ok(rows.includes('user.mute') && rows.includes('user.role'), rows.join(','));
    });
  });
}

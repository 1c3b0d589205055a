// The 客服 inbox over HTTP, on each dialect: a user opens a conversation with a real PNG screenshot (stored only as
// the re-encoded WebP), staff see the unread count on /admin, open and answer it, the user is notified and reads
// the answer; nobody else can read the conversation or its screenshot; an HTML page named .png and a 40-megapixel
// PNG are refused in zh-CN with nothing stored; new conversations are limited per user; close and reopen are audited.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileTypeFromBuffer } from 'file-type';
import { TestClient } from '../../testing/client.ts';
import { drawnImage, hugePngHeader } from '../../testing/images.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { CONVERSATION_LIMITS } from './service.ts';

for (const dialect of DIALECTS) {
  describe(`客服 inbox on ${dialect}`, () => {
    let t: TestApp;
    let user: TestClient;
    let stranger: TestClient;
    let mod: TestClient;
    let admin: TestClient;
    let visitor: TestClient;
    let png: Buffer;
    let conversationId: number;
    let imageMessageId: number;
    const ids: Record<string, number> = {};

    const db = () => t.deps.database.db;
    const idOf = async (email: string) =>
      Number((await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);
    const count = async (table: 'support_conversations' | 'support_messages') =>
      Number(
        (
          await db()
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    /** Files in the blob store's `support` namespace (the store shards keys into directories). */
    const supportBlobs = () => {
      const out: string[] = [];
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(dir, e.name));
          else out.push(join(dir, e.name));
        }
      };
      try {
        walk(join(t.dataDir, 'blobs', 'support'));
      } catch {
        // No screenshot stored yet.
      }
      return out;
    };
    const open = (c: TestClient, fields: Record<string, string>, file?: { name: string; data: Buffer }) =>
      c.postMultipart('/support', fields, {
        csrfPage: '/support',
        ...(file ? { file: { field: 'screenshot', ...file } } : {}),
      });

    before(async () => {
      t = await createTestApp(dialect);
      const make = async (email: string, name: string) => {
        const c = new TestClient(t.app);
        const res = await c.register(email, name);
        assert.equal(res.statusCode, 303, res.body);
        ids[email.split('@')[0]!] = await idOf(email);
        return c;
      };
      user = await make('user@example.com', '求助的读者');
      stranger = await make('stranger@example.com', '路人');
      mod = await make('mod@example.com', '客服小王');
      admin = await make('admin@example.com', '站长');
      visitor = new TestClient(t.app);
      await db().updateTable('users').set({ role: 'moderator' }).where('id', '=', ids.mod!).execute();
      await db().updateTable('users').set({ role: 'admin' }).where('id', '=', ids.admin!).execute();
      png = await drawnImage('png', 640, 360);
    });
    after(() => t.close());

    test('a user opens a conversation with a real PNG screenshot; only the re-encoded WebP is stored', async () => {
      const page = await user.get('/support');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('发起新会话'));
      const res = await open(
        user,
        { subject: '购买后无法下载', body: '我购买了《安全生产讲话》，点击下载没有反应。\n订单时间：今天上午' },
        { name: 'screen.png', data: png },
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      conversationId = Number(/^\/support\/(\d+)$/.exec(res.headers.location as string)?.[1]);
      assert.ok(conversationId > 0);
      const msg = await db()
        .selectFrom('support_messages')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .executeTakeFirstOrThrow();
      imageMessageId = Number(msg.id);
      assert.match(msg.image_key ?? '', /^support\/[0-9a-f]{64}$/);
      assert.deepEqual([msg.image_width, msg.image_height], [640, 360]);

      const view = await user.get(`/support/${conversationId}`);
      assert.equal(view.statusCode, 200);
      assert.ok(view.body.includes('购买后无法下载'));
      assert.ok(view.body.includes('订单时间：今天上午'));
      assert.ok(view.body.includes('待回复'));
      assert.ok(view.body.includes(`src="/support/images/${imageMessageId}"`));

      const img = await user.get(`/support/images/${imageMessageId}`);
      assert.equal(img.statusCode, 200);
      assert.equal(img.headers['content-type'], 'image/webp');
      assert.equal(img.headers['x-content-type-options'], 'nosniff');
      assert.match(String(img.headers['cache-control']), /private/);
      assert.equal((await fileTypeFromBuffer(img.rawPayload))?.mime, 'image/webp');
      assert.notDeepEqual(img.rawPayload, png);
      assert.equal(supportBlobs().length, 1);
    });

    test('staff see the unread count on /admin, open the conversation (read) and reply; the user is notified', async () => {
      const reports = await mod.get('/admin/reports');
      assert.ok(reports.body.includes('客服会话<span class="staff-nav__count">（1）</span>'), 'StaffNav badge');
      const list = await mod.get('/admin/support');
      assert.equal(list.statusCode, 200);
      assert.ok(list.body.includes('进行中（1 条未读）'));
      assert.ok(list.body.includes('购买后无法下载'));
      const settings = await admin.get('/admin');
      assert.ok(settings.body.includes('客服会话：1 条未读'), 'the admin console shows it too');

      const view = await mod.get(`/admin/support/${conversationId}`);
      assert.equal(view.statusCode, 200);
      assert.ok(view.body.includes('求助的读者'));
      assert.ok(view.body.includes(`src="/support/images/${imageMessageId}"`));
      assert.equal((await mod.get(`/support/images/${imageMessageId}`)).statusCode, 200);
      assert.ok((await mod.get('/admin/support')).body.includes('进行中（0 条未读）'));
      assert.ok(!(await mod.get('/admin/reports')).body.includes('staff-nav__count'));

      const reply = await mod.postForm(
        `/admin/support/${conversationId}/reply`,
        { body: '您好，已为您重新开通下载，请再试一次。<b>谢谢</b>' },
        { csrf: await mod.csrf(`/admin/support/${conversationId}`) },
      );
      assert.equal(reply.statusCode, 303, reply.body);
      const notes = await db()
        .selectFrom('notifications')
        .select(['kind', 'link'])
        .where('user_id', '=', ids.user!)
        .execute();
      assert.deepEqual(
        notes.map((n) => [n.kind, n.link]),
        [['support.reply', `/support/${conversationId}`]],
      );
      const centre = await user.get('/notifications');
      assert.ok(centre.body.includes('客服回复了你的会话「购买后无法下载」'));
      const mine = await user.get('/support');
      assert.ok(mine.body.includes('已回复'));
      assert.ok(mine.body.includes('1 条新回复'));
      const conv = await user.get(`/support/${conversationId}`);
      assert.ok(conv.body.includes('已为您重新开通下载'));
      assert.ok(conv.body.includes('&lt;b>谢谢&lt;/b>'));
      // Oldest first: the user's message, then the answer.
      assert.ok(conv.body.indexOf('订单时间') < conv.body.indexOf('重新开通下载'));
      assert.ok(!(await user.get('/support')).body.includes('条新回复'));

      // The user follows up with a screenshot only; staff see one unread again.
      const follow = await user.postMultipart(
        `/support/${conversationId}`,
        { body: '' },
        {
          csrfPage: `/support/${conversationId}`,
          file: { field: 'screenshot', name: 'b.jpg', data: await drawnImage('jpeg', 300, 200) },
        },
      );
      assert.equal(follow.statusCode, 303, follow.body.slice(0, 300));
      assert.ok((await mod.get('/admin/support')).body.includes('进行中（1 条未读）'));
    });

    test('nobody else reads the conversation or its screenshot', async () => {
      for (const path of [`/support/${conversationId}`, `/support/images/${imageMessageId}`]) {
        assert.equal((await stranger.get(path)).statusCode, 404, path);
        assert.equal(
          (await visitor.get(path, { accept: 'application/json' })).statusCode,
          path.includes('images') ? 404 : 401,
          path,
        );
      }
      assert.equal((await visitor.get(`/support/images/${imageMessageId}`)).statusCode, 404);
      const post = await stranger.postMultipart(
        `/support/${conversationId}`,
        { body: '我也想看看' },
        { csrfPage: '/support' },
      );
      assert.equal(post.statusCode, 404);
      assert.ok(!(await stranger.get('/support')).body.includes('购买后无法下载'));
      // Staff pages: a user gets 403, a visitor the login form.
      assert.equal((await stranger.get('/admin/support')).statusCode, 403);
      assert.equal((await stranger.get(`/admin/support/${conversationId}`)).statusCode, 403);
      assert.equal((await visitor.get('/admin/support')).statusCode, 303);
      const sneak = await stranger.postForm(
        `/admin/support/${conversationId}/reply`,
        { body: '冒充客服' },
        { csrf: await stranger.csrf('/support') },
      );
      assert.equal(sneak.statusCode, 403);
    });

    test('an HTML page named .png and a 40-megapixel PNG are refused in zh-CN; nothing is stored', async () => {
      const before = {
        c: await count('support_conversations'),
        m: await count('support_messages'),
        b: supportBlobs().length,
      };
      const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
      const res = await open(stranger, { subject: '截图', body: '请看截图' }, { name: 'shot.png', data: html });
      assert.equal(res.statusCode, 422, res.body.slice(0, 300));
      assert.ok(res.body.includes('文件内容不是图片'));
      // The form comes back with what was typed.
      assert.ok(res.body.includes('请看截图'));
      const huge = await open(
        stranger,
        { subject: '大图', body: '很大的图' },
        { name: 'big.png', data: hugePngHeader(8000, 5000) },
      );
      assert.equal(huge.statusCode, 422);
      assert.ok(huge.body.includes('图片尺寸过大'), huge.body.slice(0, 300));
      assert.deepEqual(
        { c: await count('support_conversations'), m: await count('support_messages'), b: supportBlobs().length },
        before,
      );
      // Missing fields are refused in words too.
      const empty = await open(stranger, { subject: '', body: '' });
      assert.equal(empty.statusCode, 422);
      assert.ok(empty.body.includes('请填写主题'));
    });

    test('new conversations are limited per user (counted in the database)', async () => {
      const c = new TestClient(t.app);
      await c.register('eager@example.com', '着急的用户');
      const max = CONVERSATION_LIMITS[0].max;
      for (let i = 0; i < max; i++) {
        const res = await open(c, { subject: `问题 ${i + 1}`, body: '请尽快回复' });
        assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      }
      const before = await count('support_conversations');
      const refused = await open(c, { subject: '又一个问题', body: '请尽快回复' });
      assert.equal(refused.statusCode, 429);
      assert.ok(refused.body.includes('发送太频繁了'));
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.equal(await count('support_conversations'), before);
    });

    test('staff close (the user is told, no more messages) and reopen; both audited', async () => {
      const csrf = await mod.csrf(`/admin/support/${conversationId}`);
      const close = await mod.postForm(`/admin/support/${conversationId}/close`, {}, { csrf });
      assert.equal(close.statusCode, 303);
      // A second close: the conversation page again (422) with the reason.
      const twice = await mod.postForm(`/admin/support/${conversationId}/close`, {}, { csrf });
      assert.equal(twice.statusCode, 422);
      assert.match(twice.body, /form__errors/);
      assert.ok((await user.get('/support')).body.includes('已关闭'));
      const late = await user.postMultipart(
        `/support/${conversationId}`,
        { body: '还有一个问题' },
        { csrfPage: '/support' },
      );
      assert.equal(late.statusCode, 422, 'the closed conversation again, which says so');
      assert.ok(late.body.includes('已关闭'));
      assert.ok((await mod.get('/admin/support?status=closed')).body.includes('购买后无法下载'));
      const reopen = await mod.postForm(`/admin/support/${conversationId}/reopen`, {}, { csrf });
      assert.equal(reopen.statusCode, 303);
      const ok = await user.postMultipart(
        `/support/${conversationId}`,
        { body: '还有一个问题' },
        { csrfPage: '/support' },
      );
      assert.equal(ok.statusCode, 303);
      const audit = await db()
        .selectFrom('audit_log')
        .select(['action', 'target_id'])
        .where('target_type', '=', 'support')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((a) => [a.action, Number(a.target_id)]),
        [
          ['support.close', conversationId],
          ['support.reopen', conversationId],
        ],
      );
      const kinds = (
        await db().selectFrom('notifications').select('kind').where('user_id', '=', ids.user!).execute()
      ).map((n) => n.kind);
      assert.ok(kinds.includes('support.closed'));
    });

    test('the 微信客服 button leads to /support and keeps the operator text', async () => {
      const home = await visitor.get('/');
      assert.ok(home.body.includes('href="/support"'));
      assert.ok(home.body.includes('在线留言给客服'));
      // A visitor opening /support is asked to log in first.
      const res = await visitor.get('/support');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/login?next=%2Fsupport');
    });
  });
}

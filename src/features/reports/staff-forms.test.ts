// The staff decision forms refused on each dialect (issue #13): a report decision (驳回, 警告, 处罚) and a user page's
// 处罚 and role forms with a missing or wrong field are the page again with 422, the sentence beside the field in the
// form it came from (its disclosure opened) and what was typed kept; the corrected decision goes through.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../../testing/client.ts';
import { insertTestDocument } from '../../testing/credits.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { signUp } from '../../testing/users.ts';

for (const dialect of DIALECTS) {
  describe(`the staff decision forms keep their input (${dialect})`, () => {
    let t: TestApp;
    let mod: TestClient;
    let admin: TestClient;
    let uploaderId: number;
    let reportId: number;
    const staffPost = async (c: TestClient, url: string, fields: Record<string, string>) =>
      c.postForm(url, fields, { csrf: await c.csrf('/admin/reports') });

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      mod = (await signUp(t, 'mod@example.com', '审核员', 'moderator')).client;
      admin = (await signUp(t, 'admin@example.com', '站长', 'admin')).client;
      uploaderId = (await signUp(t, 'uploader@example.com', '上传者')).id;
      const reader = (await signUp(t, 'reader@example.com', '读者')).client;
      const docId = await insertTestDocument(t.deps.database, uploaderId, { price: 0 });
      const filed = await reader.postForm(
        `/d/${docId}/report`,
        { reason: 'mismatch', detail: '标题和内容不符' },
        { csrf: await reader.csrf(`/d/${docId}/report`), headers: { accept: 'application/json' } },
      );
      assert.equal(filed.statusCode, 201, filed.body);
      reportId = (filed.json() as { id: number }).id;
    });
    after(() => t.close());

    test('a report decision: the sentence beside its field in that report’s form, opened, the input kept', async () => {
      const short = await staffPost(mod, `/admin/reports/${reportId}/dismiss`, { reason: '否' });
      const html = assertRefusedForm(short, {
        form: `dismiss-${reportId}`,
        field: 'reason',
        error: /请填写驳回原因/,
        values: { reason: '否' },
      });
      assert.match(html, new RegExp(`<details open><summary>驳回举报</summary><form id="dismiss-${reportId}"`));
      const punish = await staffPost(mod, `/admin/reports/${reportId}/punish`, { kind: 'mute', days: '7', reason: '' });
      assertRefusedForm(punish, {
        form: `punish-${reportId}`,
        field: 'reason',
        error: /原因/,
        values: { kind: 'mute', days: '7', reason: '' },
      });
      const warn = await staffPost(mod, `/admin/reports/${reportId}/warn`, { message: ' ' });
      assertRefusedForm(warn, { form: `warn-${reportId}`, field: 'message', error: /警告/ });
      const done = await staffPost(mod, `/admin/reports/${reportId}/dismiss`, { reason: '内容与标题相符' });
      assert.equal(done.statusCode, 303, done.body);
      // Decided: a second decision has no form left on the queue, so the sentence stands alone.
      const again = await staffPost(mod, `/admin/reports/${reportId}/dismiss`, { reason: '再驳回一次' });
      assert.equal(again.statusCode, 422);
      assert.match(again.body, /该举报已处理/);
      assert.doesNotMatch(again.body, new RegExp(`id="dismiss-${reportId}"`));
    });

    test('a user page: 处罚 and the role refused beside their field with the choices kept', async () => {
      const page = `/admin/users/${uploaderId}`;
      const punish = await staffPost(mod, `${page}/punish`, { kind: 'ban', days: '5', reason: '违规' });
      assertRefusedForm(punish, {
        form: 'punish',
        field: 'days',
        error: /期限/,
        values: { kind: 'ban', reason: '违规' },
      });
      const role = await staffPost(admin, `${page}/role`, { role: 'owner' });
      assertRefusedForm(role, { form: 'role', field: 'role', error: /角色/ });
      const done = await staffPost(mod, `${page}/punish`, { kind: 'mute', days: '1', reason: '刷屏评论' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `${page}?notice=punished`);
      // 撤销 is a Form per punishment; lifted meanwhile, it is this user's page again with the sentence alone.
      const punishment = await t.deps.database.db
        .selectFrom('punishments')
        .select('id')
        .where('user_id', '=', uploaderId)
        .executeTakeFirstOrThrow();
      assert.match((await mod.get(page)).body, new RegExp(`<form id="revoke-${punishment.id}"`));
      const lift = await staffPost(mod, `/admin/punishments/${punishment.id}/revoke`, {});
      assert.equal(lift.statusCode, 303, lift.body);
      const again = await staffPost(mod, `/admin/punishments/${punishment.id}/revoke`, {});
      assert.equal(again.statusCode, 422);
      assert.match(again.body, /<h1 id="user-title">[^<]*上传者/, 'the punished user’s page');
      assert.match(again.body, /<div class="form__errors" role="alert"[^>]*><p>该处罚已经解除/);
      assert.doesNotMatch(again.body, new RegExp(`id="revoke-${punishment.id}"`));
    });
  });
}

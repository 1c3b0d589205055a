// The 客服 forms refused on each dialect (issue #13): the new-conversation and follow-up forms (multipart, token as
// the first field) and the staff's reply come back with 422, the sentence beside the field, what was typed, and the
// screenshot to be chosen again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

const NOT_AN_IMAGE = { field: 'screenshot', name: 'shot.png', data: Buffer.from('<!doctype html><p>截图？</p>') };

for (const dialect of DIALECTS) {
  describe(`the support forms keep their input (${dialect})`, () => {
    let t: TestApp;
    let user: TestClient;
    let staff: TestClient;
    let conversation: number;
    const send = (url: string, fields: Record<string, string>, file?: typeof NOT_AN_IMAGE) =>
      user.postMultipart(url, fields, { csrfPage: '/support', csrfInBody: true, file });

    before(async () => {
      t = await createTestApp(dialect);
      user = new TestClient(t.app);
      await user.register('reader@example.com', '读者');
      staff = new TestClient(t.app);
      await staff.register('staff@example.com', '客服小王');
      const db = t.deps.database.db;
      await db.updateTable('users').set({ role: 'moderator' }).where('email', '=', 'staff@example.com').execute();
      const opened = await send('/support', { subject: '下载失败', body: '购买后无法下载' });
      assert.equal(opened.statusCode, 303, opened.body.slice(0, 300));
      conversation = Number(/\/support\/(\d+)/.exec(String(opened.headers.location))?.[1]);
    });
    after(() => t.close());

    test('a new conversation without a subject: the sentence beside it, the text kept', async () => {
      const res = await send('/support', { subject: '  ', body: '第三页的<表格>错位了' });
      assertRefusedForm(res, {
        form: 'support',
        field: 'subject',
        error: /请填写主题/,
        values: { subject: '  ', body: '第三页的<表格>错位了' },
      });
    });

    test('a screenshot that is not a picture: beside the file field, the text kept, choose again', async () => {
      const res = await send('/support', { subject: '截图问题', body: '请看截图' }, NOT_AN_IMAGE);
      const html = assertRefusedForm(res, {
        form: 'support',
        field: 'screenshot',
        error: /不是图片/,
        values: { subject: '截图问题', body: '请看截图' },
      });
      assert.match(html, /请重新选择/);
      const follow = await send(`/support/${conversation}`, { body: '补充一张截图' }, NOT_AN_IMAGE);
      assertRefusedForm(follow, {
        form: 'support-reply',
        field: 'screenshot',
        error: /不是图片/,
        values: { body: '补充一张截图' },
      });
      assert.match(follow.body, /购买后无法下载/, 'the conversation is shown around the form');
    });

    test("an empty follow-up and the staff's empty reply: the sentence beside the text", async () => {
      assertRefusedForm(await send(`/support/${conversation}`, { body: '   ' }), {
        form: 'support-reply',
        field: 'body',
        error: /请填写/,
      });
      const csrf = await staff.csrf(`/admin/support/${conversation}`);
      const reply = await staff.postForm(`/admin/support/${conversation}/reply`, { body: ' \n ' }, { csrf });
      assertRefusedForm(reply, { form: 'staff-reply', field: 'body', error: /请填写/, values: { body: ' \n ' } });
      const long = '很'.repeat(5001);
      const tooLong = await staff.postForm(`/admin/support/${conversation}/reply`, { body: long }, { csrf });
      assertRefusedForm(tooLong, { form: 'staff-reply', field: 'body', error: /5000/, values: { body: long } });
    });
  });
}

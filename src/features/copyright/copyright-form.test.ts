// The copyright forms refused on each dialect (issue #13): the notice form (multipart, token as the first field, no
// ?_csrf= in its action) comes back with 422, the sentence beside the field and everything typed but the identity
// number and the proof files (each field says so); the counter-notice likewise; a staff decision without its reason
// is the filing page again with the sentence beside the reason, and a decision already taken says so on the page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertTestDocument } from '../../testing/credits.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

const PDF = {
  field: 'proof',
  name: '登记证书.pdf',
  data: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
};
const holder = {
  holderKind: 'organisation',
  holderName: '青石出版社有限公司',
  idType: 'uscc',
  idNumber: '91350100M000100Y43',
  phone: '13800138000',
  email: 'rights@example.com',
  address: '福建省福州市鼓楼区五四路 1 号',
  workTitle: '基层治理讲话稿汇编',
  workAuthor: '林青石',
  workPublished: '2024 年 3 月，青石出版社《基层治理》第 2 期',
  proofText: '本社享有该作品的专有出版权，附著作权登记证书及出版合同。',
  sworn: '1',
};

for (const dialect of DIALECTS) {
  describe(`the copyright forms keep their input (${dialect})`, () => {
    let t: TestApp;
    let rights: TestClient;
    let uploader: TestClient;
    let moderator: TestClient;
    let docId: number;
    const file = (fields: Record<string, string>, url = '/copyright', proof?: typeof PDF) =>
      rights.postMultipart(url, fields, { csrfPage: '/copyright', csrfInBody: true, file: proof });

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const make = async (email: string, name: string) => {
        const c = new TestClient(t.app);
        await c.register(email, name);
        return c;
      };
      rights = await make('holder@example.com', '青石出版社');
      uploader = await make('uploader@example.com', '张上传');
      moderator = await make('mod@example.com', '审核员甲');
      const db = t.deps.database.db;
      await db.updateTable('users').set({ role: 'moderator' }).where('email', '=', 'mod@example.com').execute();
      const owner = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'uploader@example.com')
        .executeTakeFirstOrThrow();
      docId = await insertTestDocument(t.deps.database, Number(owner.id), { price: 0 });
    });
    after(() => t.close());

    test('the page form posts to /copyright with the token as its first field', async () => {
      const page = await rights.get('/copyright');
      assert.match(page.body, /<form[^>]*id="notice"[^>]*action="\/copyright"/);
      assert.doesNotMatch(page.body, /_csrf=/);
    });

    test('a bad phone number: the sentence beside it, every other field kept, the files to choose again', async () => {
      const typed = { ...holder, phone: '电话123', documents: `/d/${docId}` };
      const res = await file(typed, '/copyright', PDF);
      const html = assertRefusedForm(res, {
        form: 'notice',
        field: 'phone',
        error: /联系电话格式不正确/,
        values: {
          holderName: typed.holderName,
          idType: 'uscc',
          phone: '电话123',
          email: typed.email,
          address: typed.address,
          workTitle: typed.workTitle,
          workAuthor: typed.workAuthor,
          workPublished: typed.workPublished,
          documents: `/d/${docId}`,
          proofText: typed.proofText,
          sworn: '1',
          idNumber: '',
        },
        absent: [holder.idNumber],
      });
      assert.match(
        html,
        /id="notice-holderKind-organisation"[^>]*checked|checked[^>]*id="notice-holderKind-organisation"/,
      );
      assert.match(html, /请重新选择/);
      assert.match(html, /此项不会保留，请重新填写/);
      const n = await t.deps.database.db.selectFrom('copyright_notices').select('id').execute();
      assert.equal(n.length, 0);
    });

    test('no document named: the sentence beside the documents field', async () => {
      assertRefusedForm(await file({ ...holder, documents: '' }), {
        form: 'notice',
        field: 'documents',
        error: /请至少填写一个涉嫌侵权的文苑文档链接或编号/,
        values: { proofText: holder.proofText },
      });
    });

    test('a staff decision without its reason, and one already taken', async () => {
      const filed = await file({ ...holder, documents: String(docId) }, '/copyright', PDF);
      assert.equal(filed.statusCode, 303, filed.body.slice(0, 300));
      const id = Number(/notices\/(\d+)/.exec(String(filed.headers.location))?.[1]);
      const csrf = await moderator.csrf(`/admin/notices/${id}`);
      const noReason = await moderator.postForm(`/admin/notices/${id}/reject`, { reason: ' ' }, { csrf });
      assertRefusedForm(noReason, { form: 'reject', field: 'reason', error: /请填写理由/, values: { reason: ' ' } });
      const down = await moderator.postForm(`/admin/notices/${id}/take-down`, {}, { csrf });
      assert.equal(down.statusCode, 303);
      const twice = await moderator.postForm(`/admin/notices/${id}/take-down`, {}, { csrf });
      assert.equal(twice.statusCode, 422);
      assert.doesNotMatch(twice.body, /id="take-down"/, 'the button is gone…');
      assert.match(twice.body, /role="alert"[^>]*>\s*<p>[^<]+<\/p>/, '…and the page says why nothing happened');

      // The uploader's counter-notice, refused for want of evidence: what was typed comes back.
      const counter = await uploader.postMultipart(
        `/d/${docId}/counter-notice`,
        {
          name: '张上传',
          contact: 'uploader@example.com',
          address: '北京市东城区东长安街 1 号',
          statement: '该文档是我本人原创的讲话稿，与对方作品无关。',
          evidenceText: '',
          sworn: '1',
        },
        { csrfPage: `/d/${docId}/counter-notice`, csrfInBody: true },
      );
      assertRefusedForm(counter, {
        form: 'counter',
        field: 'evidenceText',
        error: /请提供证据说明/,
        values: {
          name: '张上传',
          contact: 'uploader@example.com',
          statement: '该文档是我本人原创的讲话稿，与对方作品无关。',
        },
      });
    });
  });
}

// The real-name form refused on each dialect (issue #13): the page again with 422, the sentence beside the field, the
// name and the consent kept, the ID number never written back (the field asks for it again), the photo to be chosen
// again, and the token read from the body's first field (none in the address).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { makeIdNumber } from '../../testing/verification.ts';

for (const dialect of DIALECTS) {
  describe(`the verification form keeps its input (${dialect})`, () => {
    let t: TestApp;
    let alice: TestClient;
    const number = makeIdNumber({ region: '440304', birth: '19900307', seq: '123' });
    const wrongCheck = number.slice(0, 17) + (number.endsWith('0') ? '1' : '0');
    const send = (fields: Record<string, string>, file?: { field: string; name: string; data: Buffer }) =>
      alice.postMultipart('/account/verification', fields, { csrfInBody: true, file });

    before(async () => {
      t = await createTestApp(dialect);
      alice = new TestClient(t.app);
      await alice.register('alice@example.com', '爱丽丝');
    });
    after(() => t.close());

    test('a wrong check digit: 422, the sentence beside the number, the name and consent kept, the number not', async () => {
      const res = await send({ legalName: '张三', idNumber: wrongCheck, consent: '1' });
      const html = assertRefusedForm(res, {
        form: 'verification',
        field: 'idNumber',
        error: /校验位不正确/,
        values: { legalName: '张三', consent: '1', idNumber: '' },
        absent: [wrongCheck],
      });
      assert.match(html, /此项不会保留，请重新填写/);
      assert.match(html, /请重新选择/, 'the photo field says to choose the file again');
      const rows = await t.deps.database.db.selectFrom('verifications').selectAll().execute();
      assert.deepEqual(rows, []);
    });

    test('no consent and a photo that is not an image: each sentence beside its field', async () => {
      const noConsent = await send({ legalName: '李四', idNumber: number });
      assertRefusedForm(noConsent, {
        form: 'verification',
        field: 'consent',
        error: /同意/,
        values: { legalName: '李四', consent: '' },
      });
      const text = { field: 'photo', name: 'card.jpg', data: Buffer.from('不是图片'.repeat(50)) };
      const notImage = await send({ legalName: '李四', idNumber: number, consent: '1' }, text);
      assertRefusedForm(notImage, {
        form: 'verification',
        field: 'photo',
        error: /JPEG、PNG 或 WebP/,
        values: { legalName: '李四', consent: '1' },
      });
    });

    test('a body whose first field is not the token is refused before anything is read', async () => {
      const res = await alice.postMultipart(
        '/account/verification',
        { legalName: '王五', _csrf: await alice.csrf('/account/verification'), idNumber: number, consent: '1' },
        { csrfPage: '/account/verification', csrfInBody: false },
      );
      // postMultipart puts a valid token in the query: with it the body's order does not matter…
      assert.equal(res.statusCode, 303);
      // …without it, the token must be the first part.
      const boundary = '----wenyuantest';
      const part = (k: string, v: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
      const late = await t.app.inject({
        method: 'POST',
        url: '/account/verification',
        payload: `${part('legalName', '王五')}${part('_csrf', await alice.csrf('/account/verification'))}--${boundary}--\r\n`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: alice.cookieHeader() },
      });
      assert.equal(late.statusCode, 403);
      assert.doesNotMatch(late.body, /id="verification"/, 'a refused token never shows the form');
    });
  });
}

// Issue #13: the upload form without script. Its CSRF token is its first multipart field (never `/upload?_csrf=…`
// in the address bar), and a refused upload comes back as the same form — 422, the sentence beside the field, what
// was typed kept — instead of the generic error page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

const speech = Buffer.from('关于做好年终总结工作的通知\n各单位：请认真总结全年工作，按时报送材料。\n');

/** A multipart body in the given part order (as a browser sends a form's fields: in document order). */
function multipart(parts: Array<[string, string] | ['file', { name: string; data: Buffer }]>) {
  const boundary = `----wenyuan${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of parts) {
    if (typeof value === 'string') {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.name}"\r\n` +
            'Content-Type: application/octet-stream\r\n\r\n',
        ),
        value.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const dialect of DIALECTS) {
  describe(`the upload form without script (${dialect})`, () => {
    let t: TestApp;
    let c: TestClient;
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      c = new TestClient(t.app);
      await c.register('form@example.com', '填表人');
    });
    after(() => t.close());

    const post = async (body: ReturnType<typeof multipart>, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/upload',
        payload: body.payload,
        headers: { 'content-type': body.contentType, cookie: c.cookieHeader(), ...headers },
      });
    const documents = async () =>
      Number(
        (
          await t.deps.database.db
            .selectFrom('documents')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('the form posts to /upload with its token as the first field', async () => {
      const page = await c.get('/upload');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form[^>]*action="\/upload"[^>]*enctype="multipart\/form-data"/);
      assert.doesNotMatch(page.body, /_csrf=/, 'no token in any URL');
      const form = /<form[^>]*id="upload"[^>]*>(<input[^>]*>)/.exec(page.body);
      assert.match(form?.[1] ?? '', /^<input type="hidden" name="_csrf" value="[^"]+"/, 'the token comes first');
    });

    test('a refused upload re-renders the form: 422, the sentence beside the price, the input kept', async () => {
      const csrf = await c.csrf('/upload');
      const before = await documents();
      const res = await post(
        multipart([
          ['_csrf', csrf],
          ['title', '二〇二六年度工作总结'],
          ['category', '1'],
          ['description', '写给办公室的<总结>'],
          ['price', '-5'],
          ['file', { name: '总结.txt', data: speech }],
        ]),
      );
      assert.equal(res.statusCode, 422);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.doesNotMatch(res.body, /返回首页/, 'not the generic error page');
      assert.match(res.body, /<form[^>]*id="upload"/);
      assert.match(res.body, /value="二〇二六年度工作总结"/, 'title kept');
      assert.match(res.body, /写给办公室的&lt;总结>?(?:&gt;)?<\/textarea>/, 'description kept, escaped');
      assert.match(res.body, /id="upload-price"[^>]*value="-5"|value="-5"[^>]*id="upload-price"/, 'price kept');
      assert.match(res.body, /aria-invalid="true"[^>]*id="upload-price"|id="upload-price"[^>]*aria-invalid="true"/);
      assert.match(res.body, /<p class="field__error" id="upload-price-error">价格需为 0–\d+ 之间的整数<\/p>/);
      assert.match(res.body, /data-error-summary[^>]*>.*<a href="#upload-price">价格需为/s, 'summary links the field');
      assert.equal(await documents(), before, 'nothing stored');
      const temp = await t.deps.blobs.sweepTemp(Date.now() + 1, { dryRun: true });
      assert.equal(temp.files, 0, 'no temp file left');
    });

    test('a refused file names the file field and keeps the other fields', async () => {
      const csrf = await c.csrf('/upload');
      const res = await post(
        multipart([
          ['_csrf', csrf],
          ['title', '换了扩展名的文件'],
          ['category', '1'],
          ['price', '0'],
          ['file', { name: '伪装.docx', data: speech }],
        ]),
      );
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /id="upload-file-error">文件内容与扩展名不符/);
      assert.match(res.body, /value="换了扩展名的文件"/);
    });

    test('a scan uploaded as an image, on a site without OCR, is refused with the reason beside the file', async () => {
      // A 1×1 PNG: what matters is that it is an image and this test site runs with OCR=none.
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      );
      const before = await documents();
      const csrf = await c.csrf('/upload');
      const res = await post(
        multipart([
          ['_csrf', csrf],
          ['title', '扫描的通知'],
          ['category', '1'],
          ['price', '0'],
          ['file', { name: '通知扫描件.png', data: png }],
        ]),
      );
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /id="upload-file-error">图片需要文字识别（OCR）才能提取文字，本站未开启 OCR/);
      assert.equal(await documents(), before);
    });

    test('without the token first, nothing is read: 403 and nothing stored', async () => {
      const csrf = await c.csrf('/upload');
      const before = await documents();
      const missing = await post(
        multipart([
          ['category', '1'],
          ['file', { name: 'a.txt', data: speech }],
        ]),
      );
      assert.equal(missing.statusCode, 403);
      const late = await post(
        multipart([
          ['category', '1'],
          ['file', { name: 'a.txt', data: speech }],
          ['_csrf', csrf],
        ]),
      );
      assert.equal(late.statusCode, 403, 'a token after the file does not count');
      const forged = await post(
        multipart([
          ['_csrf', `${csrf}x`],
          ['category', '1'],
          ['file', { name: 'a.txt', data: speech }],
        ]),
      );
      assert.equal(forged.statusCode, 403);
      assert.equal(await documents(), before);
    });

    test('a good upload with the token in the body is accepted and goes to 我的文档', async () => {
      const csrf = await c.csrf('/upload');
      const res = await post(
        multipart([
          ['_csrf', csrf],
          ['title', ''],
          ['category', '1'],
          ['price', '0'],
          ['file', { name: '年终总结通知.txt', data: speech }],
        ]),
      );
      assert.equal(res.statusCode, 303);
      assert.match(res.headers.location as string, /^\/my\/documents\?notice=uploaded#doc-\d+$/);
    });

    test('a refusal that is not about the input (not allowed) is never the form: a user posting to an admin form', async () => {
      const csrf = await c.csrf('/upload');
      const res = await c.postForm('/admin/settings', { previewValue: '0' }, { csrf });
      assert.equal(res.statusCode, 403);
      assert.doesNotMatch(res.body, /<form[^>]*id="settings"/, 'the admin console is not rendered');
      assert.doesNotMatch(res.body, /value="0"/);
    });

    test('JSON clients still get the error object with the original status', async () => {
      const csrf = await c.csrf('/upload');
      const res = await post(
        multipart([
          ['_csrf', csrf],
          ['category', '1'],
          ['price', 'abc'],
          ['file', { name: 'b.txt', data: speech }],
        ]),
        { accept: 'application/json' },
      );
      assert.equal(res.statusCode, 400);
      assert.match((res.json() as { error: { message: string } }).error.message, /价格需为/);
    });
  });
}

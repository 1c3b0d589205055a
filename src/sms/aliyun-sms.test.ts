import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import { startFakeAliyunSms } from '../testing/fake-aliyun-sms.ts';
import { createTestApp } from '../testing/test-app.ts';
import { DIALECTS } from '../testing/test-db.ts';
import { aliyunPercentEncode, aliyunSignature, aliyunStringToSign } from './aliyun-signature.ts';
import { aliyunTimestamp, createAliyunSms, signedSendSmsParams } from './aliyun-sms.ts';
import { SmsError } from './sms-sender.ts';

function recordingLog() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

describe('the RPC v1 signature (known answers from Aliyun documentation)', () => {
  test('the SMS document example: SendSms with testId / testSecret', () => {
    // help.aliyun.com "短信服务 HTTP 协议及签名" (document 56189): a GET SendSms with a Chinese SignName.
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    assert.equal(
      aliyunStringToSign('GET', params),
      'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001' +
        '%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF' +
        '%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1' +
        '%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007' +
        '%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z' +
        '%26Version%3D2017-05-25',
    );
    assert.equal(aliyunSignature('GET', params, 'testSecret'), 'zJDF+Lrzhj/ThnlvIToysFRq6t4=');
    // The Signature parameter itself never takes part.
    assert.equal(aliyunSignature('GET', { ...params, Signature: 'x' }, 'testSecret'), 'zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  test('the RPC signature document example: DescribeRegions with testid / testsecret', () => {
    const params = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    assert.equal(aliyunSignature('GET', params, 'testsecret'), 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  test('percent-encoding: only A-Z a-z 0-9 - _ . ~ stay, space is %20, UTF-8 bytes are upper-case hex', () => {
    assert.equal(aliyunPercentEncode('a b'), 'a%20b');
    assert.equal(aliyunPercentEncode("*!'()"), '%2A%21%27%28%29');
    assert.equal(aliyunPercentEncode('~-_.'), '~-_.');
    assert.equal(aliyunPercentEncode('/=&+:'), '%2F%3D%26%2B%3A');
    assert.equal(aliyunPercentEncode('文苑'), '%E6%96%87%E8%8B%91');
    assert.equal(aliyunTimestamp(new Date(Date.UTC(2017, 6, 12, 2, 42, 19, 345))), '2017-07-12T02:42:19Z');
  });
});

describe('the Aliyun adapter against the signature-checking fake', () => {
  test('a verify and a reset code are accepted with their templates', async (t) => {
    const fake = await startFakeAliyunSms();
    t.after(() => fake.close());
    const { log, lines } = recordingLog();
    const sms = createAliyunSms({
      accessKeyId: fake.accessKeyId,
      accessKeySecret: fake.accessKeySecret,
      signName: fake.signName,
      templates: fake.templates,
      endpoint: fake.url,
      timeoutMs: 5000,
      log,
    });
    assert.equal(sms.configured, true);
    assert.equal(sms.kind, 'aliyun');
    await sms.sendCode('13800138000', '482913', 'verify');
    await sms.sendCode('13900139000', '055120', 'reset');
    assert.deepEqual(fake.accepted, [
      { phone: '13800138000', templateCode: 'SMS_460000001', signName: '文苑', code: '482913' },
      { phone: '13900139000', templateCode: 'SMS_460000002', signName: '文苑', code: '055120' },
    ]);
    assert.equal(fake.lastCode('13900139000'), '055120');
    const logged = lines.join('');
    assert.match(logged, /SMS sent/);
    assert.match(logged, /138\*\*\*\*8000/);
    assert.ok(!logged.includes('13800138000') && !logged.includes('482913'), 'phone or code logged');
  });

  test('a wrong secret is refused as SignatureDoesNotMatch and surfaces as SmsError with the generic message', async (t) => {
    const fake = await startFakeAliyunSms();
    t.after(() => fake.close());
    const { log, lines } = recordingLog();
    const sms = createAliyunSms({
      accessKeyId: fake.accessKeyId,
      accessKeySecret: 'not-the-secret',
      signName: fake.signName,
      templates: fake.templates,
      endpoint: fake.url,
      timeoutMs: 5000,
      log,
    });
    await assert.rejects(
      sms.sendCode('13800138000', '123456', 'verify'),
      (err: unknown) =>
        err instanceof SmsError &&
        err.providerCode === 'SignatureDoesNotMatch' &&
        err.messageKey === 'sms.sendFailed' &&
        err.status === 503,
    );
    assert.equal(fake.accepted.length, 0);
    assert.match(lines.join(''), /Specified signature is not matched/);
  });

  test('a tampered parameter, a replayed nonce and a stale timestamp are refused', async (t) => {
    const fake = await startFakeAliyunSms();
    t.after(() => fake.close());
    const post = (params: Record<string, string>) =>
      fetch(fake.url, { method: 'POST', body: new URLSearchParams(params) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { Code: string },
      }));
    const sign = (nonce: string, at = new Date()) =>
      signedSendSmsParams(fake, {
        phone: '13800138000',
        templateCode: fake.templates.verify,
        code: '111111',
        timestamp: aliyunTimestamp(at),
        nonce,
      });

    const tampered = { ...sign('n-1'), PhoneNumbers: '13900139000' };
    assert.deepEqual(await post(tampered).then((r) => [r.status, r.body.Code]), [400, 'SignatureDoesNotMatch']);
    const codeSwapped = { ...sign('n-2'), TemplateParam: '{"code":"999999"}' };
    assert.deepEqual(await post(codeSwapped).then((r) => [r.status, r.body.Code]), [400, 'SignatureDoesNotMatch']);

    const once = sign('n-3');
    assert.deepEqual(await post(once).then((r) => [r.status, r.body.Code]), [200, 'OK']);
    assert.deepEqual(await post(once).then((r) => [r.status, r.body.Code]), [400, 'SignatureNonceUsed']);

    const stale = sign('n-4', new Date(Date.now() - 20 * 60 * 1000));
    assert.deepEqual(await post(stale).then((r) => [r.status, r.body.Code]), [400, 'InvalidTimeStamp.Expired']);

    // The same request signed for GET travels in the query string and is accepted too.
    const params = {
      ...signedSendSmsParams(fake, {
        phone: '13800138000',
        templateCode: fake.templates.reset,
        code: '222222',
        timestamp: aliyunTimestamp(new Date()),
        nonce: 'n-5',
      }),
    };
    params.Signature = aliyunSignature('GET', params, fake.accessKeySecret);
    const viaGet = await fetch(`${fake.url}?${new URLSearchParams(params)}`);
    assert.equal(viaGet.status, 200);
    assert.deepEqual(
      fake.accepted.map((a) => a.code),
      ['111111', '222222'],
    );
  });

  test('the adapter surfaces a stale clock and provider business errors, and logs the provider message', async (t) => {
    const fake = await startFakeAliyunSms();
    t.after(() => fake.close());
    const { log, lines } = recordingLog();
    const options = {
      accessKeyId: fake.accessKeyId,
      accessKeySecret: fake.accessKeySecret,
      signName: fake.signName,
      templates: fake.templates,
      endpoint: fake.url,
      timeoutMs: 5000,
      log,
    };
    const slow = createAliyunSms({ ...options, now: () => new Date(Date.now() - 60 * 60 * 1000) });
    await assert.rejects(
      slow.sendCode('13800138000', '123456', 'verify'),
      (err: unknown) => err instanceof SmsError && err.providerCode === 'InvalidTimeStamp.Expired',
    );

    const sms = createAliyunSms(options);
    fake.failNext('isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5');
    await assert.rejects(
      sms.sendCode('13800138000', '123456', 'reset'),
      (err: unknown) =>
        err instanceof SmsError &&
        err.providerCode === 'isv.BUSINESS_LIMIT_CONTROL' &&
        /触发小时级流控/.test(err.message),
    );
    await assert.rejects(
      sms.sendCode('12345', '123456', 'verify'),
      (err: unknown) => err instanceof SmsError && err.providerCode === 'isv.MOBILE_NUMBER_ILLEGAL',
    );
    const logged = lines.join('');
    assert.match(logged, /触发小时级流控Permits:5/);
    assert.match(logged, /isv\.BUSINESS_LIMIT_CONTROL/);
    assert.equal(fake.accepted.length, 0);
  });

  test('an endpoint that refuses or never answers becomes an SmsError within the timeout', async (t) => {
    const hanging = createServer(() => {
      // never answers
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    t.after(
      () =>
        new Promise<void>((r) => {
          hanging.closeAllConnections();
          hanging.close(() => r());
        }),
    );
    const port = (hanging.address() as { port: number }).port;
    const base = {
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      signName: '文苑',
      templates: { verify: 'SMS_1', reset: 'SMS_2' },
      log: recordingLog().log,
    };
    const slow = createAliyunSms({ ...base, endpoint: `http://127.0.0.1:${port}/`, timeoutMs: 1000 });
    await assert.rejects(
      slow.sendCode('13800138000', '123456', 'verify'),
      (err: unknown) => err instanceof SmsError && /did not answer within 1000 ms/.test(err.message),
    );

    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const freePort = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const refused = createAliyunSms({ ...base, endpoint: `http://127.0.0.1:${freePort}/`, timeoutMs: 5000 });
    await assert.rejects(
      refused.sendCode('13800138000', '123456', 'verify'),
      (err: unknown) => err instanceof SmsError && /unreachable \(ECONNREFUSED\)/.test(err.message),
    );
  });
});

for (const dialect of DIALECTS) {
  test(`SMS_PROVIDER=aliyun reaches the app's Deps through config and compose (${dialect})`, async (t) => {
    const fake = await startFakeAliyunSms();
    const app = await createTestApp(dialect, { env: fake.env(), worker: false });
    t.after(async () => {
      await app.close();
      await fake.close();
    });
    assert.equal(app.deps.sms.kind, 'aliyun');
    assert.equal(app.deps.mailer.configured, false);
    await app.deps.sms.sendCode('13800138000', '765432', 'reset');
    assert.deepEqual(fake.accepted, [
      { phone: '13800138000', templateCode: fake.templates.reset, signName: '文苑', code: '765432' },
    ]);
  });
}

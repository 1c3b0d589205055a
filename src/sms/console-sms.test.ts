import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { createConsoleSms } from './console-sms.ts';
import { createNullSms, maskPhone, SmsError } from './sms-sender.ts';

test('the console sender writes the code with a masked number to the log at info', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const sms = createConsoleSms(pino({ level: 'info' }, sink));
  assert.equal(sms.configured, true);
  assert.equal(sms.kind, 'console');
  await sms.sendCode('13800138000', '123456', 'reset');
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0] as string) as { level: number; msg: string; module: string };
  assert.equal(line.level, 30);
  assert.equal(line.module, 'sms');
  assert.equal(line.msg, 'SMS code for 138****8000: 123456 (reset)');
});

test('phone masking keeps the first three and last four digits', () => {
  assert.equal(maskPhone('13800138000'), '138****8000');
  assert.equal(maskPhone('+8613800138000'), '138****8000');
  assert.equal(maskPhone('12345'), '*****');
});

test('the none sender is unconfigured and refuses to send', async () => {
  const sms = createNullSms();
  assert.equal(sms.configured, false);
  assert.equal(sms.kind, 'none');
  await assert.rejects(sms.sendCode('13800138000', '123456', 'verify'), SmsError);
});

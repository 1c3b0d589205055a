// The logger's output: human lines on a terminal, JSON otherwise; every line written at once except access lines.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from './log.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wy-log-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A logger writing into a fresh file, and what the file holds so far (what a reader of the fd would see). */
function fileLogger(name: string, pretty: boolean) {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  const log = createLogger('info', { fd, pretty });
  return {
    log,
    lines: () => readFileSync(path, 'utf8').split('\n').filter(Boolean),
    close: () => closeSync(fd),
  };
}

test('with the TTY flag a line is human (pino-pretty), not JSON', () => {
  const f = fileLogger('pretty.log', true);
  f.log.info({ url: 'http://127.0.0.1:3000' }, 'wenyuan is listening');
  f.log.warn('no administrator yet');
  const [listening, warning] = f.lines();
  assert.ok(listening && warning, 'both lines are there without a flush');
  assert.throws(() => JSON.parse(listening));
  assert.match(listening, /INFO.*wenyuan is listening.*http:\/\/127\.0\.0\.1:3000/);
  assert.match(warning, /WARN.*no administrator yet/);
  f.close();
});

test('without it each line is one JSON object', () => {
  const f = fileLogger('json.log', false);
  f.log.info({ url: 'http://127.0.0.1:3000' }, 'wenyuan is listening');
  const [line] = f.lines();
  const parsed = JSON.parse(line ?? '') as Record<string, unknown>;
  assert.equal(parsed.msg, 'wenyuan is listening');
  assert.equal(parsed.url, 'http://127.0.0.1:3000');
  assert.equal(parsed.level, 30);
  f.close();
});

test('access lines wait in the buffer; any other line writes them out first, in order', () => {
  const f = fileLogger('access.log', false);
  const http = f.log.child({ module: 'http' });
  const request = http.child({ reqId: 'r-1' });
  request.info({ method: 'GET', url: '/', status: 200 }, 'request');
  assert.deepEqual(f.lines(), [], 'an access line alone is buffered');
  request.warn('slow upstream');
  assert.deepEqual(
    f.lines().map((l) => (JSON.parse(l) as { msg: string }).msg),
    ['request', 'slow upstream'],
    'a warning from the http logger is written at once, after the access line before it',
  );
  http.info({ method: 'GET', url: '/a', status: 200 }, 'request');
  f.log.child({ module: 'jobs' }).info('job done');
  assert.deepEqual(
    f.lines().map((l) => (JSON.parse(l) as { msg: string }).msg),
    ['request', 'slow upstream', 'request', 'job done'],
  );
  http.info({ method: 'GET', url: '/b', status: 200 }, 'request');
  assert.equal(f.lines().length, 4);
  f.log.flush();
  assert.equal(f.lines().length, 5, 'log.flush() writes the rest');
  f.close();
});

// The front cache reads the three request headers it needs from Node's raw list (web/front-cache.ts rawHeader): the
// values must be those of `req.headers`, which Node builds from the same list, for any casing and repetition.
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { rawHeader } from './front-cache.ts';

test('rawHeader gives what req.headers gives for cookie, if-none-match and accept-encoding', async () => {
  const seen: { raw: string[]; headers: Record<string, string | string[] | undefined> }[] = [];
  const server = createServer((req, res) => {
    seen.push({ raw: [...req.rawHeaders], headers: { ...req.headers } });
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const cases: [string, string][][] = [
    [],
    [['Cookie', 'wy_sid=abc; theme=dark']],
    [
      ['cookie', 'a=1'],
      ['COOKIE', 'wy_sid=2'],
    ],
    [
      ['If-None-Match', 'W/"d1-3"'],
      ['if-none-match', '"x"'],
    ],
    [
      ['Accept-Encoding', 'gzip, br'],
      ['ACCEPT-ENCODING', 'identity;q=0'],
      ['Cookiex', 'no'],
      ['X-Cookie', 'no'],
    ],
    [['accept-encoding', '']],
  ];
  try {
    for (const headers of cases) {
      await new Promise<void>((ok, fail) => {
        // A flat list keeps the order, casing and repetitions as given (and then Host must be in it).
        const list = ['Host', `127.0.0.1:${port}`, ...headers.flat()];
        const req = request({ host: '127.0.0.1', port, path: '/d/1', headers: list }, (res) => {
          res.resume();
          res.on('end', ok);
        });
        req.on('error', fail);
        req.end();
      });
    }
  } finally {
    server.close();
  }
  assert.equal(seen.length, cases.length);
  for (const { raw, headers } of seen) {
    for (const name of ['cookie', 'if-none-match', 'accept-encoding']) {
      assert.equal(rawHeader(raw, name), headers[name], `${name} of ${JSON.stringify(raw)}`);
    }
  }
});

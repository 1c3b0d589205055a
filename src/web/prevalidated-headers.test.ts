// web/prevalidated-headers.ts: a response written from the checked header map must be byte for byte the response
// Node writes from the same header list, and bad headers must be refused when checked, as writeHead refuses them.
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { test } from 'node:test';
import { prevalidate, writeHeadPrevalidated } from './prevalidated-headers.ts';

const LIST = [
  'content-type',
  'text/html; charset=utf-8',
  'Content-Security-Policy',
  "default-src 'self'; img-src 'self' data:",
  'X-Frame-Options',
  'DENY',
  'cache-control',
  'public, max-age=0, must-revalidate',
  'vary',
  'Cookie, Accept-Encoding',
  'etag',
  'W/"d1-3-3-1-70aa"',
  'content-length',
  '5',
];

/** The raw bytes of one response to GET `path` (the Date line dropped: it is the clock's). */
async function raw(port: number, path: string): Promise<string> {
  return new Promise((ok, fail) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      text += d;
    });
    socket.on('end', () => ok(text.replace(/^Date: .*\r\n/m, '')));
    socket.on('error', fail);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  });
}

test('the checked map is written byte for byte as the list, keep-alive or not, and falls back when it must', async () => {
  const checked = prevalidate(LIST);
  const twice = prevalidate([...LIST, 'vary', 'Origin']);
  assert.ok(checked.map);
  assert.equal(twice.map, undefined, 'a repeated name keeps the list');
  // Written through the map, the headers are the response's own (getHeader sees them); through a list they are not.
  const seen: Record<string, unknown> = {};
  const refused: (string | undefined)[] = [];
  const handlers: Record<string, (res: ServerResponse) => void> = {
    '/list': (res) => {
      res.writeHead(200, [...LIST]);
      seen.list = res.getHeader('x-frame-options');
    },
    '/map': (res) => {
      writeHeadPrevalidated(res, 200, checked);
      seen.map = res.getHeader('x-frame-options');
      for (const change of [
        () => res.setHeader('x-late', '1'),
        () => res.appendHeader('vary', 'Origin'),
        () => res.removeHeader('etag'),
      ]) {
        try {
          change();
        } catch (err) {
          refused.push((err as { code?: string }).code);
        }
      }
    },
    '/list-304': (res) => res.writeHead(304, [...LIST]),
    '/map-304': (res) => writeHeadPrevalidated(res, 304, checked),
    '/set-then-list': (res) => {
      res.setHeader('x-early', '1');
      res.writeHead(200, [...LIST]);
    },
    '/set-then-map': (res) => {
      res.setHeader('x-early', '1');
      writeHeadPrevalidated(res, 200, checked);
    },
    '/twice-list': (res) => res.writeHead(200, [...LIST, 'vary', 'Origin']),
    '/twice-map': (res) => writeHeadPrevalidated(res, 200, twice),
  };
  const server = createServer((req, res) => {
    handlers[req.url as string]?.(res);
    res.end(req.url?.endsWith('304') ? undefined : 'hello');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  try {
    for (const [a, b] of [
      ['/list', '/map'],
      ['/list-304', '/map-304'],
      ['/set-then-list', '/set-then-map'],
      ['/twice-list', '/twice-map'],
    ] as const) {
      const expected = await raw(port, a);
      assert.match(expected, /^HTTP\/1\.1 (200|304) /);
      assert.equal(await raw(port, b), expected, `${b} as ${a}`);
    }
    assert.deepEqual(seen, { list: undefined, map: 'DENY' }, 'the map path was taken');
    assert.match(await raw(port, '/set-then-map'), /\r\nx-early: 1\r\n/);
    // The shared map is never changed by a response, and a response whose head is out cannot change it.
    assert.deepEqual(Object.keys(checked.map ?? {}).length, LIST.length / 2);
    assert.equal(checked.map?.['x-early'], undefined);
    assert.deepEqual(refused, ['ERR_HTTP_HEADERS_SENT', 'ERR_HTTP_HEADERS_SENT', 'ERR_HTTP_HEADERS_SENT']);
  } finally {
    server.close();
  }
});

test('a header Node would refuse is refused when checked, with Node`s error', () => {
  assert.throws(() => prevalidate(['x-bad', 'a\r\nSet-Cookie: s=1']), { code: 'ERR_INVALID_CHAR' });
  assert.throws(() => prevalidate(['bad name', 'v']), { code: 'ERR_INVALID_HTTP_TOKEN' });
  assert.throws(() => prevalidate(['odd']), TypeError);
});

// The anonymous page cache (web/page-cache.ts): validated by ETag, bounded, and evicting pages nobody reads first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPageCache } from './page-cache.ts';

const body = (s: string) => Buffer.from(s);

test('a page is served only under the ETag it was rendered with, and a new render replaces it', () => {
  const c = createPageCache(4);
  c.set('/d/1', 'W/"a"', body('one'));
  assert.equal(c.get('/d/1', 'W/"a"')?.body.toString(), 'one');
  assert.equal(c.get('/d/1', 'W/"b"'), undefined);
  assert.equal(c.get('/d/2', 'W/"a"'), undefined);
  c.set('/d/1', 'W/"b"', body('two'));
  assert.equal(c.get('/d/1', 'W/"a"'), undefined);
  assert.equal(c.get('/d/1', 'W/"b"')?.body.toString(), 'two');
  assert.equal(c.size, 1);
});

test('the cache never holds more than its bound, and a page that is read outlives pages that are not', () => {
  const c = createPageCache(3);
  for (const i of [1, 2, 3]) c.set(`/d/${i}`, 'e', body(String(i)));
  // /d/1 keeps being read while new pages arrive (each read once, as it is rendered and served).
  for (let i = 4; i <= 20; i++) {
    assert.ok(c.get('/d/1', 'e'), `/d/1 still cached when /d/${i} arrives`);
    c.set(`/d/${i}`, 'e', body(String(i)));
    assert.ok(c.size <= 3);
    assert.ok(c.get(`/d/${i}`, 'e'), 'the page just rendered is cached');
  }
  assert.ok(c.get('/d/1', 'e'), 'the page read all along is still there');
  assert.equal(c.get('/d/2', 'e'), undefined);
  assert.equal(c.get('/d/3', 'e'), undefined);
  assert.equal(c.size, 3);
});

test('a page read once in every half a cache of new pages is never evicted; unread ones go oldest first', () => {
  const c = createPageCache(10);
  for (let i = 1; i <= 10; i++) c.set(`/d/${i}`, 'e', body(String(i)));
  assert.ok(c.get('/d/1', 'e'));
  for (let i = 11; i <= 200; i++) {
    if (i % 5 === 0) assert.ok(c.get('/d/1', 'e'), `/d/1 still cached when /d/${i} arrives`);
    c.set(`/d/${i}`, 'e', body(String(i)));
    assert.ok(c.size <= 10);
  }
  assert.ok(c.get('/d/1', 'e'));
  // The other nine are the nine newest.
  for (let i = 192; i <= 200; i++) assert.ok(c.get(`/d/${i}`, 'e'), `/d/${i}`);
  assert.equal(c.get('/d/191', 'e'), undefined);
});

test('a bound of 0 caches nothing but still returns the rendered page', () => {
  const c = createPageCache(0);
  assert.equal(c.set('/d/1', 'e', body('x')).body.toString(), 'x');
  assert.equal(c.get('/d/1', 'e'), undefined);
  assert.equal(c.size, 0);
});

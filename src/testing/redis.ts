import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Redis for tests: TEST_REDIS_URL, or the server this machine and CI run at 127.0.0.1:6379 when it answers
 * (Redis-only cases are registered only then, as PostgreSQL's are).
 */
export async function testRedisUrl(): Promise<string | undefined> {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG' ? url : undefined;
  } catch {
    return undefined;
  } finally {
    probe.disconnect();
  }
}

/** A key prefix of this test's own, so tests sharing one Redis never see each other's keys or messages. */
export function uniqueRedisPrefix(): string {
  return `wytest:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (what a test's rate-limit counters left). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** How many keys exist under `prefix`. */
export async function countRedisPrefix(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
    return n;
  } finally {
    client.disconnect();
  }
}

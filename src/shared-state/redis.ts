// The one module that speaks Redis (decision 0018): the connection the rate limiter counts on, and cache
// invalidation by pub/sub. Connections are opened on first use, so a CLI command that never touches a cache never
// connects; close() ends whatever was opened.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../log.ts';
import type { Generations, Topic } from './generations.ts';

/** Redis as this application uses it; `rateLimitClient` is handed to @fastify/rate-limit as its store. */
export interface SharedRedis {
  readonly generations: Generations;
  /** An ioredis client (typed loosely so that nothing else imports ioredis). */
  readonly rateLimitClient: unknown;
  /** The prefix of every key and channel (REDIS_PREFIX): several sites may share one Redis. */
  readonly prefix: string;
  close(): Promise<void>;
}

const TOPICS: readonly Topic[] = ['site', 'search'];

/** ioredis, loaded by the first connection: a site without REDIS_URL never carries it (≈ 2 MB of heap). */
function redisClass(): typeof Redis {
  return (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis;
}

/** Connects (lazily) to REDIS_URL; `prefix` namespaces the invalidation channel and the rate-limit keys. */
export function connectRedis(opts: { url: string; prefix: string; log: Logger }): SharedRedis {
  const log = opts.log.child({ module: 'redis' });
  const channel = `${opts.prefix}invalidate`;
  // Commands fail fast while Redis is away (the rate limiter then lets requests through; see app.ts).
  const options: RedisOptions = { lazyConnect: false, maxRetriesPerRequest: 1, connectTimeout: 5000 };
  let cmd: Redis | undefined;
  let sub: Redis | undefined;
  const client = () => {
    if (!cmd) {
      cmd = new (redisClass())(opts.url, options);
      cmd.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
    }
    return cmd;
  };

  // The generation of a topic is `<epoch>:<count>`: the count rises with every message, the epoch changes whenever
  // the subscription was (re)established, since messages sent while it was down are lost. Until the subscription
  // is live, every call gets a token of its own, so nothing is served from a cache.
  let epoch: string | undefined;
  const counts = new Map<Topic, number>(TOPICS.map((t) => [t, 0]));
  const bumpLocal = (topic: Topic) => counts.set(topic, (counts.get(topic) ?? 0) + 1);
  const subscribe = () => {
    if (sub) return;
    const s = new (redisClass())(opts.url, { ...options, maxRetriesPerRequest: null });
    sub = s;
    s.on('error', (err) => log.warn({ err: err.message }, 'redis subscriber error'));
    s.on('close', () => {
      epoch = undefined;
    });
    s.on('ready', () => {
      s.subscribe(channel).then(
        () => {
          epoch = randomBytes(6).toString('hex');
        },
        (err) => log.warn({ err: err.message }, 'redis subscribe failed'),
      );
    });
    s.on('message', (_ch: string, message: string) => {
      if ((TOPICS as readonly string[]).includes(message)) bumpLocal(message as Topic);
    });
  };

  const generations: Generations = {
    kind: 'redis',
    async current(topic) {
      subscribe();
      if (!epoch) return `live-${randomBytes(6).toString('hex')}`;
      return `${epoch}:${counts.get(topic) ?? 0}`;
    },
    async bump(topic) {
      bumpLocal(topic);
      await client().publish(channel, topic);
    },
  };

  return {
    generations,
    get rateLimitClient() {
      return client();
    },
    prefix: opts.prefix,
    async close() {
      await Promise.all([cmd, sub].map((c) => c?.quit().catch(() => c.disconnect())));
      cmd = undefined;
      sub = undefined;
      epoch = undefined;
    },
  };
}

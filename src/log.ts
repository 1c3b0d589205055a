import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The root logger; modules take `log.child({ module })`. Requests and jobs add their own ids.
 * Lines are buffered and written asynchronously (an access line per request must not cost a write syscall each);
 * pino flushes the buffer when the process exits.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: ['req.headers.cookie', 'password', '*.password'], remove: true },
    },
    pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
}

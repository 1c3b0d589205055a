import pino, { type Logger } from 'pino';

export type { Logger };

/** The root logger; modules take `log.child({ module })`. Requests and jobs add their own ids. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.cookie', 'password', '*.password'], remove: true },
  });
}

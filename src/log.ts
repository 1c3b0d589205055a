import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * The binding of the access logger, `log.child({ module: 'http' })`: Fastify's logger and the front cache
 * (web/app.ts, web/front-cache.ts), which write one line per request.
 */
const ACCESS_BINDING = '"module":"http"';

/**
 * Fields never written to a log, wherever a caller puts them: session cookies, passwords, and the identity fields of
 * real-name verification (the services log ids, never these; this is the net under them).
 */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'password',
  '*.password',
  'idNumber',
  '*.idNumber',
  'legalName',
  '*.legalName',
  'photo',
  '*.photo',
] as const;

/** How often buffered access lines are written out at the latest. */
const ACCESS_FLUSH_MS = 1000;

export interface LogOptions {
  /** Where lines go: 1 for the server, 2 for CLI commands (their stdout carries their results). */
  fd?: number;
  /** Human lines (pino-pretty) instead of JSON; by default when `fd` is a terminal. */
  pretty?: boolean;
}

/**
 * The root logger; modules take `log.child({ module })`. Requests and jobs add their own ids.
 *
 * Every line is written at once (a synchronous write), so startup, shutdown, warnings and errors are on the
 * terminal or in the log even if the process is killed the next moment. The one exception is the access line of a
 * request (a line of the `module: 'http'` logger below warn): those are gathered up to 16 KB, so a busy server does
 * not pay a write per request, and written out before the next other line, at least every second, on
 * `log.flush()` and when the process exits.
 */
export function createLogger(level: string, opts: LogOptions = {}): Logger {
  const fd = opts.fd ?? 1;
  const pretty = opts.pretty ?? isatty(fd);
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: [...REDACTED_PATHS], remove: true },
    },
    output(fd, pretty),
  );
}

/** How many characters of access lines are gathered before they are written out. */
const ACCESS_BATCH_CHARS = 16_384;

/** A pino destination that writes synchronously and batches only access lines (see `createLogger`). */
function output(fd: number, pretty: boolean): DestinationStream {
  // Every write reaches the fd at once (sonic-boom retries EAGAIN on a non-blocking pipe). Access lines are gathered
  // here as an array of strings and joined once per batch: sonic-boom's own batching (minLength) appends each line to
  // its pending string and measures that string's UTF-8 length on every write, which made a batch quadratic.
  const sink = pino.destination({ dest: fd, sync: true });
  const format = pretty
    ? // pino-pretty is loaded only for human lines (a terminal): a service writing JSON to a file never carries it.
      (createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty')).prettyFactory({
        colorize: isatty(fd) && !process.env.NO_COLOR,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
        singleLine: true,
      })
    : undefined;
  const pending: string[] = [];
  let pendingChars = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const chunk = pending.length === 1 ? (pending[0] as string) : pending.join('');
    pending.length = 0;
    pendingChars = 0;
    sink.write(chunk);
  };
  const gather = (line: string) => {
    pending.push(format ? format(line) : line);
    pendingChars += line.length;
    if (pendingChars >= ACCESS_BATCH_CHARS) flush();
  };
  const timer = setInterval(flush, ACCESS_FLUSH_MS);
  timer.unref();
  process.once('exit', flush);

  const stream = {
    // pino fills these in before each write when the symbol is set.
    [pino.symbols.needsMetadataGsym]: true as const,
    lastLevel: 0,
    lastTime: '',
    lastMsg: '',
    lastObj: {},
    lastLogger: undefined as unknown as Logger,
    write(line: string) {
      if (stream.lastLevel < 40 && isAccessLogger(stream.lastLogger)) return gather(line);
      flush();
      sink.write(format ? format(line) : line);
    },
    /** An access line serialised by its caller (see `accessLineWriter`): batched like pino's access lines. */
    writeAccessLine: gather,
    /** `log.flush(cb)`: everything gathered is written before `cb` runs. */
    flush(cb?: (err?: Error) => void) {
      flush();
      cb?.();
    },
  };
  return stream;
}

function isAccessLogger(logger: Logger | undefined): boolean {
  const bindings = (logger as unknown as Record<symbol, unknown> | undefined)?.[pino.symbols.chindingsSym];
  return typeof bindings === 'string' && bindings.includes(ACCESS_BINDING);
}

/**
 * For the hottest path only (the front cache's hit, web/front-cache.ts): a writer of access lines that the caller
 * serialises itself, with the fields and order pino would write (`level`, `time`, `pid`, `module`, the fields, `msg`),
 * batched like pino's access lines. Undefined unless `log` is `createLogger(…).child({ module: 'http' })` (no other
 * bindings) at info or below; the caller then logs through pino.
 */
export function accessLineWriter(log: Logger): ((line: string) => void) | undefined {
  const bindings = (log as unknown as Record<symbol, unknown>)[pino.symbols.chindingsSym];
  if (!log.isLevelEnabled('info') || bindings !== `,"pid":${process.pid},${ACCESS_BINDING}`) return undefined;
  const stream = (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | { writeAccessLine?: (line: string) => void }
    | undefined;
  const write = stream?.writeAccessLine;
  return write ? (line) => write(line) : undefined;
}

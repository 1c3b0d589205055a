import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessLineWriter, type Logger } from '../log.ts';
import { fixedLabelObserver } from '../metrics/fixed-observer.ts';
import { statusClass } from '../metrics/metrics.ts';
import { SESSION_COOKIE } from './cookies.ts';
import { type CachedPage, type Coding, negotiateCoding } from './page-cache.ts';
import { type PrevalidatedHeaders, prevalidate, writeHeadPrevalidated } from './prevalidated-headers.ts';
import type { WebContext } from './web-context.ts';

/**
 * Serves a request if it can (false lets the framework handle it); counts what it served. The answer is synchronous
 * where the database is (SQLite): no promise between the request and the response.
 */
export interface FrontHandler {
  serve(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean>;
  readonly hits: number;
}

/** A cached anonymous page's validator: its ETag and the site-settings revision it was rendered under. */
export type PageVersionTag = { etag: string; siteRev: number };

/** How the document feature tells the front cache whether a cached anonymous page is still current. */
export interface AnonymousPages {
  /** The current version of `/d/<id>` for a visitor; undefined when it is not published. */
  version(web: WebContext, id: number): Promise<PageVersionTag | undefined>;
  /** As `version`, synchronously where the database allows; null = not published, undefined = ask `version`. */
  versionSync(web: WebContext, id: number): PageVersionTag | null | undefined;
  /** Headers of every anonymous document page response. */
  readonly headers: Readonly<Record<string, string>>;
}

const DOC_PATH = /^\/d\/([1-9]\d{0,15})$/;

/**
 * The access line of a hit, byte for byte what pino writes for `log.child({ module: 'http' }).info({ reqId, method,
 * url, status, ms }, 'request')` (front-cache-line.test.ts compares them). Its fields need no escaping: the request
 * id is base-36, the method GET or HEAD, the path `/d/<digits>` (DOC_PATH), the rest numbers.
 */
export function hitAccessLine(reqId: string, method: string, path: string, status: number, ms: number): string {
  return (
    `{"level":30,"time":${Date.now()},"pid":${process.pid},"module":"http","reqId":"${reqId}","method":"${method}",` +
    `"url":"${path}","status":${status},"ms":${Math.round(ms)},"msg":"request"}\n`
  );
}

/** How many documents' versions the front cache remembers between commits. */
const MAX_KNOWN = 10_000;

/**
 * The in-process front cache for anonymous document pages — what a Varnish in front would do, without its
 * invalidation problem. Only a cache hit is served here: GET/HEAD of `/d/<id>` without a session cookie, whose
 * freshly computed ETag (one indexed lookup) matches a page rendered earlier by the ordinary route. Everything
 * else — misses, logged-in readers, errors — falls through to Fastify, which renders and fills the cache.
 * The response is byte-for-byte what the route would send: same headers, same body, same compression.
 */
export function createFrontHandler(
  web: WebContext,
  pages: AnonymousPages,
  securityHeaders: Readonly<Record<string, string>>,
  log: Logger,
  accessLog: boolean,
): FrontHandler {
  const prefix = Math.random().toString(36).slice(2, 8);
  let n = 0;
  // The access line, serialised here when the logger allows it (hitAccessLine): 1.05 µs a line against pino's 1.5
  // in isolation; a hit with the access log went from 30–32 to 29 µs of CPU (bench/page.ts --wrk, decision 0002).
  const writeLine = accessLog ? accessLineWriter(log) : undefined;
  const accessLine = (id: string, method: string, path: string, status: number, ms: number) => {
    if (writeLine) writeLine(hitAccessLine(`${prefix}-f${id}`, method, path, status, ms));
    else log.info({ reqId: `${prefix}-f${id}`, method, url: path, status, ms: Math.round(ms) }, 'request');
  };
  // The headers every response of this handler carries, flattened once: each page's header lists start from them.
  const fixed: string[] = [];
  for (const [k, v] of [...Object.entries(securityHeaders), ...Object.entries(pages.headers)]) fixed.push(k, v);
  // One observer per method and status class, each adding to its series without prom-client's per-call label checks.
  const observers = new Map<string, (seconds: number) => void>();
  const observer = (method: string, status: number) => {
    const key = `${method} ${status}`;
    let o = observers.get(key);
    if (!o) {
      o = fixedLabelObserver(web.deps.metrics.httpDuration, { method, route: '/d/:id', status: statusClass(status) });
      observers.set(key, o);
    }
    return o;
  };
  // The complete headers of each cached page's responses (200 in each coding, 304), made and checked on its first hit
  // and dropped with the page: nothing is built or validated per response (prevalidated-headers.ts).
  const headerLists = new WeakMap<CachedPage, Partial<Record<Coding | '304', PrevalidatedHeaders>>>();
  const headersOf = (page: CachedPage, kind: Coding | '304', body: Buffer | undefined): PrevalidatedHeaders => {
    let lists = headerLists.get(page);
    if (!lists) {
      lists = {};
      headerLists.set(page, lists);
    }
    let headers = lists[kind];
    if (!headers) {
      const list = [...fixed, 'etag', page.etag];
      if (kind !== '304' && kind !== 'identity') list.push('content-encoding', kind);
      if (body) list.push('content-length', String(body.length));
      headers = prevalidate(list);
      lists[kind] = headers;
    }
    return headers;
  };
  // Versions read while the database stamp (db/wal-stamp.ts) was unchanged: a hit whose stamp still matches needs no
  // query, because nothing has been committed since, by any process. Bounded; cleared rather than aged.
  const stamp = web.deps.database.changeStamp;
  const known = new Map<number, { stamp: string; version: PageVersionTag | null }>();
  // The stamp is read once per turn of the event loop and shared by the hits served in that turn (forgotten in the
  // check phase that follows): a hit may be answered as of the first hit of its own turn — requests read from the
  // sockets in one pass, a fraction of a millisecond apart — and a commit by any process is seen from the next turn
  // on (decision 0002).
  let turnStamp: string | undefined | null = null;
  const forgetTurn = () => {
    turnStamp = null;
  };
  const stampOfTurn = (): string | undefined => {
    if (turnStamp === null) {
      turnStamp = stamp?.();
      setImmediate(forgetTurn);
    }
    return turnStamp;
  };
  const versionSync = (id: number): PageVersionTag | null | undefined => {
    const before = stamp ? stampOfTurn() : undefined;
    if (before === undefined) return pages.versionSync(web, id);
    const memo = known.get(id);
    if (memo?.stamp === before) return memo.version;
    const version = pages.versionSync(web, id);
    if (version === undefined) return undefined;
    if (known.size >= MAX_KNOWN) known.clear();
    known.set(id, { stamp: before, version });
    return version;
  };
  const serve = (req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const m = DOC_PATH.exec(req.url ?? '');
    if (!m) return false;
    const cookie = rawHeader(req.rawHeaders, 'cookie');
    if (cookie?.includes(`${SESSION_COOKIE}=`)) return false;
    const started = process.hrtime.bigint();
    const id = Number(m[1]);
    const sync = versionSync(id);
    if (sync === undefined) return pages.version(web, id).then((v) => respond(req, res, v, started));
    return respond(req, res, sync, started);
  };

  const respond = (
    req: IncomingMessage,
    res: ServerResponse,
    version: PageVersionTag | null | undefined,
    started: bigint,
  ): boolean => {
    if (!version) return false;
    const path = req.url as string;
    const page = web.pageCache.get(path, version.etag);
    if (!page) return false;

    const id = (++n).toString(36);
    let status = 200;
    if (rawHeader(req.rawHeaders, 'if-none-match') === version.etag) {
      status = 304;
      writeHeadPrevalidated(res, 304, headersOf(page, '304', undefined));
      res.end();
    } else {
      const coding = negotiateCoding(rawHeader(req.rawHeaders, 'accept-encoding'));
      const body = page.encoded(coding);
      writeHeadPrevalidated(res, 200, headersOf(page, coding, body));
      res.end(req.method === 'HEAD' ? undefined : body);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    observer(req.method as string, status)(ms / 1000);
    if (accessLog) accessLine(id, req.method as string, path, status, ms);
    return true;
  };
  return {
    serve,
    get hits() {
      return n;
    },
  };
}

/**
 * The value of request header `name` (lower case) from Node's raw list, without building `req.headers` (which
 * lower-cases and stores every header of the request). A repeated header is joined as Node joins the three the front
 * cache reads: `Cookie` with "; ", `If-None-Match` and `Accept-Encoding` with ", ".
 */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i] as string;
    if (k.length !== name.length || k.toLowerCase() !== name) continue;
    const v = raw[i + 1] as string;
    value = value === undefined ? v : `${value}${name === 'cookie' ? '; ' : ', '}${v}`;
  }
  return value;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import { statusClass } from '../metrics/metrics.ts';
import { SESSION_COOKIE } from './cookies.ts';
import { negotiateCoding } from './page-cache.ts';
import type { WebContext } from './web-context.ts';

/** Serves a request if it can (resolving false lets the framework handle it); counts what it served. */
export interface FrontHandler {
  serve(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
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
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const m = DOC_PATH.exec(req.url ?? '');
    if (!m || req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) return false;
    const started = process.hrtime.bigint();
    const path = req.url as string;
    // SQLite answers synchronously: no promise hop between the request and the response.
    const id = Number(m[1]);
    const sync = pages.versionSync(web, id);
    const version = sync === undefined ? await pages.version(web, id) : sync;
    if (!version) return false;
    const page = web.pageCache.get(path, version.etag);
    if (!page) return false;

    const reqId = `${prefix}-f${(++n).toString(36)}`;
    for (const [k, v] of Object.entries(securityHeaders)) res.setHeader(k, v);
    for (const [k, v] of Object.entries(pages.headers)) res.setHeader(k, v);
    res.setHeader('etag', version.etag);
    let status = 200;
    if (req.headers['if-none-match'] === version.etag) {
      status = 304;
      res.writeHead(304);
      res.end();
    } else {
      const coding = negotiateCoding(req.headers['accept-encoding'] as string | undefined);
      const body = page.encoded(coding);
      if (coding !== 'identity') res.setHeader('content-encoding', coding);
      res.setHeader('content-length', body.length);
      res.writeHead(200);
      res.end(req.method === 'HEAD' ? undefined : body);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    web.deps.metrics.httpDuration.observe(
      { method: req.method as string, route: '/d/:id', status: statusClass(status) },
      ms / 1000,
    );
    if (accessLog) log.info({ reqId, method: req.method, url: path, status, ms: Math.round(ms) }, 'request');
    return true;
  };
  return {
    serve,
    get hits() {
      return n;
    },
  };
}

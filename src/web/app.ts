import { createServer } from 'node:http';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RouteOptions } from 'fastify';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { statusClass } from '../metrics/metrics.ts';
import { type ApiTokenResolver, apiTokenOf, authenticateApiToken } from './api-token-auth.ts';
import { assetVersions, BUILD_DIR, PUBLIC_DIR } from './assets.ts';
import { bearerMatches } from './bearer.ts';
import type { SessionUser } from './context.ts';
import { SESSION_COOKIE } from './cookies.ts';
import { installErrorHandler, sendFrameworkError } from './error-handler.ts';
import type { AnonymousPages } from './front-cache.ts';
import { createFrontHandler, type FrontHandler } from './front-cache.ts';
import { deferCsrfToMultipart } from './multipart.ts';
import { type ApiTag, registerOpenApi } from './openapi.ts';
import { createPageCache } from './page-cache.ts';
import type { PageSources } from './page-context.ts';
import { createPageContextFactory } from './page-context.ts';
import { NoQuery } from './schemas.ts';
import { computeSecurityHeaders } from './security-headers.ts';
import type { WebContext } from './web-context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | undefined;
  }
  interface FastifyContextConfig {
    /**
     * false only for server-to-server callbacks authenticated by a signature (payment notifies); 'multipart' for a
     * multipart form whose token is its first field, checked by web/multipart.ts before any other part is read.
     */
    csrf?: boolean | 'multipart';
  }
}

/**
 * Limits for the routes attackers like; tests may loosen them. Per-address limits are bursts counted in Redis when
 * REDIS_URL is set (else in each process); the ones that must hold across processes whatever the deployment (login
 * back-off, uploads per user) are counted in the database.
 */
export interface RateLimits {
  /** Login and registration posts per address per minute (an office behind one NAT shares it). */
  readonly authPerMinute: number;
  /** Uploads per user per hour (counted from the documents table). */
  readonly uploadsPerHour: number;
  /** Uploads per address per hour, well above one person's limit so an office is not refused. */
  readonly uploadsPerAddressPerHour: number;
  readonly reportsPerHour: number;
  /** Requests per personal API token per minute (whatever the route). */
  readonly apiTokenPerMinute: number;
}

const DEFAULT_LIMITS: RateLimits = {
  authPerMinute: 30,
  uploadsPerHour: 30,
  uploadsPerAddressPerHour: 300,
  reportsPerHour: 20,
  apiTokenPerMinute: 120,
};

/** A feature's routes: a Fastify plugin built over the web context. */
export type RoutePlugin = (web: WebContext) => (app: FastifyInstance) => Promise<void>;

/**
 * What the composition root (src/routes.ts) plugs into the app: the feature routes and the few feature services the
 * shell itself needs. Passing them in keeps the dependency one-way: features import web/, never the reverse.
 */
export interface AppParts {
  /** Route plugins, registered in this order. */
  readonly routes: readonly RoutePlugin[];
  /** The signed-in user behind a session cookie, if the session is live. */
  readonly resolveSession: (deps: Deps, token: string) => Promise<SessionUser | undefined>;
  readonly pageSources: PageSources;
  readonly anonymousPages: AnonymousPages;
  /** The user and scopes behind a personal API token (`Authorization: Bearer wy_…`); without it tokens are refused. */
  readonly resolveApiToken?: ApiTokenResolver;
  /** The tags of the OpenAPI document (/api/openapi.json), in display order. */
  readonly apiTags?: readonly ApiTag[];
}

/** Builds the Fastify app over the given dependencies and parts. Does not listen. */
export async function createApp(
  deps: Deps,
  parts: AppParts,
  opts: { rateLimits?: Partial<RateLimits>; onRoute?: (route: RouteOptions) => void } = {},
): Promise<FastifyInstance> {
  const { config } = deps;
  // Anonymous page hits are answered before the framework (web/front-cache.ts); set once the routes exist.
  let front: FrontHandler | undefined;
  const app = Fastify({
    serverFactory: (handler, options) => {
      const server = createServer((req, res) => {
        if (!front) return handler(req, res);
        const failed = (err: unknown) => {
          deps.log.error({ err }, 'front cache failed');
          if (!res.headersSent) handler(req, res);
        };
        let served: boolean | Promise<boolean>;
        try {
          served = front.serve(req, res);
        } catch (err) {
          return failed(err);
        }
        if (served === false) return handler(req, res);
        if (served !== true) served.then((ok) => ok || handler(req, res), failed);
      });
      // What Fastify sets on a server it creates itself and not on a factory's: without it Node's 5 s keep-alive
      // closes idle connections that a proxy or client (4 s in undici) is about to reuse — a race that shows as
      // "other side closed" under load.
      const o = options as unknown as Record<'keepAliveTimeout' | 'requestTimeout' | 'connectionTimeout', number>;
      server.keepAliveTimeout = o.keepAliveTimeout;
      server.requestTimeout = o.requestTimeout;
      server.setTimeout(o.connectionTimeout);
      return server;
    },
    loggerInstance: deps.log.child({ module: 'http' }) as FastifyBaseLogger,
    // One access line per request is written by the onResponse hook below, not two by Fastify.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.http.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: (() => {
      let n = 0;
      const prefix = Math.random().toString(36).slice(2, 8);
      return () => `${prefix}-${(++n).toString(36)}`;
    })(),
    routerOptions: { ignoreTrailingSlash: true },
    // Errors raised before routing (a path that does not decode, an over-long parameter) skip the hooks: they get the
    // security headers here and the zh-CN answer from the one error mapper.
    frameworkErrors: (error, req, reply) => {
      reply.headers(securityHeaders);
      return sendFrameworkError(error, req, reply, pageContext);
    },
  });
  // Lets tests see every route as it is registered (the route fuzzer enumerates them this way).
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);

  const securityHeaders = computeSecurityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        workerSrc: ["'self'"],
        // Top-up posts to our server, which redirects to the payment gateway: the redirect must be allowed too.
        formAction: ["'self'", ...(config.alipay ? [new URL(config.alipay.gateway).origin] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: config.session.secureCookie,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });
  await app.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.upload.maxBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25 },
  });
  await app.register(fastifyCsrf, {
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: config.session.secureCookie },
    // Multipart bodies are read inside the handler, after preHandler, so the upload form carries its token in the URL.
    getToken: (req) =>
      (req.body as Record<string, string> | undefined)?._csrf ??
      (req.headers['x-csrf-token'] as string | undefined) ??
      (req.query as Record<string, string> | undefined)?._csrf,
  });
  // With REDIS_URL the counters live in Redis and every web process counts together; a Redis outage lets requests
  // through rather than failing them (the limits that must hold are DB-counted). Without it they count per process.
  const sharedLimits = deps.shared.rateLimit;
  await app.register(fastifyRateLimit, {
    global: false,
    ...(sharedLimits ? { redis: sharedLimits.redis, nameSpace: sharedLimits.nameSpace, skipOnError: true } : {}),
    // The plugin's own 429 goes through the one error mapper, which says in words when to try again.
    errorResponseBuilder: (_req, ctx) =>
      new AppError(429, 'rate_limited', 'error.rateLimitedWait', {
        retryAfter: Math.max(1, Math.ceil(ctx.ttl / 1000)),
      }),
  });
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/static/',
    maxAge: '365d',
    immutable: true,
    index: false,
  });
  await app.register(fastifyStatic, {
    root: BUILD_DIR,
    prefix: '/static/build/',
    maxAge: '365d',
    immutable: true,
    index: false,
    decorateReply: false,
  });

  app.decorateRequest('user', undefined);
  app.decorateRequest('apiToken', undefined);
  const limits: RateLimits = { ...DEFAULT_LIMITS, ...opts.rateLimits };
  // Per token, in the rate-limit plugin's store (whatever store it is given), on every route a token may call.
  const tokenLimit = app.createRateLimit({
    max: limits.apiTokenPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => `api-token:${req.apiToken?.tokenId ?? 0}`,
  });

  // A request presenting an API token is that token's alone (web/api-token-auth.ts): its cookie is never read.
  // Otherwise the session is resolved only when the cookie is there: anonymous page views never touch the table.
  app.addHook('onRequest', async (req, reply) => {
    const apiToken = apiTokenOf(req.headers.authorization);
    if (apiToken !== undefined) {
      return authenticateApiToken(deps, req, reply, apiToken, {
        resolve: parts.resolveApiToken,
        limit: async (r) => {
          const res = await tokenLimit(r);
          if (res.isAllowed) return { exceeded: false, retryAfter: 0 };
          return { exceeded: res.isExceeded, retryAfter: Math.max(1, res.ttlInSeconds) };
        },
      });
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) req.user = await parts.resolveSession(deps, token);
  });

  // Every state change carries a CSRF token; there is no route that can forget it. The one exception is a request
  // authenticated by an API token: CSRF abuses the cookie a browser attaches by itself, and such a request was
  // authenticated by a header no browser attaches on its own, with its cookie session left unread.
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return done();
    if (req.routeOptions.config.csrf === false) return done();
    if (req.apiToken) return done();
    if (req.routeOptions.config.csrf === 'multipart' && deferCsrfToMultipart(req)) return done();
    app.csrfProtection(req, reply, done);
  });

  // Latency by route pattern (never the raw URL: ids would make a series per document).
  app.addHook('onResponse', (req, reply, done) => {
    deps.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: statusClass(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  if (config.log.access) {
    app.addHook('onResponse', (req, reply, done) => {
      req.log.info(
        {
          method: req.method,
          url: req.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
          user: req.user?.id,
        },
        'request',
      );
      done();
    });
  }

  const assets = assetVersions();
  const pageContext = createPageContextFactory(deps, assets, parts.pageSources);
  installErrorHandler(app, pageContext);
  const web: WebContext = {
    deps,
    pageContext,
    pageCache: createPageCache(config.pageCache.entries),
    assets,
    limits,
  };
  front = createFrontHandler(
    web,
    parts.anonymousPages,
    securityHeaders,
    // The front cache's line holds only fixed fields (request id, method, a `/d/<n>` path, status, time): nothing
    // the root logger's redaction looks for, so this child skips it (redaction was ~5 % of a cache hit's CPU).
    deps.log.child({ module: 'http' }, { redact: { paths: [], remove: true } }),
    config.log.access,
  );

  // Prometheus scrapes /metrics with the bearer token; without METRICS_TOKEN the route does not exist here (a
  // METRICS_PORT listener may serve it instead, see metrics/metrics-server.ts).
  const metricsToken = config.metrics.token;
  if (metricsToken) {
    app.get('/metrics', { schema: { querystring: NoQuery } }, async (req, reply) => {
      if (!bearerMatches(req.headers.authorization, metricsToken)) {
        return reply.code(401).header('www-authenticate', 'Bearer').header('cache-control', 'no-store').send();
      }
      const body = await deps.metrics.registry.metrics();
      return reply
        .header('content-type', deps.metrics.registry.contentType)
        .header('cache-control', 'no-store')
        .send(body);
    });
  }

  app.get('/healthz', { schema: { querystring: NoQuery } }, async (_req, reply) => {
    await deps.database.db.selectFrom('settings').select('key').limit(1).execute();
    return reply
      .header('cache-control', 'no-store')
      .send({ ok: true, pageCache: { entries: web.pageCache.size, frontHits: front?.hits ?? 0 } });
  });

  // The OpenAPI document is generated from the schemas of the routes registered after this (web/openapi.ts).
  await registerOpenApi(app, { tags: parts.apiTags ?? [] });
  for (const routes of parts.routes) await app.register(routes(web));
  return app;
}

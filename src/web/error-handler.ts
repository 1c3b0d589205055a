import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError } from '../errors.ts';
import { type MessageKey, t } from '../i18n/t.ts';
import { apiTokenOf } from './api-token-auth.ts';
import { formStateOf, formStatus, isFormRefusal } from './form-state.ts';
import { formatWait } from './format.ts';
import { safeNext } from './guards.ts';
import type { PageContextFactory } from './page-context.ts';
import { sendPage } from './render.ts';
import { ErrorPage } from './views/error-page.tsx';

/** True when the client wants JSON (API routes, fetch with Accept: application/json, any API token client). */
export function wantsJson(req: FastifyRequest): boolean {
  return (
    req.url.startsWith('/api/') ||
    (req.headers.accept ?? '').includes('application/json') ||
    apiTokenOf(req.headers.authorization) !== undefined
  );
}

/** Maps framework errors to our AppError so there is exactly one way errors reach a client. */
function toAppError(err: FastifyError | AppError | Error): AppError | undefined {
  if (err instanceof AppError) return err;
  const code = (err as FastifyError).code;
  const status = (err as FastifyError).statusCode;
  if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET') {
    return new AppError(403, 'csrf', 'error.csrf');
  }
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    return new AppError(413, 'too_large', 'error.validation');
  }
  if (status === 429) return new AppError(429, 'rate_limited', 'error.rateLimited');
  // Route schemas (web/schemas.ts): a path parameter that does not match names no page; other input is a 400.
  if ((err as FastifyError).validationContext === 'params') return new AppError(404, 'not_found', 'error.notFound');
  if ((err as FastifyError).validation || code === 'FST_ERR_VALIDATION')
    return new AppError(400, 'bad_request', 'error.validation');
  // Raised before routing: a path that does not decode (`/d/%FF`) or a parameter over the router's length cap.
  if (code === 'FST_ERR_BAD_URL' || code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new AppError(404, 'not_found', 'error.notFound');
  if (status === 404) return new AppError(404, 'not_found', 'error.notFound');
  if (status && status >= 400 && status < 500) return new AppError(status, 'bad_request', 'error.validation');
  return undefined;
}

/**
 * The zh-CN sentence for an AppError, for the error page or a form's error line. A 429 that knows how long to wait
 * (`params.retryAfter`, seconds) says so in words and sets `Retry-After`.
 */
export function describeError(reply: FastifyReply, err: AppError): string {
  const retryAfter = err.params.retryAfter;
  if (err.status === 429 && typeof retryAfter === 'number') {
    reply.header('retry-after', String(retryAfter));
    return t(err.messageKey, { ...err.params, wait: formatWait(retryAfter) });
  }
  return t(err.messageKey, err.params);
}

/** Sends an AppError as JSON `{error:{code,message}}` or as a friendly zh-CN page. */
export async function sendError(
  req: FastifyRequest,
  reply: FastifyReply,
  err: AppError,
  pageContext: PageContextFactory,
  message = describeError(reply, err),
) {
  if (wantsJson(req)) {
    return reply.status(err.status).send({ error: { code: err.code, message } });
  }
  // A page form refused: the same form again, with the sentence beside its field and what was typed (422).
  const form = req.routeOptions.config?.form;
  if (form && req.method === 'POST' && isFormRefusal(err)) {
    // The form's page may need what the refused request lacks (a visitor refused before the sign-in check has no
    // account to show the form for): then the ordinary error page answers, with the same status.
    try {
      const id = typeof form.id === 'string' ? form.id : form.id(req);
      return await form.render(req, reply, formStateOf(req, id, err, message), formStatus(err));
    } catch (renderErr) {
      if (reply.sent) throw renderErr;
      req.log.debug({ err: renderErr }, 'refused form not re-rendered; error page instead');
    }
  }
  // A visitor opening a page that needs an account goes to the login form, and comes back afterwards.
  if (err.status === 401 && (req.method === 'GET' || req.method === 'HEAD')) {
    return reply.redirect(`/login?next=${encodeURIComponent(safeNext(req.url))}`, 303);
  }
  const ctx = await pageContext(req, reply);
  return sendPage(reply, h(ErrorPage, { ctx, status: err.status, message }), err.status);
}

/**
 * Fastify's `frameworkErrors`: errors raised before a route is found (bad URL, over-long parameter) take the same
 * mapping and the same zh-CN answer as every other error.
 */
export async function sendFrameworkError(
  error: FastifyError,
  req: FastifyRequest,
  reply: FastifyReply,
  pageContext: PageContextFactory,
) {
  const appErr = toAppError(error) ?? new AppError(500, 'internal', 'error.internal', { requestId: req.id }, false);
  if (appErr.status >= 500) req.log.error({ err: error }, 'framework error');
  return sendError(req, reply, appErr, pageContext);
}

/** Installs the one error mapper and the not-found handler. Stack traces never reach a client. */
export function installErrorHandler(app: FastifyInstance, pageContext: PageContextFactory): void {
  app.setErrorHandler(async (error: FastifyError, req, reply) => {
    const appErr = toAppError(error);
    if (appErr) {
      if (appErr.status >= 500) req.log.error({ err: error }, 'request failed');
      return sendError(req, reply, appErr, pageContext);
    }
    req.log.error({ err: error }, 'unhandled error');
    const key: MessageKey = 'error.internal';
    return sendError(req, reply, new AppError(500, 'internal', key, { requestId: req.id }, false), pageContext);
  });
  app.setNotFoundHandler(async (req, reply) =>
    sendError(req, reply, new AppError(404, 'not_found', 'error.notFound'), pageContext),
  );
}

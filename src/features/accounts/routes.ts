import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError } from '../../errors.ts';
import { SESSION_COOKIE } from '../../web/cookies.ts';
import { describeError } from '../../web/error-handler.ts';
import { safeNext } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormBody, Next, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as service from './service.ts';
import { type AuthFormState, LoginPage, RegisterPage } from './views/auth-pages.tsx';

type Body = Record<string, string | undefined>;

const nextQuery = { querystring: Query({ next: Next }) };
const credentials = { identifier: Opt(320), password: Opt(1024), next: Next };
const loginSchema = { querystring: NoQuery, body: FormBody(credentials) };
const registerSchema = {
  querystring: NoQuery,
  body: FormBody({ ...credentials, passwordConfirm: Opt(1024), displayName: Opt(200) }),
};

/** Login, registration and logout. */
export function accountRoutes(web: WebContext) {
  const { deps } = web;
  const authLimit = { rateLimit: { max: web.limits.authPerMinute, timeWindow: '1 minute' } };

  async function setSession(req: FastifyRequest, reply: FastifyReply, userId: number) {
    const { token, expiresAt } = await service.startSession(deps, userId, {
      ip: req.ip,
      userAgent: req.headers['user-agent'] ?? '',
      previousToken: req.cookies[SESSION_COOKIE],
    });
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.config.session.secureCookie,
      expires: new Date(expiresAt),
    });
  }

  async function renderForm(
    req: FastifyRequest,
    reply: FastifyReply,
    view: typeof LoginPage,
    state: AuthFormState,
    status = 200,
  ) {
    const ctx = await web.pageContext(req, reply, { forms: true });
    return sendPage(reply, h(view, { ctx, state }), status);
  }

  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { next?: string } }>('/login', { schema: nextQuery }, async (req, reply) => {
      if (req.user) return reply.redirect(safeNext(req.query.next), 303);
      return renderForm(req, reply, LoginPage, { next: safeNext(req.query.next) });
    });

    app.post<{ Body: Body }>('/login', { schema: loginSchema, config: authLimit }, async (req, reply) => {
      const next = safeNext(req.body.next);
      try {
        const userId = await service.login(deps, {
          identifier: req.body.identifier ?? '',
          password: req.body.password ?? '',
          ip: req.ip,
        });
        await setSession(req, reply, userId);
        return reply.redirect(next, 303);
      } catch (err) {
        if (!(err instanceof AppError) || req.headers.accept?.includes('application/json')) throw err;
        const state = { identifier: req.body.identifier, next, error: describeError(reply, err) };
        return renderForm(req, reply, LoginPage, state, err.status);
      }
    });

    app.get<{ Querystring: { next?: string } }>('/register', { schema: nextQuery }, async (req, reply) => {
      if (req.user) return reply.redirect('/', 303);
      return renderForm(req, reply, RegisterPage, { next: safeNext(req.query.next) });
    });

    app.post<{ Body: Body }>('/register', { schema: registerSchema, config: authLimit }, async (req, reply) => {
      const next = safeNext(req.body.next);
      try {
        const userId = await service.registerUser(deps, {
          identifier: req.body.identifier ?? '',
          password: req.body.password ?? '',
          passwordConfirm: req.body.passwordConfirm ?? '',
          displayName: req.body.displayName ?? '',
        });
        await setSession(req, reply, userId);
        return reply.redirect(next, 303);
      } catch (err) {
        if (!(err instanceof AppError) || req.headers.accept?.includes('application/json')) throw err;
        const state = {
          identifier: req.body.identifier,
          displayName: req.body.displayName,
          next,
          error: describeError(reply, err),
        };
        return renderForm(req, reply, RegisterPage, state, err.status);
      }
    });

    app.post('/logout', { schema: { querystring: NoQuery, body: ActionBody() } }, async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await service.endSession(deps, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/', 303);
    });
  };
}

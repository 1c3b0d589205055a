import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError } from '../../errors.ts';
import { type MessageKey, t } from '../../i18n/t.ts';
import { SESSION_COOKIE } from '../../web/cookies.ts';
import { describeError, wantsJson } from '../../web/error-handler.ts';
import { formStateOf } from '../../web/form-state.ts';
import { safeNext } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormBody, Next, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as registration from './registration.ts';
import * as service from './service.ts';
import {
  type AuthFormState,
  LoginPage,
  REGISTER_CODE_FORM,
  REGISTER_LINK_FORM,
  RegisterConfirmPage,
  RegisterPage,
  RegisterSentPage,
} from './views/auth-pages.tsx';
import { signIn, transportNotes } from './web-session.ts';

type Body = Record<string, string | undefined>;

/** Notices the login page shows after a redirect (`?notice=`). */
const LOGIN_NOTICES: Record<string, MessageKey> = { reset: 'password.reset.done' };

const loginQuery = { querystring: Query({ next: Next, notice: Opt(20) }) };
const nextQuery = { querystring: Query({ next: Next }) };
const credentials = { identifier: Opt(320), password: Opt(1024), next: Next };
const loginSchema = { querystring: NoQuery, body: FormBody(credentials) };
const registerSchema = {
  querystring: NoQuery,
  body: FormBody({ ...credentials, passwordConfirm: Opt(1024), displayName: Opt(200) }),
};
const confirmLinkQuery = { querystring: Query({ token: Opt(200) }) };
const confirmSchema = {
  querystring: NoQuery,
  body: FormBody({ token: Opt(200), identifier: Opt(320), code: Opt(20), next: Next }),
};

/** Login, registration (at once, or confirmed by a code or link), and logout. */
export function accountRoutes(web: WebContext) {
  const { deps } = web;
  const authLimit = { rateLimit: { max: web.limits.authPerMinute, timeWindow: '1 minute' } };

  async function renderForm(
    req: FastifyRequest,
    reply: FastifyReply,
    view: typeof LoginPage,
    state: AuthFormState,
    status = 200,
    flash?: string,
  ) {
    const ctx = await web.pageContext(req, reply, { forms: true, flash });
    return sendPage(reply, h(view, { ctx, state }), status);
  }

  /** A form's refusal: JSON clients get the error mapper, pages get the form again with the sentence. */
  const formError = (req: FastifyRequest, err: unknown): err is AppError =>
    err instanceof AppError && err.status < 500 && !wantsJson(req);

  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { next?: string; notice?: string } }>(
      '/login',
      { schema: loginQuery },
      async (req, reply) => {
        if (req.user) return reply.redirect(safeNext(req.query.next), 303);
        const notice = req.query.notice ? LOGIN_NOTICES[req.query.notice] : undefined;
        return renderForm(req, reply, LoginPage, { next: safeNext(req.query.next) }, 200, notice && t(notice));
      },
    );

    app.post<{ Body: Body }>('/login', { schema: loginSchema, config: authLimit }, async (req, reply) => {
      const next = safeNext(req.body.next);
      try {
        const userId = await service.login(deps, {
          identifier: req.body.identifier ?? '',
          password: req.body.password ?? '',
          ip: req.ip,
        });
        await signIn(deps, req, reply, userId);
        return reply.redirect(next, 303);
      } catch (err) {
        if (!formError(req, err)) throw err;
        const state = { next, form: formStateOf(req, 'login', err, describeError(reply, err)) };
        return renderForm(req, reply, LoginPage, state, err.status);
      }
    });

    app.get<{ Querystring: { next?: string } }>('/register', { schema: nextQuery }, async (req, reply) => {
      if (req.user) return reply.redirect('/', 303);
      const state = { next: safeNext(req.query.next), notes: transportNotes(deps, 'register') };
      return renderForm(req, reply, RegisterPage, state);
    });

    app.post<{ Body: Body }>('/register', { schema: registerSchema, config: authLimit }, async (req, reply) => {
      const next = safeNext(req.body.next);
      try {
        const outcome = await registration.startRegistration(deps, {
          identifier: req.body.identifier ?? '',
          password: req.body.password ?? '',
          passwordConfirm: req.body.passwordConfirm ?? '',
          displayName: req.body.displayName ?? '',
          ip: req.ip,
        });
        if (outcome.kind === 'created') {
          await signIn(deps, req, reply, outcome.userId);
          return reply.redirect(next, 303);
        }
        const ctx = await web.pageContext(req, reply, { forms: true });
        return sendPage(reply, h(RegisterSentPage, { ctx, channel: outcome.channel, to: outcome.to, next }));
      } catch (err) {
        if (!formError(req, err)) throw err;
        const state = {
          next,
          notes: transportNotes(deps, 'register'),
          form: formStateOf(req, 'register', err, describeError(reply, err)),
        };
        return renderForm(req, reply, RegisterPage, state, err.status);
      }
    });

    app.get<{ Querystring: { token?: string } }>(
      '/register/confirm',
      { schema: confirmLinkQuery },
      async (req, reply) => {
        const token = req.query.token ?? '';
        const ctx = await web.pageContext(req, reply, { forms: true });
        try {
          const { to } = await registration.peekRegistrationLink(deps, token);
          return sendPage(reply, h(RegisterConfirmPage, { ctx, token, to }));
        } catch (err) {
          if (!formError(req, err)) throw err;
          const state = formStateOf(req, REGISTER_LINK_FORM, err, describeError(reply, err));
          return sendPage(reply, h(RegisterConfirmPage, { ctx, token, state }), err.status);
        }
      },
    );

    app.post<{ Body: Body }>('/register/confirm', { schema: confirmSchema, config: authLimit }, async (req, reply) => {
      const next = safeNext(req.body.next);
      const byLink = req.body.token !== undefined;
      try {
        const userId = byLink
          ? await registration.confirmRegistrationByLink(deps, req.body.token ?? '')
          : await registration.confirmRegistrationByCode(deps, {
              identifier: req.body.identifier ?? '',
              code: req.body.code ?? '',
            });
        await signIn(deps, req, reply, userId);
        return reply.redirect(next, 303);
      } catch (err) {
        if (!formError(req, err)) throw err;
        const ctx = await web.pageContext(req, reply, { forms: true });
        const state = formStateOf(
          req,
          byLink ? REGISTER_LINK_FORM : REGISTER_CODE_FORM,
          err,
          describeError(reply, err),
        );
        const page = byLink
          ? h(RegisterConfirmPage, { ctx, token: req.body.token ?? '', state })
          : h(RegisterSentPage, { ctx, channel: 'sms', to: req.body.identifier ?? '', next, state });
        return sendPage(reply, page, err.status);
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

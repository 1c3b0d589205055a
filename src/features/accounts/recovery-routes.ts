import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError } from '../../errors.ts';
import { describeError, wantsJson } from '../../web/error-handler.ts';
import { formStateOf } from '../../web/form-state.ts';
import { sendPage } from '../../web/render.ts';
import { FormBody, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as reset from './password-reset.ts';
import {
  FORGOT_FORM,
  ForgotPage,
  ForgotSentPage,
  RESET_CODE_FORM,
  RESET_LINK_FORM,
  ResetPage,
} from './views/recovery-pages.tsx';
import { transportNotes } from './web-session.ts';

type Body = Record<string, string | undefined>;

const forgotSchema = { querystring: NoQuery, body: FormBody({ identifier: Opt(320) }) };
const resetQuery = { querystring: Query({ token: Opt(200) }) };
const resetSchema = {
  querystring: NoQuery,
  body: FormBody({
    token: Opt(200),
    identifier: Opt(320),
    code: Opt(20),
    password: Opt(1024),
    passwordConfirm: Opt(1024),
  }),
};

/**
 * 忘记密码 → the emailed link or the SMS code → 设置新密码. Works without JavaScript. A refusal is the form again
 * (web/form-state.ts) at the status it was (400, 409, 429: clients and the back-off tests tell them apart), the
 * sentence beside the field it names, what was typed kept but never a password or a code.
 */
export function recoveryRoutes(web: WebContext) {
  const { deps } = web;
  const authLimit = { rateLimit: { max: web.limits.authPerMinute, timeWindow: '1 minute' } };
  const formError = (req: FastifyRequest, err: unknown): err is AppError =>
    err instanceof AppError && err.status < 500 && !wantsJson(req);

  return async (app: FastifyInstance) => {
    app.get('/password/forgot', { schema: { querystring: NoQuery } }, async (req, reply) => {
      const ctx = await web.pageContext(req, reply, { forms: true });
      return sendPage(reply, h(ForgotPage, { ctx, notes: transportNotes(deps, 'forgot') }));
    });

    app.post<{ Body: Body }>('/password/forgot', { schema: forgotSchema, config: authLimit }, async (req, reply) => {
      const identifier = req.body.identifier ?? '';
      try {
        const sent = await reset.requestPasswordReset(deps, { identifier, ip: req.ip });
        const ctx = await web.pageContext(req, reply, { forms: true });
        return sendPage(reply, h(ForgotSentPage, { ctx, channel: sent.channel, to: sent.to }));
      } catch (err) {
        if (!formError(req, err)) throw err;
        const ctx = await web.pageContext(req, reply, { forms: true });
        const state = formStateOf(req, FORGOT_FORM, err, describeError(reply, err));
        return sendPage(reply, h(ForgotPage, { ctx, notes: transportNotes(deps, 'forgot'), state }), err.status);
      }
    });

    app.get<{ Querystring: { token?: string } }>('/password/reset', { schema: resetQuery }, async (req, reply) => {
      const token = req.query.token ?? '';
      const ctx = await web.pageContext(req, reply, { forms: true });
      try {
        await reset.peekResetLink(deps, token);
        return sendPage(reply, h(ResetPage, { ctx, token }));
      } catch (err) {
        if (!formError(req, err)) throw err;
        const state = formStateOf(req, RESET_LINK_FORM, err, describeError(reply, err));
        return sendPage(reply, h(ResetPage, { ctx, token, dead: true, state }), err.status);
      }
    });

    app.post<{ Body: Body }>('/password/reset', { schema: resetSchema, config: authLimit }, async (req, reply) => {
      const byLink = req.body.token !== undefined;
      const password = req.body.password ?? '';
      const passwordConfirm = req.body.passwordConfirm ?? '';
      try {
        if (byLink) {
          await reset.resetPasswordWithLink(deps, { token: req.body.token ?? '', password, passwordConfirm });
        } else {
          const input = { identifier: req.body.identifier ?? '', code: req.body.code ?? '', password, passwordConfirm };
          await reset.resetPasswordWithCode(deps, input);
        }
        // Every session of the account has ended, this browser's too: log in again with the new password.
        return reply.redirect('/login?notice=reset', 303);
      } catch (err) {
        if (!formError(req, err)) throw err;
        const ctx = await web.pageContext(req, reply, { forms: true });
        const state = formStateOf(req, byLink ? RESET_LINK_FORM : RESET_CODE_FORM, err, describeError(reply, err));
        if (byLink) {
          // A problem with the password keeps the form; a problem with the link says to ask again.
          const dead = /^account\.link\./.test(err.messageKey);
          return sendPage(reply, h(ResetPage, { ctx, token: req.body.token ?? '', state, dead }), err.status);
        }
        const to = req.body.identifier ?? '';
        return sendPage(reply, h(ForgotSentPage, { ctx, channel: 'sms', to, state }), err.status);
      }
    });
  };
}

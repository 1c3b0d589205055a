import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError } from '../../errors.ts';
import { type MessageKey, t } from '../../i18n/t.ts';
import { describeError, wantsJson } from '../../web/error-handler.ts';
import { formStateOf } from '../../web/form-state.ts';
import { requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { FormBody, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as contact from './contact.ts';
import { unavailableParams } from './delivery.ts';
import { changePassword } from './password-change.ts';
import {
  ChangePasswordPage,
  CONTACT_CODE_FORM,
  CONTACT_SEND_FORM,
  ConfirmEmailPage,
  PASSWORD_CHANGE_FORM,
  SecurityPage,
  VERIFY_EMAIL_FORM,
  VerifyContactPage,
} from './views/security-pages.tsx';

type Body = Record<string, string | undefined>;

/** Notices shown after a redirect (`?notice=`). */
const NOTICES: Record<string, MessageKey> = {
  password: 'password.change.done',
};

const noticeQuery = { querystring: Query({ notice: Opt(20) }) };
const passwordSchema = {
  querystring: NoQuery,
  body: FormBody({ oldPassword: Opt(1024), password: Opt(1024), passwordConfirm: Opt(1024) }),
};
const codeSchema = { querystring: NoQuery, body: FormBody({ code: Opt(20) }) };
const tokenQuery = { querystring: Query({ token: Opt(200) }) };
const tokenSchema = { querystring: NoQuery, body: FormBody({ token: Opt(200) }) };

/** 账号安全, 修改密码, 验证邮箱/手机 (send, code) and the emailed verification link. */
export function securityRoutes(web: WebContext) {
  const { deps } = web;
  const sendLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };
  const authLimit = { rateLimit: { max: web.limits.authPerMinute, timeWindow: '1 minute' } };
  const formError = (req: FastifyRequest, err: unknown): err is AppError =>
    err instanceof AppError && err.status < 500 && !wantsJson(req);

  /** The verification page for the logged-in user, with what just happened (a refusal: in form `opts.form`). */
  async function verifyPage(
    req: FastifyRequest,
    reply: FastifyReply,
    userId: number,
    opts: { sent?: boolean; error?: AppError; form?: string; flash?: string } = {},
  ) {
    const status = await contact.contactStatus(deps, userId);
    const base = await web.pageContext(req, reply, { flash: opts.flash });
    // The session was read before a verification this request made: the banner must not ask again.
    const ctx =
      base.user && status.verifiedAt !== null ? { ...base, user: { ...base.user, contactVerified: true } } : base;
    const unavailable = status.ready ? undefined : t('account.unavailable', unavailableParams(status.channel));
    const form = opts.form ?? CONTACT_CODE_FORM;
    const state = opts.error ? formStateOf(req, form, opts.error, describeError(reply, opts.error)) : undefined;
    // A code was sent earlier in this attempt: a wrong code keeps the code form on the page.
    const sent = opts.sent ?? (opts.error !== undefined && /^account\.code\./.test(opts.error.messageKey));
    return sendPage(
      reply,
      h(VerifyContactPage, { ctx, contact: status, unavailable, sent, state }),
      opts.error?.status ?? 200,
    );
  }

  return async (app: FastifyInstance) => {
    app.get('/settings/security', { schema: { querystring: NoQuery } }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const status = await contact.contactStatus(deps, user.id);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(SecurityPage, { ctx, contact: status }));
    });

    app.get<{ Querystring: { notice?: string } }>('/settings/password', { schema: noticeQuery }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const notice = req.query.notice ? NOTICES[req.query.notice] : undefined;
      const ctx = await web.pageContext(req, reply, { flash: notice && t(notice) });
      return sendPage(reply, h(ChangePasswordPage, { ctx }));
    });

    app.post<{ Body: Body }>(
      '/settings/password',
      { schema: passwordSchema, config: authLimit },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        try {
          await changePassword(deps, user, {
            oldPassword: req.body.oldPassword ?? '',
            password: req.body.password ?? '',
            passwordConfirm: req.body.passwordConfirm ?? '',
            ip: req.ip,
          });
          return reply.redirect('/settings/password?notice=password', 303);
        } catch (err) {
          if (!formError(req, err)) throw err;
          const ctx = await web.pageContext(req, reply);
          const state = formStateOf(req, PASSWORD_CHANGE_FORM, err, describeError(reply, err));
          return sendPage(reply, h(ChangePasswordPage, { ctx, state }), err.status);
        }
      },
    );

    app.get('/settings/verify', { schema: { querystring: NoQuery } }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      return verifyPage(req, reply, user.id);
    });

    app.post(
      '/settings/verify/send',
      { schema: { querystring: NoQuery, body: FormBody({}) }, config: sendLimit },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        try {
          const sent = await contact.startContactVerification(deps, user, req.ip);
          if (wantsJson(req)) return reply.send({ sent: true, channel: sent.channel });
          return verifyPage(req, reply, user.id, { sent: true });
        } catch (err) {
          if (!formError(req, err)) throw err;
          return verifyPage(req, reply, user.id, { error: err, form: CONTACT_SEND_FORM });
        }
      },
    );

    app.post<{ Body: Body }>('/settings/verify/code', { schema: codeSchema, config: authLimit }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      try {
        await contact.confirmContactByCode(deps, user, req.body.code ?? '');
        if (wantsJson(req)) return reply.send({ verified: true });
        return verifyPage(req, reply, user.id, {
          flash: t('account.verify.done', { channel: contact.channelName('sms') }),
        });
      } catch (err) {
        if (!formError(req, err)) throw err;
        return verifyPage(req, reply, user.id, { error: err });
      }
    });

    // The emailed link opens a page with a button: opening a link (a mail scanner, a preview) never changes anything.
    app.get<{ Querystring: { token?: string } }>('/verify/email', { schema: tokenQuery }, async (req, reply) => {
      const token = req.query.token ?? '';
      const ctx = await web.pageContext(req, reply, { forms: true });
      try {
        const { to } = await contact.peekVerifyLink(deps, token);
        return sendPage(reply, h(ConfirmEmailPage, { ctx, token, to }));
      } catch (err) {
        if (!formError(req, err)) throw err;
        const state = formStateOf(req, VERIFY_EMAIL_FORM, err, describeError(reply, err));
        return sendPage(reply, h(ConfirmEmailPage, { ctx, token, state }), err.status);
      }
    });

    app.post<{ Body: Body }>('/verify/email', { schema: tokenSchema, config: authLimit }, async (req, reply) => {
      const token = req.body.token ?? '';
      try {
        await contact.confirmContactByLink(deps, token);
        const flash = t('account.verify.done', { channel: contact.channelName('email') });
        if (req.user) return verifyPage(req, reply, req.user.id, { flash });
        const ctx = await web.pageContext(req, reply, { flash });
        return sendPage(reply, h(ConfirmEmailPage, { ctx, token }));
      } catch (err) {
        if (!formError(req, err)) throw err;
        const ctx = await web.pageContext(req, reply, { forms: true });
        const state = formStateOf(req, VERIFY_EMAIL_FORM, err, describeError(reply, err));
        return sendPage(reply, h(ConfirmEmailPage, { ctx, token, state }), err.status);
      }
    });
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { VerificationStatus } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { type MessageKey, t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { formatBytes } from '../../web/format.ts';
import { parseId, requireStaff, requireUser } from '../../web/guards.ts';
import { multipartParts, readPartBytes } from '../../web/multipart.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, IdParams, MultipartBody, MultipartQuery, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as decisions from './decisions.ts';
import * as service from './service.ts';
import { AdminVerificationsPage, type ReasonAction, reasonFormId } from './views/admin-verifications-page.tsx';
import { RevealPage } from './views/reveal-page.tsx';
import { VERIFICATION_FORM, VerificationPage } from './views/verification-page.tsx';

type ReasonRoute = { Params: { id: string }; Body: { reason?: string } | null };
type ListRoute = { Querystring: { status?: string; page?: string; notice?: string } };

const NOTICES: Record<string, MessageKey> = {
  submitted: 'verification.submitted',
  approved: 'verification.admin.approvedNotice',
  rejected: 'verification.admin.rejectedNotice',
  revoked: 'verification.admin.revokedNotice',
};

/** The fields of the submission form, read from a multipart body; the photo is read into memory up to its cap. */
async function readSubmission(req: FastifyRequest): Promise<service.SubmissionInput> {
  const fields = new Map<string, string>();
  let photo: Buffer | undefined;
  // One more field and part than the form has: the CSRF token comes first (web/multipart.ts).
  const limits = { fileSize: service.PHOTO_MAX_BYTES, files: 1, fields: 11, fieldSize: 4096, parts: 13 };
  for await (const part of multipartParts(req, limits)) {
    if (part.type === 'field') {
      if (!fields.has(part.name)) fields.set(part.name, part.value);
    } else if (part.name === 'photo' && part.filename && !photo) {
      photo = await readPartBytes(part.stream, () =>
        new AppError(413, 'too_large', 'verification.photoTooLarge', {
          max: formatBytes(service.PHOTO_MAX_BYTES),
        }).on('photo'),
      );
    } else {
      part.stream.resume();
    }
  }
  return {
    legalName: fields.get('legalName') ?? '',
    idNumber: fields.get('idNumber') ?? '',
    consent: fields.get('consent') === '1',
    photo,
  };
}

/** /account/verification for the user; /admin/verifications for moderators and admins. */
export function verificationRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    // The user's page, first shown or after a refused submit (FormState: the sentence and what was typed, never the
    // ID number).
    async function showOwnPage(req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) {
      const user = req.user!;
      const mine = await service.getMyVerification(deps, user);
      const notice = (req.query as { notice?: string } | undefined)?.notice;
      const flash = !state && notice && NOTICES[notice] ? t(NOTICES[notice]!) : undefined;
      const ctx = await web.pageContext(req, reply, { flash });
      return sendPage(reply, h(VerificationPage, { ctx, state: mine, form: state }), status);
    }

    app.get<{ Querystring: { notice?: string } }>(
      '/account/verification',
      { schema: { querystring: Query({ notice: Opt(20) }) } },
      async (req, reply) => {
        if (!requireUser(req, reply)) return reply;
        return showOwnPage(req, reply);
      },
    );

    // Multipart (the optional photo): the CSRF token is the body's first field; a refusal is the form again.
    app.post(
      '/account/verification',
      {
        schema: { querystring: MultipartQuery, body: MultipartBody },
        config: {
          csrf: 'multipart',
          form: { id: VERIFICATION_FORM, render: showOwnPage },
          rateLimit: { max: 20, timeWindow: '1 hour' },
        },
      },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = await service.submitVerification(deps, user, await readSubmission(req));
        if (wantsJson(req)) return reply.status(201).send({ id, status: 'pending' });
        return reply.redirect('/account/verification?notice=submitted', 303);
      },
    );

    await app.register(async (staff) => {
      // Encapsulated: guards exactly these routes, before the CSRF check (visitors 401 → login, users 403).
      staff.addHook('onRequest', async (req) => {
        requireStaff(req);
      });

      const list = { querystring: Query({ status: Opt(20), page: Opt(20), notice: Opt(20) }) };
      staff.get<ListRoute>('/admin/verifications', { schema: list }, async (req, reply) => {
        const status = (decisions.VERIFICATION_STATUSES as readonly string[]).includes(req.query.status ?? '')
          ? (req.query.status as VerificationStatus)
          : 'pending';
        const page = Math.min(10_000, Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1));
        const result = await decisions.listVerifications(deps, status, page);
        if (wantsJson(req)) return reply.header('cache-control', 'private, no-store').send(result);
        const notice = req.query.notice ? NOTICES[req.query.notice] : undefined;
        const ctx = await web.pageContext(req, reply, { flash: notice ? t(notice) : undefined });
        return sendPage(reply, h(AdminVerificationsPage, { ctx, status, list: result }));
      });

      // A refused decision is the tab it was sent from again (`listed`), the sentence beside that row's reason and the
      // reason kept; one whose form is gone (decided meanwhile) the sentence alone above the table.
      const queue = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
        requireStaff(req);
        const listed = (req.body as { listed?: string } | null)?.listed ?? '';
        const tab = (decisions.VERIFICATION_STATUSES as readonly string[]).includes(listed)
          ? (listed as VerificationStatus)
          : 'pending';
        const result = await decisions.listVerifications(deps, tab, 1);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(AdminVerificationsPage, { ctx, status: tab, list: result, state }), status);
      };
      const formOf = (kind: ReasonAction | 'approve') => ({
        form: { id: (req: FastifyRequest) => reasonFormId(kind, (req.params as { id: string }).id), render: queue },
      });
      const action = {
        params: IdParams,
        querystring: NoQuery,
        body: ActionBody({ listed: Opt(20) }),
      };
      const withReason = {
        params: IdParams,
        querystring: NoQuery,
        body: ActionBody({ reason: Opt(2000), listed: Opt(20) }),
      };
      const done = (req: FastifyRequest, reply: FastifyReply, id: number, status: string, back: string) =>
        wantsJson(req) ? reply.send({ id, status }) : reply.redirect(back, 303);

      staff.post<{ Params: { id: string } }>(
        '/admin/verifications/:id/approve',
        { schema: action, config: formOf('approve') },
        async (req, reply) => {
          const id = parseId(req.params.id);
          if (!id) throw notFound();
          await decisions.approveVerification(deps, requireStaff(req), id, req.ip);
          return done(req, reply, id, 'approved', '/admin/verifications?notice=approved');
        },
      );

      staff.post<ReasonRoute>(
        '/admin/verifications/:id/reject',
        { schema: withReason, config: formOf('reject') },
        async (req, reply) => {
          const id = parseId(req.params.id);
          if (!id) throw notFound();
          await decisions.rejectVerification(deps, requireStaff(req), id, req.body?.reason, req.ip);
          return done(req, reply, id, 'rejected', '/admin/verifications?notice=rejected');
        },
      );

      staff.post<ReasonRoute>(
        '/admin/verifications/:id/revoke',
        { schema: withReason, config: formOf('revoke') },
        async (req, reply) => {
          const id = parseId(req.params.id);
          if (!id) throw notFound();
          await decisions.revokeVerification(deps, requireStaff(req), id, req.body?.reason, req.ip);
          return done(req, reply, id, 'revoked', '/admin/verifications?status=approved&notice=revoked');
        },
      );

      // The one response with the unmasked values: rendered for this POST only, never cached, never JSON.
      staff.post<ReasonRoute>(
        '/admin/verifications/:id/reveal',
        { schema: withReason, config: formOf('reveal') },
        async (req, reply) => {
          const id = parseId(req.params.id);
          if (!id) throw notFound();
          const revealed = await decisions.revealVerification(deps, requireStaff(req), id, req.body?.reason, req.ip);
          const ctx = await web.pageContext(req, reply);
          reply.header('pragma', 'no-cache').header('expires', '0');
          return sendPage(reply, h(RevealPage, { ctx, revealed }));
        },
      );
    });
  };
}

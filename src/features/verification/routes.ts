import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { VerificationStatus } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { type MessageKey, t } from '../../i18n/t.ts';
import { describeError, wantsJson } from '../../web/error-handler.ts';
import { formatBytes } from '../../web/format.ts';
import { parseId, requireStaff, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, IdParams, MultipartBody, MultipartQuery, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as service from './service.ts';
import { AdminVerificationsPage } from './views/admin-verifications-page.tsx';
import { RevealPage } from './views/reveal-page.tsx';
import { VerificationPage } from './views/verification-page.tsx';

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
  const parts = req.parts({
    limits: { fileSize: service.PHOTO_MAX_BYTES, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
  });
  for await (const part of parts) {
    if (part.type === 'field') {
      if (!fields.has(part.fieldname)) fields.set(part.fieldname, String(part.value ?? ''));
    } else if (part.fieldname === 'photo' && part.filename && !photo) {
      photo = await readPhoto(part);
    } else {
      part.file.resume();
    }
  }
  return {
    legalName: fields.get('legalName') ?? '',
    idNumber: fields.get('idNumber') ?? '',
    consent: fields.get('consent') === '1',
    photo,
  };
}

async function readPhoto(part: MultipartFile): Promise<Buffer> {
  try {
    return await part.toBuffer();
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(413, 'too_large', 'verification.photoTooLarge', {
        max: formatBytes(service.PHOTO_MAX_BYTES),
      });
    }
    throw err;
  }
}

/** /account/verification for the user; /admin/verifications for moderators and admins. */
export function verificationRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    async function showOwnPage(
      req: FastifyRequest,
      reply: FastifyReply,
      opts: { error?: AppError; legalName?: string; notice?: string } = {},
    ) {
      const user = req.user!;
      const state = await service.getMyVerification(deps, user);
      const flash = opts.notice && NOTICES[opts.notice] ? t(NOTICES[opts.notice]!) : undefined;
      const ctx = await web.pageContext(req, reply, { flash });
      const error = opts.error ? describeError(reply, opts.error) : undefined;
      return sendPage(
        reply,
        h(VerificationPage, { ctx, state, error, legalName: opts.legalName }),
        opts.error?.status ?? 200,
      );
    }

    app.get<{ Querystring: { notice?: string } }>(
      '/account/verification',
      { schema: { querystring: Query({ notice: Opt(20) }) } },
      async (req, reply) => {
        if (!requireUser(req, reply)) return reply;
        return showOwnPage(req, reply, { notice: req.query.notice });
      },
    );

    // Multipart (the optional photo): the CSRF token rides in the URL, as on the upload form.
    app.post(
      '/account/verification',
      {
        schema: { querystring: MultipartQuery, body: MultipartBody },
        config: { rateLimit: { max: 20, timeWindow: '1 hour' } },
      },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        let input: service.SubmissionInput | undefined;
        try {
          input = await readSubmission(req);
          const id = await service.submitVerification(deps, user, input);
          if (wantsJson(req)) return reply.status(201).send({ id, status: 'pending' });
          return reply.redirect('/account/verification?notice=submitted', 303);
        } catch (err) {
          // A refusal re-renders the form with the sentence; the number typed is not echoed back.
          if (!(err instanceof AppError) || err.status >= 500 || wantsJson(req)) throw err;
          return showOwnPage(req, reply, { error: err, legalName: input?.legalName.slice(0, 40) });
        }
      },
    );

    await app.register(async (staff) => {
      // Encapsulated: guards exactly these routes, before the CSRF check (visitors 401 → login, users 403).
      staff.addHook('onRequest', async (req) => {
        requireStaff(req);
      });

      const list = { querystring: Query({ status: Opt(20), page: Opt(20), notice: Opt(20) }) };
      staff.get<ListRoute>('/admin/verifications', { schema: list }, async (req, reply) => {
        const status = (service.VERIFICATION_STATUSES as readonly string[]).includes(req.query.status ?? '')
          ? (req.query.status as VerificationStatus)
          : 'pending';
        const page = Math.min(10_000, Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1));
        const result = await service.listVerifications(deps, status, page);
        if (wantsJson(req)) return reply.header('cache-control', 'private, no-store').send(result);
        const notice = req.query.notice ? NOTICES[req.query.notice] : undefined;
        const ctx = await web.pageContext(req, reply, { flash: notice ? t(notice) : undefined });
        return sendPage(reply, h(AdminVerificationsPage, { ctx, status, list: result }));
      });

      const action = { params: IdParams, querystring: NoQuery, body: ActionBody() };
      const withReason = { params: IdParams, querystring: NoQuery, body: ActionBody({ reason: Opt(2000) }) };
      const done = (req: FastifyRequest, reply: FastifyReply, id: number, status: string, back: string) =>
        wantsJson(req) ? reply.send({ id, status }) : reply.redirect(back, 303);

      staff.post<{ Params: { id: string } }>(
        '/admin/verifications/:id/approve',
        { schema: action },
        async (req, reply) => {
          const id = parseId(req.params.id);
          if (!id) throw notFound();
          await service.approveVerification(deps, requireStaff(req), id, req.ip);
          return done(req, reply, id, 'approved', '/admin/verifications?notice=approved');
        },
      );

      staff.post<ReasonRoute>('/admin/verifications/:id/reject', { schema: withReason }, async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        await service.rejectVerification(deps, requireStaff(req), id, req.body?.reason, req.ip);
        return done(req, reply, id, 'rejected', '/admin/verifications?notice=rejected');
      });

      staff.post<ReasonRoute>('/admin/verifications/:id/revoke', { schema: withReason }, async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        await service.revokeVerification(deps, requireStaff(req), id, req.body?.reason, req.ip);
        return done(req, reply, id, 'revoked', '/admin/verifications?status=approved&notice=revoked');
      });

      // The one response with the unmasked values: rendered for this POST only, never cached, never JSON.
      staff.post<ReasonRoute>('/admin/verifications/:id/reveal', { schema: withReason }, async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const revealed = await service.revealVerification(deps, requireStaff(req), id, req.body?.reason, req.ip);
        const ctx = await web.pageContext(req, reply);
        reply.header('pragma', 'no-cache').header('expires', '0');
        return sendPage(reply, h(RevealPage, { ctx, revealed }));
      });
    });
  };
}

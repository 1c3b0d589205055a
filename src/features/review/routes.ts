import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../errors.ts';
import type { FormState } from '../../web/form-state.ts';
import { parseId, requireStaff } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, IdParams, NoQuery, Opt, PageQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as service from './service.ts';
import { ReviewPage, reviewFormId } from './views/review-page.tsx';

type RejectRoute = { Params: { id: string }; Body: { reason?: string } | null };

/** The operator's queue of documents held as near duplicates. Every route requires a moderator or an admin. */
export function reviewRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    // Encapsulated: guards exactly the routes of this plugin (before the CSRF check, so others get 401/403).
    app.addHook('onRequest', async (req) => {
      requireStaff(req);
    });

    const list = { querystring: PageQuery };
    app.get<{ Querystring: { page?: string } }>('/admin/review', { schema: list }, async (req, reply) => {
      const page = Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1);
      const queue = await service.listReviewQueue(deps, page);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(ReviewPage, { ctx, queue }));
    });

    // A refused decision is the queue again: 驳回's sentence beside its reason with the reason kept, or the sentence
    // alone when the document was decided meanwhile.
    const queuePage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
      const queue = await service.listReviewQueue(deps, 1);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(ReviewPage, { ctx, queue, state }), status);
    };
    const formOf = (id: (documentId: string) => string) => ({
      form: { id: (req: FastifyRequest) => id((req.params as { id: string }).id), render: queuePage },
    });
    const approve = { params: IdParams, querystring: NoQuery, body: ActionBody() };
    const reject = { params: IdParams, querystring: NoQuery, body: ActionBody({ reason: Opt(2000) }) };
    app.post<{ Params: { id: string } }>(
      '/admin/review/:id/approve',
      { schema: approve, config: formOf((id) => `approve-${id}`) },
      async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        await service.approveHeldDocument(deps, requireStaff(req), id, req.ip);
        if ((req.headers.accept ?? '').includes('application/json')) return reply.send({ id, status: 'published' });
        return reply.redirect('/admin/review', 303);
      },
    );

    app.post<RejectRoute>(
      '/admin/review/:id/reject',
      { schema: reject, config: formOf(reviewFormId) },
      async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        await service.rejectHeldDocument(deps, requireStaff(req), id, req.body?.reason, req.ip);
        if ((req.headers.accept ?? '').includes('application/json')) return reply.send({ id, status: 'rejected' });
        return reply.redirect('/admin/review', 303);
      },
    );
  };
}

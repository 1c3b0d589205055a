import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../errors.ts';
import type { FormState } from '../../web/form-state.ts';
import { parseId, requireStaff } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, IdParams, NoQuery, Opt, PageQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as service from './service.ts';
import { PrivacyPage, privacyFormId } from './views/privacy-page.tsx';

type DecisionRoute = { Params: { id: string }; Body: { reason?: string } | null };

/** 隐私待审: documents the PII screen holds, and the three decisions on them. Moderators and admins only. */
export function privacyRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    // Encapsulated: guards exactly the routes of this plugin (before the CSRF check, so others get 401/403 and
    // visitors of the page are sent to the login form).
    app.addHook('onRequest', async (req) => {
      requireStaff(req);
    });

    app.get<{ Querystring: { page?: string } }>(
      '/admin/privacy',
      { schema: { querystring: PageQuery } },
      async (req, reply) => {
        // Clamped: an absurd page number is an empty page, never an out-of-range OFFSET.
        const page = Math.min(100_000, Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1));
        const queue = await service.listPrivacyQueue(deps, page);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(PrivacyPage, { ctx, queue }));
      },
    );

    // A refused decision is the queue again: 驳回's sentence beside its reason with the reason kept, or the sentence
    // alone when the document was decided meanwhile (or 公开 / 打码 was refused).
    const queuePage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
      const queue = await service.listPrivacyQueue(deps, 1);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(PrivacyPage, { ctx, queue, state }), status);
    };
    const schema = { params: IdParams, querystring: NoQuery, body: ActionBody({ reason: Opt(2000) }) };
    for (const decision of service.PRIVACY_DECISIONS) {
      const id = (req: FastifyRequest) => {
        const doc = (req.params as { id: string }).id;
        return decision === 'reject' ? privacyFormId(doc) : `privacy-${decision}-${doc}`;
      };
      app.post<DecisionRoute>(
        `/admin/privacy/:id/${decision}`,
        { schema, config: { form: { id, render: queuePage } } },
        (req, reply) => decide(req, reply, decision),
      );
    }

    async function decide(req: FastifyRequest<DecisionRoute>, reply: FastifyReply, decision: service.PrivacyDecision) {
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      await service.decidePrivacy(deps, requireStaff(req), id, decision, req.body?.reason, req.ip);
      if ((req.headers.accept ?? '').includes('application/json')) return reply.send({ id, decision });
      return reply.redirect('/admin/privacy', 303);
    }
  };
}

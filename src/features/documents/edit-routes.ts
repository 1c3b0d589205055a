import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { FormBody, IdParams, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { type EditInput, editDocument, getEditableDocument } from './edit.ts';
import { EDIT_FORM, EditDocumentPage, valuesOf } from './views/edit-page.tsx';

type EditRoute = { Params: { id: string }; Querystring: { notice?: string }; Body: EditInput };

const showSchema = { params: IdParams, querystring: Query({ notice: Opt(20) }) };
// Caps well above the rules (title 100, description 2000), so the service's own sentences apply.
const saveSchema = {
  params: IdParams,
  querystring: Query({}),
  body: FormBody({
    title: Opt(400),
    description: Opt(4000),
    category: Opt(20),
    price: Opt(20),
    previewMode: Opt(20),
    previewValue: Opt(20),
  }),
};

/** /d/:id/edit: the edit form (GET) and saving it (POST, then back to the form with 已保存). */
export function documentEditRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    async function showForm(
      req: FastifyRequest,
      reply: FastifyReply,
      id: number,
      opts: { state?: FormState; status?: number; saved?: boolean } = {},
    ) {
      const user = req.user!;
      const doc = await getEditableDocument(deps, id, user);
      const ctx = await web.pageContext(req, reply, opts.saved ? { flash: t('edit.saved') } : {});
      const page = h(EditDocumentPage, {
        ctx,
        id,
        values: valuesOf(doc),
        published: doc.status === 'published',
        byStaff: user.id !== Number(doc.owner_id),
        state: opts.state,
      });
      reply.header('cache-control', 'private, no-store');
      return sendPage(reply, page, opts.status ?? 200);
    }

    app.get<EditRoute>('/d/:id/edit', { schema: showSchema }, async (req, reply) => {
      if (!requireUser(req, reply)) return reply;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      return showForm(req, reply, id, { saved: req.query.notice === 'saved' });
    });

    // A refused field comes back in the form (422, or 403 for a price that needs 实名认证), as typed, with the
    // sentence beside it; a document that cannot be edited any more (taken down, deleted) is the error page.
    const form = {
      id: EDIT_FORM,
      render: (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
        const id = parseId((req.params as { id?: string }).id);
        if (!id || !req.user) throw notFound();
        return showForm(req, reply, id, { state, status });
      },
    };
    app.post<EditRoute>('/d/:id/edit', { schema: saveSchema, config: { form } }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const changed = await editDocument(deps, id, user, req.body ?? {}, req.ip);
      if (wantsJson(req)) return reply.send({ id, changed: Object.keys(changed) });
      return reply.redirect(`/d/${id}/edit?notice=saved`, 303);
    });
  };
}

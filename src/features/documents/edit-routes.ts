import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { describeError, wantsJson } from '../../web/error-handler.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { FormBody, IdParams, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { type EditInput, editDocument, getEditableDocument } from './edit.ts';
import { EditDocumentPage, type EditFormValues, valuesOf, valuesPosted } from './views/edit-page.tsx';

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
      opts: { values?: (stored: EditFormValues) => EditFormValues; error?: AppError; saved?: boolean } = {},
    ) {
      const user = req.user!;
      const doc = await getEditableDocument(deps, id, user);
      const stored = valuesOf(doc);
      const ctx = await web.pageContext(req, reply, opts.saved ? { flash: t('edit.saved') } : {});
      const page = h(EditDocumentPage, {
        ctx,
        id,
        values: opts.values ? opts.values(stored) : stored,
        published: doc.status === 'published',
        byStaff: user.id !== Number(doc.owner_id),
        error: opts.error ? describeError(reply, opts.error) : undefined,
      });
      reply.header('cache-control', 'private, no-store');
      return sendPage(reply, page, opts.error?.status ?? 200);
    }

    app.get<EditRoute>('/d/:id/edit', { schema: showSchema }, async (req, reply) => {
      if (!requireUser(req, reply)) return reply;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      return showForm(req, reply, id, { saved: req.query.notice === 'saved' });
    });

    app.post<EditRoute>('/d/:id/edit', { schema: saveSchema }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const input = req.body ?? {};
      try {
        const changed = await editDocument(deps, id, user, input, req.ip);
        if (wantsJson(req)) return reply.send({ id, changed: Object.keys(changed) });
        return reply.redirect(`/d/${id}/edit?notice=saved`, 303);
      } catch (err) {
        // A refused field comes back in the form, as typed, with the sentence; anything else is the error page.
        const refusal = err instanceof AppError && (err.status === 400 || err.status === 403);
        if (!refusal || wantsJson(req)) throw err;
        return showForm(req, reply, id, { error: err as AppError, values: (stored) => valuesPosted(input, stored) });
      }
    });
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { DocumentStatus } from '../../db/schema.ts';
import { badRequest } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState, FormRoute as PageForm } from '../../web/form-state.ts';
import { parseId, requireStaff } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { FormRoute, IdParams, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { userDetailForm } from '../moderation/routes.ts';
import { TAKEDOWN_ALL_FORM } from '../moderation/views/users-pages.tsx';
import { getSiteSettings } from '../site/service.ts';
import {
  BULK_MAX,
  DOCUMENT_STATUSES,
  listDocumentsForStaff,
  type StaffDocumentFilter,
  takeDownAllOfUser,
  takeDownMany,
} from './staff.ts';
import { isTakedownCode, restoreDocument, takeDownDocument } from './takedown.ts';
import { AdminDocumentsPage, BULK_TAKEDOWN_FORM } from './views/admin-documents-page.tsx';

type Body = Record<string, string | undefined>;
type ListQuery = {
  status?: string;
  owner?: string;
  category?: string;
  q?: string;
  page?: string;
  notice?: string;
  n?: string;
  skipped?: string;
};

/** The ids of the checked documents: checkboxes named `d<id>` (one field each; a repeated field is refused). */
function checkedIds(body: Body): number[] {
  const ids: number[] = [];
  for (const key of Object.keys(body)) {
    const m = /^d([1-9]\d{0,15})$/.exec(key);
    if (m && body[key]) ids.push(Number(m[1]));
  }
  return ids;
}

const count = (raw: string | undefined) => Math.max(0, Math.min(1_000_000, Number.parseInt(raw ?? '0', 10) || 0));

/** The list's filter and page from its query string (the address, or the `list` field its forms carry). */
function listView(query: ListQuery): { filter: StaffDocumentFilter; page: number } {
  const status = (DOCUMENT_STATUSES as readonly string[]).includes(query.status ?? '')
    ? (query.status as DocumentStatus)
    : undefined;
  const filter = {
    status,
    ownerId: parseId(query.owner),
    categoryId: parseId(query.category),
    q: query.q?.trim() || undefined,
  };
  return { filter, page: Number.parseInt(query.page ?? '1', 10) || 1 };
}

/** /admin/documents: the filtered list, bulk and single takedown, restore; and a banned user's 下架全部. */
export function documentStaffRoutes(web: WebContext) {
  const { deps } = web;

  /**
   * A form of /admin/documents (bulk 下架, restore, a single takedown): a refusal is the list again — as it was,
   * from the `list` field the form carries — with the sentence in that form, or alone when the form is not shown.
   */
  const listForm = (id: PageForm['id']): { form: PageForm } => ({
    form: {
      id,
      render: async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
        const actor = requireStaff(req);
        const query = Object.fromEntries(new URLSearchParams(state.values.list ?? '')) as ListQuery;
        const { filter, page } = listView(query);
        const [list, site, ctx] = await Promise.all([
          listDocumentsForStaff(deps, actor, filter, page),
          getSiteSettings(deps),
          web.pageContext(req, reply),
        ]);
        reply.header('cache-control', 'private, no-store');
        return sendPage(
          reply,
          h(AdminDocumentsPage, { ctx, list, filter, categories: site.categories, state }),
          status,
        );
      },
    },
  });
  const rowForm = (action: string) => listForm((req) => `${action}-${(req.params as { id: string }).id}`);

  return async (app: FastifyInstance) => {
    const listSchema = {
      querystring: Query({
        status: Opt(20),
        owner: Opt(20),
        category: Opt(20),
        q: Opt(200),
        page: Opt(20),
        notice: Opt(20),
        n: Opt(20),
        skipped: Opt(20),
      }),
    };
    app.get<{ Querystring: ListQuery }>('/admin/documents', { schema: listSchema }, async (req, reply) => {
      const actor = requireStaff(req);
      const { query } = req;
      const { filter, page } = listView(query);
      const list = await listDocumentsForStaff(deps, actor, filter, page);
      reply.header('cache-control', 'private, no-store');
      if (wantsJson(req)) return reply.send(list);
      const flash =
        query.notice === 'takedown'
          ? t('docs.admin.done.takedown', { n: count(query.n), skipped: count(query.skipped) })
          : query.notice === 'restore'
            ? t('docs.admin.done.restore')
            : undefined;
      const [ctx, site] = await Promise.all([web.pageContext(req, reply, { flash }), getSiteSettings(deps)]);
      return sendPage(reply, h(AdminDocumentsPage, { ctx, list, filter, categories: site.categories }));
    });

    app.post<{ Body: Body }>(
      '/admin/documents/takedown',
      { schema: FormRoute({ code: Opt(20), note: Opt(2000), list: Opt(500) }), config: listForm(BULK_TAKEDOWN_FORM) },
      async (req, reply) => {
        const actor = requireStaff(req);
        const code = req.body.code;
        if (!isTakedownCode(code)) throw badRequest('takedown.codeRequired').on('code');
        const ids = checkedIds(req.body);
        if (ids.length === 0 || ids.length > BULK_MAX) throw badRequest('takedown.noneSelected');
        const r = await takeDownMany(deps, actor, { documentIds: ids, code, note: req.body.note, ip: req.ip });
        if (wantsJson(req)) return reply.send(r);
        return reply.redirect(`/admin/documents?notice=takedown&n=${r.taken.length}&skipped=${r.skipped.length}`, 303);
      },
    );

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/documents/:id/takedown',
      {
        schema: { ...FormRoute({ code: Opt(20), note: Opt(2000), list: Opt(500) }), params: IdParams },
        config: rowForm('takedown'),
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        const code = req.body.code;
        if (!isTakedownCode(code)) throw badRequest('takedown.codeRequired').on('code');
        const documentId = Number(req.params.id);
        await takeDownDocument(deps, actor, { documentId, code, note: req.body.note, ip: req.ip });
        if (wantsJson(req)) return reply.send({ ok: true });
        return reply.redirect('/admin/documents?notice=takedown&n=1&skipped=0', 303);
      },
    );

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/documents/:id/restore',
      { schema: { ...FormRoute({ note: Opt(2000), list: Opt(500) }), params: IdParams }, config: rowForm('restore') },
      async (req, reply) => {
        const actor = requireStaff(req);
        const documentId = Number(req.params.id);
        await restoreDocument(deps, actor, { documentId, note: req.body.note, ip: req.ip });
        if (wantsJson(req)) return reply.send({ ok: true });
        return reply.redirect('/admin/documents?notice=restore', 303);
      },
    );

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/users/:id/takedown-all',
      {
        schema: { ...FormRoute({ note: Opt(2000) }), params: IdParams },
        config: userDetailForm(web, TAKEDOWN_ALL_FORM),
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        const userId = Number(req.params.id);
        const r = await takeDownAllOfUser(deps, actor, { userId, note: req.body.note, ip: req.ip });
        if (wantsJson(req)) return reply.send(r);
        return reply.redirect(
          `/admin/documents?owner=${userId}&notice=takedown&n=${r.taken.length}&skipped=${r.skipped.length}`,
          303,
        );
      },
    );
  };
}

import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { h } from 'preact';
import { AppError, badRequest, notFound, onField } from '../../errors.ts';
import { blobKey } from '../../storage/blob-store.ts';
import type { FormRoute as FormOf, FormState } from '../../web/form-state.ts';
import { parseId, requireAdmin } from '../../web/guards.ts';
import { readFirstFile } from '../../web/multipart.ts';
import { sendPage } from '../../web/render.ts';
import { FormRoute, IdParams, MultipartBody, MultipartQuery, NoQuery, Opt } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { countReviewQueue } from '../review/service.ts';
import { addCategory, editCategory, getSiteSettings, updateSiteSettings } from '../site/service.ts';
import { getDashboard } from './dashboard.ts';
import * as service from './service.ts';
import { AdminPage } from './views/admin-page.tsx';
import { DashboardPage } from './views/dashboard-page.tsx';

type Body = Record<string, string | undefined>;
type IdBodyRoute = { Params: { id: string }; Body: Body };
const int = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
const settingsSchema = FormRoute({
  previewMode: Opt(20),
  previewValue: Opt(20),
  previewMaxPercent: Opt(20),
  minChars: Opt(20),
  serviceText: Opt(5000),
  serviceWechat: Opt(1000),
});
const documentPreviewSchema = FormRoute({ documentId: Opt(20), mode: Opt(20), value: Opt(20) });
const categorySchema = FormRoute({ slug: Opt(200), name: Opt(200), sortOrder: Opt(20) });
const editCategorySchema = { ...FormRoute({ name: Opt(200), sortOrder: Opt(20) }), params: IdParams };
const badgesSchema = { ...FormRoute({ provider: Opt(20) }), params: IdParams };

/** The operator console. Every route requires an admin. */
export function adminRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    // Hooks are encapsulated: this one guards exactly the routes registered in this plugin.
    app.addHook('onRequest', async (req) => {
      requireAdmin(req);
    });

    // The console, first shown or with one of its forms refused (FormState says which, with what was typed).
    const adminPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const [site, reports, users, heldForReview] = await Promise.all([
        getSiteSettings(deps),
        service.listOpenReports(deps),
        service.listRecentUsers(deps),
        countReviewQueue(deps),
      ]);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(AdminPage, { ctx, site, reports, users, heldForReview, state }), status);
    };
    const form = (id: FormOf['id']) => ({ form: { id, render: adminPage } });

    app.get('/admin', { schema: { querystring: NoQuery } }, async (req, reply) => adminPage(req, reply));

    app.get('/admin/dashboard', { schema: { querystring: NoQuery } }, async (req, reply) => {
      const dashboard = await getDashboard(deps);
      reply.header('cache-control', 'private, no-store');
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(DashboardPage, { ctx, dashboard }));
    });

    app.post<{ Body: Body }>(
      '/admin/settings',
      { schema: settingsSchema, config: form('settings') },
      async (req, reply) => {
        const b = req.body;
        await updateSiteSettings(deps, {
          previewMode: b.previewMode as 'pages' | 'percent' | undefined,
          previewValue: int(b.previewValue),
          previewMaxPercent: int(b.previewMaxPercent),
          minChars: int(b.minChars),
          serviceText: b.serviceText,
          serviceWechat: b.serviceWechat,
        });
        return reply.redirect('/admin', 303);
      },
    );

    const qrSchema = { querystring: MultipartQuery, body: MultipartBody };
    const qrConfig = { csrf: 'multipart' as const, ...form('service-qr') };
    app.post('/admin/service-qr', { schema: qrSchema, config: qrConfig }, async (req, reply) => {
      const buf = await onField('file', () => readFirstFile(req, 1024 * 1024));
      if (!buf) throw badRequest('upload.noFile').on('file');
      const type = await fileTypeFromBuffer(buf);
      if (!type || !['image/png', 'image/jpeg', 'image/webp'].includes(type.mime)) {
        throw badRequest('admin.qrInvalid').on('file');
      }
      const key = blobKey('site', createHash('sha256').update(buf).digest('hex'));
      const tmp = deps.blobs.tempPath('qr');
      await writeFile(tmp, buf);
      await deps.blobs.putFile(tmp, key);
      await updateSiteSettings(deps, { serviceQrKey: key });
      return reply.redirect('/admin', 303);
    });

    const previewRoute = { schema: documentPreviewSchema, config: form('doc-preview') };
    app.post<{ Body: Body }>('/admin/document-preview', previewRoute, async (req, reply) => {
      const id = parseId(req.body.documentId);
      if (!id) throw badRequest('admin.documentUnknown').on('documentId');
      const mode = req.body.mode;
      try {
        await service.setDocumentPreview(
          deps,
          id,
          mode === 'pages' || mode === 'percent' ? { mode, value: Number(req.body.value) } : null,
        );
      } catch (err) {
        // A document that is not there is this form's mistake, said beside its field (not a 404 page).
        if (err instanceof AppError && err.status === 404) throw badRequest('admin.documentUnknown').on('documentId');
        throw err instanceof AppError && !err.field ? err.on('value') : err;
      }
      return reply.redirect(`/d/${id}`, 303);
    });

    app.post<{ Body: Body }>(
      '/admin/categories',
      { schema: categorySchema, config: form('category-new') },
      async (req, reply) => {
        await addCategory(deps, {
          slug: req.body.slug ?? '',
          name: req.body.name ?? '',
          sortOrder: int(req.body.sortOrder) ?? 100,
        });
        return reply.redirect('/admin', 303);
      },
    );

    const categoryForm = form((req) => `category-${(req.params as { id?: string } | undefined)?.id ?? ''}`);
    app.post<IdBodyRoute>(
      '/admin/categories/:id',
      { schema: editCategorySchema, config: categoryForm },
      async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        await editCategory(deps, id, { name: req.body.name ?? '', sortOrder: int(req.body.sortOrder) ?? 0 });
        return reply.redirect('/admin', 303);
      },
    );

    // One form per user row (badges-<id>): the checkbox sends `1` or nothing; anything else is refused beside it.
    const badgesForm = form((req) => `badges-${(req.params as { id: string }).id}`);
    app.post<IdBodyRoute>(
      '/admin/users/:id/badges',
      { schema: badgesSchema, config: badgesForm },
      async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const provider = req.body.provider;
        if (provider !== undefined && provider !== '1') throw badRequest('admin.badgesInvalid').on('provider');
        await service.setUserBadges(deps, id, { provider: provider === '1' });
        return reply.redirect('/admin', 303);
      },
    );
  };
}

import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { badRequest, tooLarge } from '../../errors.ts';
import { formatBytes } from '../../web/format.ts';
import { requireAdmin } from '../../web/guards.ts';
import { multipartParts } from '../../web/multipart.ts';
import { sendPage } from '../../web/render.ts';
import { FormRoute, MultipartBody, MultipartQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { getMarkSettings, saveMarkSettings } from './service.ts';
import { type TraceResult, traceFile } from './trace.ts';
import { TracePage } from './views/trace-page.tsx';

const settingsSchema = FormRoute({ visible: Opt(2), required: Opt(2) });

/** 下载溯源 (admins): trace an uploaded file, and the two mark switches. */
export function watermarkRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', async (req) => {
      requireAdmin(req);
    });

    app.get<{ Querystring: { saved?: string } }>(
      '/admin/trace',
      { schema: { querystring: Query({ saved: Opt(2) }) } },
      async (req, reply) => {
        const settings = await getMarkSettings(deps);
        reply.header('cache-control', 'private, no-store');
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(TracePage, { ctx, settings, saved: req.query.saved === '1' }));
      },
    );

    // The upload goes to a temp file (capped like an upload), is traced, and is removed whatever happens.
    app.post('/admin/trace', { schema: { querystring: MultipartQuery, body: MultipartBody } }, async (req, reply) => {
      const max = deps.config.upload.maxBytes;
      const tmp = deps.blobs.tempPath('trace');
      let result: TraceResult | undefined;
      try {
        for await (const part of multipartParts(req, { fileSize: max })) {
          if (part.type !== 'file' || result) continue;
          await pipeline(part.stream, createWriteStream(tmp));
          if (part.stream.truncated) throw tooLarge({ max: formatBytes(max) });
          try {
            result = await traceFile(deps, tmp);
          } catch (err) {
            throw badRequest('watermark.unreadable', { reason: err instanceof Error ? err.message : String(err) });
          }
        }
      } finally {
        await rm(tmp, { force: true });
      }
      if (!result) throw badRequest('upload.noFile');
      if ((req.headers.accept ?? '').includes('application/json')) return reply.send(result);
      const settings = await getMarkSettings(deps);
      reply.header('cache-control', 'private, no-store');
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(TracePage, { ctx, settings, result }));
    });

    app.post<{ Body: { visible?: string; required?: string } }>(
      '/admin/trace/settings',
      { schema: settingsSchema },
      async (req, reply) => {
        await saveMarkSettings(deps, { visible: req.body.visible === '1', required: req.body.required === '1' });
        return reply.redirect('/admin/trace?saved=1', 303);
      },
    );
  };
}

import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { ConversionError } from '../../convert/types.ts';
import { badRequest, tooLarge } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import type { FormState } from '../../web/form-state.ts';
import { formatBytes } from '../../web/format.ts';
import { requireAdmin } from '../../web/guards.ts';
import { multipartParts } from '../../web/multipart.ts';
import { sendPage } from '../../web/render.ts';
import { FormRoute, MultipartBody, MultipartQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { getMarkSettings, saveMarkSettings } from './service.ts';
import { type TraceResult, traceFile } from './trace.ts';
import { TRACE_FORM, TracePage } from './views/trace-page.tsx';

const settingsSchema = FormRoute({ visible: Opt(2), required: Opt(2) });

/** 下载溯源 (admins): trace an uploaded file, and the two mark switches. */
export function watermarkRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', async (req) => {
      requireAdmin(req);
    });

    // The page, first shown, with a trace's result, or with the refused upload (FormState).
    const tracePage = async (
      req: FastifyRequest,
      reply: FastifyReply,
      state?: FormState,
      status = 200,
      result?: TraceResult,
    ) => {
      const settings = await getMarkSettings(deps);
      reply.header('cache-control', 'private, no-store');
      const ctx = await web.pageContext(req, reply);
      const saved = !state && !result && (req.query as { saved?: string } | undefined)?.saved === '1';
      return sendPage(reply, h(TracePage, { ctx, settings, saved, result, state }), status);
    };

    app.get<{ Querystring: { saved?: string } }>(
      '/admin/trace',
      { schema: { querystring: Query({ saved: Opt(2) }) } },
      async (req, reply) => tracePage(req, reply),
    );

    // The upload goes to a temp file (capped like an upload), is traced, and is removed whatever happens.
    // Multipart: the token is the body's first field; a refusal is the page again with the reason beside the file.
    const traceRoute = {
      schema: { querystring: MultipartQuery, body: MultipartBody },
      config: { csrf: 'multipart' as const, form: { id: TRACE_FORM, render: tracePage } },
    };
    app.post('/admin/trace', traceRoute, async (req, reply) => {
      const max = deps.config.upload.maxBytes;
      const tmp = deps.blobs.tempPath('trace');
      let result: TraceResult | undefined;
      try {
        for await (const part of multipartParts(req, { fileSize: max })) {
          if (part.type !== 'file' || result) continue;
          await pipeline(part.stream, createWriteStream(tmp));
          if (part.stream.truncated) throw tooLarge({ max: formatBytes(max) }).on('file');
          try {
            result = await traceFile(deps, tmp);
          } catch (err) {
            // A conversion error (the PDF reader's caps, a corrupt or encrypted file) reads as its zh-CN message.
            const reason =
              err instanceof ConversionError
                ? t(err.messageKey, err.params)
                : err instanceof Error
                  ? err.message
                  : String(err);
            throw badRequest('watermark.unreadable', { reason }).on('file');
          }
        }
      } finally {
        await rm(tmp, { force: true });
      }
      if (!result) throw badRequest('upload.noFile').on('file');
      if ((req.headers.accept ?? '').includes('application/json')) return reply.send(result);
      return tracePage(req, reply, undefined, 200, result);
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

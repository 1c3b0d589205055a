import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError, notFound } from '../../errors.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { describeError, wantsJson } from '../../web/error-handler.ts';
import { formatBytes } from '../../web/format.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { multipartParts } from '../../web/multipart.ts';
import { sendPage } from '../../web/render.ts';
import { IdParams, MultipartBody, MultipartQuery, NoQuery, PageQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { SCREENSHOT_MAX_BYTES } from './screenshot.ts';
import * as service from './service.ts';
import { ConversationPage, SupportPage } from './views/support-pages.tsx';

type Form = { subject: string; body: string; image: Buffer | undefined };

/**
 * The fields of a support form and its optional screenshot, read from the multipart body. The file is read into
 * memory up to its cap (413 beyond it); an empty file part (no file chosen) is no screenshot.
 */
async function readForm(req: FastifyRequest, draft: Partial<Form>): Promise<Form> {
  for await (const part of multipartParts(req, { fileSize: SCREENSHOT_MAX_BYTES })) {
    if (part.type === 'field') {
      if (part.name === 'subject' && draft.subject === undefined) draft.subject = part.value;
      if (part.name === 'body' && draft.body === undefined) draft.body = part.value;
      continue;
    }
    if (part.name !== 'screenshot' || draft.image) {
      part.stream.resume();
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of part.stream) chunks.push(chunk as Buffer);
    if (part.stream.truncated)
      throw new AppError(413, 'too_large', 'support.screenshotTooLarge', { max: formatBytes(SCREENSHOT_MAX_BYTES) });
    const bytes = Buffer.concat(chunks);
    if (bytes.length > 0) draft.image = bytes;
  }
  return { subject: draft.subject ?? '', body: draft.body ?? '', image: draft.image };
}

/** A refusal comes back on the form, with the text typed (never the file) when it is of a sensible size. */
const keep = (s: string | undefined) => (s !== undefined && s.length <= service.BODY_MAX ? s : undefined);
const refusable = (err: unknown, req: FastifyRequest): err is AppError =>
  err instanceof AppError && err.status < 500 && !wantsJson(req);
const pageOf = (raw: string | undefined) => Math.min(10_000, Math.max(1, Number.parseInt(raw ?? '1', 10) || 1));

/** /support: the user's conversations with the operators, and the screenshots in them. */
export function supportRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    async function showList(
      req: FastifyRequest,
      reply: FastifyReply,
      opts: { page?: number; error?: AppError; draft?: Partial<Form> } = {},
    ) {
      const list = await service.listMyConversations(deps, req.user!, opts.page ?? 1);
      const ctx = await web.pageContext(req, reply);
      const error = opts.error ? describeError(reply, opts.error) : undefined;
      const draft = { subject: keep(opts.draft?.subject), body: keep(opts.draft?.body) };
      return sendPage(reply, h(SupportPage, { ctx, list, error, draft }), opts.error?.status ?? 200);
    }

    app.get<{ Querystring: { page?: string } }>(
      '/support',
      { schema: { querystring: PageQuery } },
      async (req, reply) => {
        if (!requireUser(req, reply)) return reply;
        return showList(req, reply, { page: pageOf(req.query.page) });
      },
    );

    const multipart = { schema: { querystring: MultipartQuery, body: MultipartBody } };
    app.post('/support', multipart, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const draft: Partial<Form> = {};
      try {
        const form = await readForm(req, draft);
        const id = await service.openConversation(deps, user, form);
        if (wantsJson(req)) return reply.status(201).send({ id });
        return reply.redirect(`/support/${id}`, 303);
      } catch (err) {
        if (!refusable(err, req)) throw err;
        return showList(req, reply, { error: err, draft });
      }
    });

    app.get<{ Params: { id: string } }>(
      '/support/:id',
      { schema: { params: IdParams, querystring: NoQuery } },
      async (req, reply) => {
        const user = requireUser(req, reply);
        if (!user) return reply;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const view = await service.getConversation(deps, user, id);
        if (wantsJson(req)) return reply.header('cache-control', 'private, no-store').send(view);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(ConversationPage, { ctx, view }));
      },
    );

    app.post<{ Params: { id: string } }>(
      '/support/:id',
      { schema: { ...multipart.schema, params: IdParams } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const draft: Partial<Form> = {};
        try {
          const form = await readForm(req, draft);
          await service.addUserMessage(deps, user, id, form);
          if (wantsJson(req)) return reply.status(201).send({ ok: true });
          return reply.redirect(`/support/${id}`, 303);
        } catch (err) {
          if (!refusable(err, req)) throw err;
          // Not the user's conversation: the 404 page, as for any other id.
          const view = await service.getConversation(deps, user, id);
          const ctx = await web.pageContext(req, reply);
          const error = describeError(reply, err);
          return sendPage(
            reply,
            h(ConversationPage, { ctx, view, error, draft: { body: keep(draft.body) } }),
            err.status,
          );
        }
      },
    );

    // Screenshots: the conversation's owner and staff only; anyone else (and visitors) get a 404.
    app.get<{ Params: { id: string } }>(
      '/support/images/:id',
      { schema: { params: IdParams, querystring: NoQuery } },
      async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id || !req.user) throw notFound();
        const key = parseBlobKey(await service.getScreenshotKey(deps, req.user, id));
        const size = await deps.blobs.size(key);
        if (size === undefined) throw notFound();
        return reply
          .type('image/webp')
          .header('content-length', String(size))
          .header('x-content-type-options', 'nosniff')
          .header('content-disposition', 'inline')
          .header('cache-control', 'private, max-age=3600')
          .send(deps.blobs.read(key));
      },
    );
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError, notFound } from '../../errors.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { formatBytes } from '../../web/format.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { multipartParts, readPartBytes } from '../../web/multipart.ts';
import { sendPage } from '../../web/render.ts';
import { IdParams, MultipartBody, MultipartQuery, NoQuery, PageQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { SCREENSHOT_MAX_BYTES } from './screenshot.ts';
import * as service from './service.ts';
import { SUPPORT_FORM, SUPPORT_REPLY_FORM } from './views/messages.tsx';
import { ConversationPage, SupportPage } from './views/support-pages.tsx';

type Form = { subject: string; body: string; image: Buffer | undefined };

/**
 * The fields of a support form and its optional screenshot, read from the multipart body. The file is read into
 * memory up to its cap (413 beyond it); an empty file part (no file chosen) is no screenshot.
 */
async function readForm(req: FastifyRequest): Promise<Form> {
  const draft: Partial<Form> = {};
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
    const bytes = await readPartBytes(part.stream, () =>
      new AppError(413, 'too_large', 'support.screenshotTooLarge', { max: formatBytes(SCREENSHOT_MAX_BYTES) }).on(
        'screenshot',
      ),
    );
    if (bytes.length > 0) draft.image = bytes;
  }
  return { subject: draft.subject ?? '', body: draft.body ?? '', image: draft.image };
}

const pageOf = (raw: string | undefined) => Math.min(10_000, Math.max(1, Number.parseInt(raw ?? '1', 10) || 1));

/** /support: the user's conversations with the operators, and the screenshots in them. */
export function supportRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    // The list with the new-conversation form, first shown or after a refused submit (what was typed comes back).
    async function showList(req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) {
      const page = state ? 1 : pageOf((req.query as { page?: string } | undefined)?.page);
      const list = await service.listMyConversations(deps, req.user!, page);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(SupportPage, { ctx, list, state }), status);
    }

    app.get<{ Querystring: { page?: string } }>(
      '/support',
      { schema: { querystring: PageQuery } },
      async (req, reply) => {
        if (!requireUser(req, reply)) return reply;
        return showList(req, reply);
      },
    );

    // Multipart (the screenshot): the CSRF token is the body's first field; a refusal is the form again.
    const multipart = { schema: { querystring: MultipartQuery, body: MultipartBody } };
    const newForm = { csrf: 'multipart' as const, form: { id: SUPPORT_FORM, render: showList } };
    app.post('/support', { ...multipart, config: newForm }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = await service.openConversation(deps, user, await readForm(req));
      if (wantsJson(req)) return reply.status(201).send({ id });
      return reply.redirect(`/support/${id}`, 303);
    });

    // A conversation with the follow-up form, first shown or after a refused follow-up.
    async function showConversation(req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) {
      const id = parseId((req.params as { id?: string }).id);
      if (!id) throw notFound();
      // Not the user's conversation: the 404 page, as for any other id.
      const view = await service.getConversation(deps, req.user!, id);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(ConversationPage, { ctx, view, state }), status);
    }

    app.get<{ Params: { id: string } }>(
      '/support/:id',
      { schema: { params: IdParams, querystring: NoQuery } },
      async (req, reply) => {
        const user = requireUser(req, reply);
        if (!user) return reply;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        if (!wantsJson(req)) return showConversation(req, reply);
        const view = await service.getConversation(deps, user, id);
        return reply.header('cache-control', 'private, no-store').send(view);
      },
    );

    const replyForm = { csrf: 'multipart' as const, form: { id: SUPPORT_REPLY_FORM, render: showConversation } };
    app.post<{ Params: { id: string } }>(
      '/support/:id',
      { schema: { ...multipart.schema, params: IdParams }, config: replyForm },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        await service.addUserMessage(deps, user, id, await readForm(req));
        if (wantsJson(req)) return reply.status(201).send({ ok: true });
        return reply.redirect(`/support/${id}`, 303);
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

import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound, onField } from '../../errors.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { parseId, requireStaff, requireUser, safeNext } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormBody, IdParam, IdParams, Next, NoQuery, Opt, PageQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { setCommentHidden } from './moderation.ts';
import { commentThreadOf, deleteComment, getCommentsPage, getCommentThread, postComment } from './service.ts';
import { commentActionFormId, commentFormId } from './views/comment-items.tsx';
import { CommentsPage, ThreadPage } from './views/comments-page.tsx';

type PostRoute = { Params: { id: string }; Body: { body?: string; replyTo?: string } };
type ActionRoute = { Params: { id: string }; Body: { next?: string; reason?: string } | null };

const pageOf = (raw: string | undefined) => Math.min(10_000, Math.max(1, Number.parseInt(raw ?? '1', 10) || 1));
/** Back to where the button was pressed, at the comments. */
const back = (next: string | undefined, documentId: number) => {
  const to = safeNext(next, `/d/${documentId}`);
  return to.includes('#') ? to : `${to}#comments`;
};

/** Comments on documents: the comments pages, posting, deleting one's own, staff hiding and unhiding. */
export function commentRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string }; Querystring: { page?: string } }>(
      '/d/:id/comments',
      { schema: { params: IdParams, querystring: PageQuery } },
      async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const { doc, section } = await getCommentsPage(deps, id, req.user, pageOf(req.query.page));
        if (wantsJson(req)) return reply.header('cache-control', 'private, no-store').send(section);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(CommentsPage, { ctx, doc, section }));
      },
    );

    app.get<{ Params: { id: string; thread: string }; Querystring: { page?: string } }>(
      '/d/:id/comments/:thread',
      { schema: { params: Type.Object({ id: IdParam, thread: IdParam }), querystring: PageQuery } },
      async (req, reply) => {
        const documentId = parseId(req.params.id);
        const threadId = parseId(req.params.thread);
        if (!documentId || !threadId) throw notFound();
        const page = pageOf(req.query.page);
        const view = await getCommentThread(deps, { documentId, threadId, page }, req.user);
        if (wantsJson(req)) return reply.header('cache-control', 'private, no-store').send(view);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(ThreadPage, { ctx, ...view }));
      },
    );

    // The cap sits far above the 2000 characters allowed, so an over-long comment gets the service's own sentence.
    const post = { params: IdParams, querystring: NoQuery, body: FormBody({ body: Opt(300_000), replyTo: Opt(20) }) };
    // A refused post comes back on the comments page with the sentence and the text typed (in the form it came from).
    // The document itself may be the problem (not published): then the error page says so.
    const commentsPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const id = parseId((req.params as { id?: string }).id);
      if (!id) throw notFound();
      const { doc, section } = await getCommentsPage(deps, id, req.user, 1);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(CommentsPage, { ctx, doc, section, state }), status);
    };
    const postForm = {
      id: (req: FastifyRequest) => {
        const replyTo = parseId((req.body as { replyTo?: string } | undefined)?.replyTo);
        return commentFormId(replyTo ?? undefined);
      },
      render: commentsPage,
    };
    app.post<PostRoute>('/d/:id/comments', { schema: post, config: { form: postForm } }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const documentId = parseId(req.params.id);
      if (!documentId) throw notFound();
      const replyTo = req.body.replyTo ? parseId(req.body.replyTo) : undefined;
      if (req.body.replyTo && !replyTo) throw notFound('comment.notFound');
      const posted = postComment(deps, user, { documentId, body: req.body.body ?? '', replyTo });
      const { id, threadId } = await onField('body', () => posted);
      if (wantsJson(req)) return reply.status(201).send({ id, threadId });
      const to = threadId === id ? `/d/${documentId}#comment-${id}` : `/d/${documentId}/comments/${threadId}`;
      return reply.redirect(threadId === id ? to : `${to}#comment-${id}`, 303);
    });

    // A refused 删除, 隐藏 or 取消隐藏 is the comment's thread again: the sentence beside the hiding reason, or alone
    // when the comment changed meanwhile (hidden or shown by someone else) and its form is gone.
    const threadPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
      const id = parseId((req.params as { id?: string }).id);
      if (!id) throw notFound();
      const { documentId, threadId } = await commentThreadOf(deps, id);
      const view = await getCommentThread(deps, { documentId, threadId, page: 1 }, req.user);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(ThreadPage, { ctx, ...view, state }), status);
    };
    const actionForm = (kind: 'delete' | 'hide' | 'unhide') => ({
      form: {
        id: (req: FastifyRequest) => commentActionFormId(kind, Number((req.params as { id: string }).id)),
        render: threadPage,
      },
    });

    const action = { params: IdParams, querystring: NoQuery, body: ActionBody({ next: Next }) };
    app.post<ActionRoute>(
      '/comments/:id/delete',
      { schema: action, config: actionForm('delete') },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const { documentId } = await deleteComment(deps, user, id);
        if (wantsJson(req)) return reply.send({ id, status: 'deleted' });
        return reply.redirect(back(req.body?.next, documentId), 303);
      },
    );

    const moderate = { params: IdParams, querystring: NoQuery, body: ActionBody({ next: Next, reason: Opt(2000) }) };
    for (const hidden of [true, false]) {
      app.post<ActionRoute>(
        hidden ? '/comments/:id/hide' : '/comments/:id/unhide',
        { schema: moderate, config: actionForm(hidden ? 'hide' : 'unhide') },
        async (req, reply) => {
          const actor = requireStaff(req);
          const id = parseId(req.params.id);
          if (!id) throw notFound();
          const input = { commentId: id, hidden, reason: req.body?.reason ?? '', ip: req.ip };
          const { documentId } = await setCommentHidden(deps, actor, input);
          if (wantsJson(req)) return reply.send({ id, hidden });
          return reply.redirect(back(req.body?.next, documentId), 303);
        },
      );
    }
  };
}

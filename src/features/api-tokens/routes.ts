import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormRoute, IdParams, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './service.ts';
import { TOKEN_FORM, TokensPage } from './views/tokens-page.tsx';

type CreateBody = { name?: string; read?: string; upload?: string; expiry?: string };

const createSchema = FormRoute({ name: Opt(200), read: Opt(10), upload: Opt(10), expiry: Opt(20) });
const revokeSchema = { params: IdParams, querystring: NoQuery, body: ActionBody() };

/**
 * API 令牌 at /settings/tokens: create (the secret shown once, in the response to the form) and revoke. Cookie
 * sessions only, with CSRF: none of these routes opens to API tokens, so a token can never mint or revoke tokens.
 */
export function apiTokenRoutes(web: WebContext) {
  const { deps } = web;
  // Creation is capped by the live-token limit; this only slows a create/revoke loop from one address.
  const createLimit = { rateLimit: { max: web.limits.authPerMinute, timeWindow: '1 minute' } };
  return async (app: FastifyInstance) => {
    // The page, first shown, with the token just created (201), or with the refused create form (FormState).
    const tokensPage = async (
      req: FastifyRequest,
      reply: FastifyReply,
      state?: FormState,
      status = 200,
      created?: { name: string; token: string },
    ) => {
      const notice = state || created ? undefined : (req.query as { notice?: string } | undefined)?.notice;
      const ctx = await web.pageContext(req, reply, {
        flash: notice === 'revoked' ? t('apiTokens.revoked') : undefined,
      });
      reply.header('cache-control', 'private, no-store');
      const tokens = await listApiTokens(deps, req.user!.id);
      return sendPage(reply, h(TokensPage, { ctx, tokens, created, state }), status);
    };

    app.get<{ Querystring: { notice?: string } }>(
      '/settings/tokens',
      { schema: { querystring: Query({ notice: Opt(20) }) } },
      async (req, reply) => {
        if (!requireUser(req, reply)) return reply;
        return tokensPage(req, reply);
      },
    );

    const createConfig = { ...createLimit, form: { id: TOKEN_FORM, render: tokensPage } };
    app.post<{ Body: CreateBody }>(
      '/settings/tokens',
      { schema: createSchema, config: createConfig },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const body = req.body ?? {};
        const form = { name: body.name ?? '', expiry: body.expiry ?? '' };
        const scopes = [...(body.read === '1' ? ['read'] : []), ...(body.upload === '1' ? ['upload'] : [])];
        // The secret is in this response only: never cached, never stored anywhere but as a hash.
        const created = await createApiToken(deps, user, { ...form, scopes }, { ip: req.ip });
        return tokensPage(req, reply, undefined, 201, created);
      },
    );

    app.post<{ Params: { id: string } }>(
      '/settings/tokens/:id/revoke',
      { schema: revokeSchema },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw new AppError(404, 'not_found', 'error.notFound');
        await revokeApiToken(deps, user, id, { ip: req.ip });
        if (wantsJson(req)) return reply.send({ id, revoked: true });
        return reply.redirect('/settings/tokens?notice=revoked', 303);
      },
    );
  };
}

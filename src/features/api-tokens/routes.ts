import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { describeError, wantsJson } from '../../web/error-handler.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormRoute, IdParams, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './service.ts';
import { TokensPage } from './views/tokens-page.tsx';

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
    app.get<{ Querystring: { notice?: string } }>(
      '/settings/tokens',
      { schema: { querystring: Query({ notice: Opt(20) }) } },
      async (req, reply) => {
        const user = requireUser(req, reply);
        if (!user) return reply;
        const flash = req.query.notice === 'revoked' ? t('apiTokens.revoked') : undefined;
        const ctx = await web.pageContext(req, reply, { flash });
        reply.header('cache-control', 'private, no-store');
        return sendPage(reply, h(TokensPage, { ctx, tokens: await listApiTokens(deps, user.id) }));
      },
    );

    app.post<{ Body: CreateBody }>(
      '/settings/tokens',
      { schema: createSchema, config: createLimit },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const body = req.body ?? {};
        const form = {
          name: body.name ?? '',
          read: body.read === '1',
          upload: body.upload === '1',
          expiry: body.expiry ?? '',
        };
        const scopes = [...(form.read ? ['read'] : []), ...(form.upload ? ['upload'] : [])];
        // The secret is in this response only: never cached, never stored anywhere but as a hash.
        reply.header('cache-control', 'private, no-store');
        try {
          const created = await createApiToken(deps, user, { ...form, scopes }, { ip: req.ip });
          const ctx = await web.pageContext(req, reply);
          const tokens = await listApiTokens(deps, user.id);
          return sendPage(reply, h(TokensPage, { ctx, tokens, created }), 201);
        } catch (err) {
          if (!(err instanceof AppError) || err.status >= 500 || wantsJson(req)) throw err;
          const ctx = await web.pageContext(req, reply);
          const tokens = await listApiTokens(deps, user.id);
          const error = describeError(reply, err);
          return sendPage(reply, h(TokensPage, { ctx, tokens, error, form }), err.status);
        }
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

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { unreadCount } from '../features/notifications/service.ts';
import { getSiteSettings } from '../features/site/service.ts';
import type { PageContext } from './context.ts';

/** Builds the PageContext for a request. `forms` forces a CSRF token even for an anonymous visitor. */
export type PageContextFactory = (
  req: FastifyRequest,
  reply: FastifyReply,
  opts?: { forms?: boolean; flash?: string },
) => Promise<PageContext>;

/** Makes the factory bound to the app's dependencies and asset versions. */
export function createPageContextFactory(
  deps: Pick<Deps, 'database'>,
  assets: { css: string; js: string },
): PageContextFactory {
  return async (req, reply, opts = {}) => {
    const [site, unread] = await Promise.all([
      getSiteSettings(deps),
      req.user ? unreadCount(deps, req.user.id) : undefined,
    ]);
    const csrfToken = req.user || opts.forms ? reply.generateCsrf() : undefined;
    return { user: req.user, csrfToken, site, assets, path: req.url, flash: opts.flash, unread };
  };
}

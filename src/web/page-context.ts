import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { PageContext, SiteSettings } from './context.ts';

/** Where the page context's shared parts come from (feature services, plugged in by the composition root). */
export interface PageSources {
  readonly siteSettings: (deps: Pick<Deps, 'database'>) => Promise<SiteSettings>;
  readonly unreadCount: (deps: Pick<Deps, 'database'>, userId: number) => Promise<number>;
  /** For moderators and admins: counts shown beside the staff console's sections, by path. */
  readonly staffBadges?: (deps: Pick<Deps, 'database'>) => Promise<Record<string, number>>;
}

/** Builds the PageContext for a request. `forms` forces a CSRF token even for an anonymous visitor. */
export type PageContextFactory = (
  req: FastifyRequest,
  reply: FastifyReply,
  opts?: { forms?: boolean; flash?: string },
) => Promise<PageContext>;

/** Makes the factory bound to the app's dependencies and asset versions. */
export function createPageContextFactory(
  deps: Pick<Deps, 'database' | 'config'>,
  assets: { css: string; js: string },
  sources: PageSources,
): PageContextFactory {
  return async (req, reply, opts = {}) => {
    const staff = req.user?.role === 'moderator' || req.user?.role === 'admin';
    const [site, unread, staffBadges] = await Promise.all([
      sources.siteSettings(deps),
      req.user ? sources.unreadCount(deps, req.user.id) : undefined,
      staff && sources.staffBadges ? sources.staffBadges(deps) : undefined,
    ]);
    const csrfToken = req.user || opts.forms ? reply.generateCsrf() : undefined;
    const publicUrl = deps.config.http.publicUrl;
    return {
      user: req.user,
      csrfToken,
      site,
      assets,
      path: req.url,
      publicUrl,
      flash: opts.flash,
      unread,
      staffBadges,
    };
  };
}

import type { Deps } from '../deps.ts';
import type { RateLimits } from './app.ts';
import type { PageCache } from './page-cache.ts';
import type { PageContextFactory } from './page-context.ts';

/** What route modules receive: the service dependencies plus web-only helpers. */
export interface WebContext {
  readonly deps: Deps;
  readonly pageContext: PageContextFactory;
  readonly pageCache: PageCache;
  readonly assets: { readonly css: string; readonly js: string };
  readonly limits: RateLimits;
}

import type { SessionUser } from '../features/accounts/service.ts';
import type { SiteSettings } from '../features/site/service.ts';

/** What every page needs from the request: who is looking, a CSRF token for forms, site settings, asset versions. */
export interface PageContext {
  readonly user: SessionUser | undefined;
  /** Present only on pages rendered for a logged-in user or with forms; never on the shared anonymous cache. */
  readonly csrfToken: string | undefined;
  readonly site: SiteSettings;
  readonly assets: { readonly css: string; readonly js: string };
  readonly path: string;
  readonly flash?: string | undefined;
  /** Unread 站内信 of the logged-in user (absent for visitors). */
  readonly unread?: number | undefined;
}

import type { Category, PreviewMode, UserRole } from '../db/schema.ts';

/** The signed-in user of a request, resolved from the session cookie. */
export interface SessionUser {
  readonly id: number;
  readonly displayName: string;
  readonly role: UserRole;
  readonly sessionId: string;
  /** End of a live mute (no upload, comment or report), if any. */
  readonly mutedUntil?: number | null;
  /** False while the account has not verified its email or phone (a banner asks; selling and payouts wait). */
  readonly contactVerified?: boolean;
}

/** Operator-editable site settings, with defaults for a fresh install. */
export interface SiteSettings {
  readonly rev: number;
  /** How much of a document is free to read: the first N pages, or P percent of the text. */
  readonly previewMode: PreviewMode;
  readonly previewValue: number;
  /** A paid document never shows more than this share of its text, whatever the mode says. */
  readonly previewMaxPercent: number;
  readonly maxPrice: number;
  readonly creditName: string;
  readonly serviceText: string;
  readonly serviceWechat: string;
  readonly serviceQrKey: string | null;
  /** Per-buyer download marks (decision 0019): the visible line is on; paid office files are sold as marked PDF. */
  readonly markVisible: boolean;
  readonly markRequired: boolean;
  /** Fewest readable characters a document must have to be published (the text-quality gate, 内容过少). */
  readonly minChars: number;
  readonly categories: readonly Category[];
}

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
  /** The configured public origin (PUBLIC_URL, no trailing slash): canonical and social URLs are absolute on it. */
  readonly publicUrl: string;
  /** Staff only: what waits in sections of the staff console, by path (`/admin/support` → unread conversations). */
  readonly staffBadges?: Readonly<Record<string, number>> | undefined;
}

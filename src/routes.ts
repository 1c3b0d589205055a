import { recoveryRoutes } from './features/accounts/recovery-routes.ts';
import { accountRoutes } from './features/accounts/routes.ts';
import { securityRoutes } from './features/accounts/security-routes.ts';
import { resolveSession } from './features/accounts/service.ts';
import { adminRoutes } from './features/admin/routes.ts';
import { apiTokenRoutes } from './features/api-tokens/routes.ts';
import { resolveApiToken } from './features/api-tokens/service.ts';
import { auditRoutes } from './features/audit/routes.ts';
import { commentRoutes } from './features/comments/routes.ts';
import { copyrightAdminRoutes } from './features/copyright/admin-routes.ts';
import { copyrightRoutes } from './features/copyright/routes.ts';
import { creditsAdminRoutes } from './features/credits/admin-routes.ts';
import { creditsRoutes } from './features/credits/routes.ts';
import { documentApiRoutes } from './features/documents/api-routes.ts';
import { documentEditRoutes } from './features/documents/edit-routes.ts';
import { pageImageRoutes } from './features/documents/page-images.ts';
import { anonymousDocumentPages, documentRoutes } from './features/documents/routes.ts';
import { documentStaffRoutes } from './features/documents/staff-routes.ts';
import { stageRoutes } from './features/documents/stages.ts';
import { favoriteRoutes } from './features/favorites/routes.ts';
import { followingRoutes } from './features/following/routes.ts';
import { homeRoutes } from './features/home/routes.ts';
import { libraryRoutes } from './features/library/routes.ts';
import { moderationRoutes } from './features/moderation/routes.ts';
import { notificationRoutes } from './features/notifications/routes.ts';
import { unreadCount } from './features/notifications/service.ts';
import { privacyRoutes } from './features/privacy/routes.ts';
import { pwaRoutes } from './features/pwa/routes.ts';
import { ratingRoutes } from './features/ratings/routes.ts';
import { reportAdminRoutes } from './features/reports/admin-routes.ts';
import { reportRoutes } from './features/reports/routes.ts';
import { reviewRoutes } from './features/review/routes.ts';
import { searchRoutes } from './features/search/routes.ts';
import { getSiteSettings } from './features/site/service.ts';
import { sitemapRoutes } from './features/sitemap/routes.ts';
import { supportAdminRoutes } from './features/support/admin-routes.ts';
import { supportRoutes } from './features/support/routes.ts';
import { supportStaffBadges } from './features/support/staff.ts';
import { userRoutes } from './features/users/routes.ts';
import { verificationRoutes } from './features/verification/routes.ts';
import { watermarkRoutes } from './features/watermark/routes.ts';
import type { AppParts, RoutePlugin } from './web/app.ts';
import type { ApiTag } from './web/openapi.ts';

/**
 * Every feature's routes, in registration order. The composition root owns this list, so web/ never imports a
 * feature: add a new feature's route plugin here.
 */
const ROUTES: readonly RoutePlugin[] = [
  pwaRoutes,
  homeRoutes,
  searchRoutes,
  accountRoutes,
  recoveryRoutes,
  securityRoutes,
  documentRoutes,
  documentEditRoutes,
  documentApiRoutes,
  libraryRoutes,
  pageImageRoutes,
  stageRoutes,
  userRoutes,
  followingRoutes,
  reportRoutes,
  reportAdminRoutes,
  documentStaffRoutes,
  sitemapRoutes,
  adminRoutes,
  reviewRoutes,
  privacyRoutes,
  creditsRoutes,
  creditsAdminRoutes,
  notificationRoutes,
  auditRoutes,
  moderationRoutes,
  verificationRoutes,
  copyrightRoutes,
  copyrightAdminRoutes,
  commentRoutes,
  supportRoutes,
  supportAdminRoutes,
  watermarkRoutes,
  favoriteRoutes,
  ratingRoutes,
  apiTokenRoutes,
];

/** The groups of the OpenAPI document (/api/openapi.json). */
const API_TAGS: readonly ApiTag[] = [
  {
    name: 'documents',
    description: 'Upload, conversion status, my documents, download / 上传、转换状态、我的文档、下载',
  },
  { name: 'search', description: 'Full-text search and suggestions / 全文检索与联想' },
  { name: 'notifications', description: 'Notifications / 站内信' },
];

/** What the web shell needs from the features: their routes, sessions, page sources and the front cache's pages. */
export const appParts: AppParts = {
  routes: ROUTES,
  resolveSession,
  pageSources: { siteSettings: (deps) => getSiteSettings(deps), unreadCount, staffBadges: supportStaffBadges },
  anonymousPages: anonymousDocumentPages,
  resolveApiToken,
  apiTags: API_TAGS,
};

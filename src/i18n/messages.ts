/**
 * The zh-CN message catalog. Every string a user reads comes from here; code refers to keys.
 * `{name}` placeholders are filled by `t()`.
 */
import { accountsMessages } from './messages/accounts.ts';
import { adminMessages } from './messages/admin.ts';
import { apiTokensMessages } from './messages/api-tokens.ts';
import { commentsMessages } from './messages/comments.ts';
import { copyrightMessages } from './messages/copyright.ts';
import { creditsMessages } from './messages/credits.ts';
import { documentsMessages } from './messages/documents.ts';
import { favoritesMessages } from './messages/favorites.ts';
import { followingMessages } from './messages/following.ts';
import { formsMessages } from './messages/forms.ts';
import { governanceMessages } from './messages/governance.ts';
import { imagesMessages } from './messages/images.ts';
import { libraryMessages } from './messages/library.ts';
import { passwordsMessages } from './messages/passwords.ts';
import { privacyMessages } from './messages/privacy.ts';
import { qualityMessages } from './messages/quality.ts';
import { ratingsMessages } from './messages/ratings.ts';
import { reportsMessages } from './messages/reports.ts';
import { searchMessages } from './messages/search.ts';
import { siteMessages } from './messages/site.ts';
import { supportMessages } from './messages/support.ts';
import { transportsMessages } from './messages/transports.ts';
import { verificationMessages } from './messages/verification.ts';
import { watermarkMessages } from './messages/watermark.ts';

export const zhCN = {
  ...siteMessages,
  ...documentsMessages,
  ...searchMessages,
  ...creditsMessages,
  ...adminMessages,
  ...governanceMessages,
  ...verificationMessages,
  ...reportsMessages,
  ...copyrightMessages,
  ...privacyMessages,
  ...accountsMessages,
  ...passwordsMessages,
  ...transportsMessages,
  ...imagesMessages,
  ...commentsMessages,
  ...supportMessages,
  ...libraryMessages,
  ...favoritesMessages,
  ...ratingsMessages,
  ...libraryMessages,
  ...followingMessages,
  ...apiTokensMessages,
  ...watermarkMessages,
  ...formsMessages,
  ...qualityMessages,
} as const;

/** A key of the message catalog. */
export type MessageKey = keyof typeof zhCN;

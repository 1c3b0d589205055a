import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Database } from './database.ts';
import * as initial from './migrations/20261127090000-initial.ts';
import * as search from './migrations/20261127100000-search.ts';
import * as credits from './migrations/20261127110000-credits.ts';
import * as ingest from './migrations/20261127120000-ingest.ts';
import * as dedup from './migrations/20261127130000-dedup.ts';
import * as review from './migrations/20261127140000-review.ts';
import * as searchOrder from './migrations/20261127150000-search-order.ts';
import * as authThrottle from './migrations/20261130090000-auth-throttle.ts';
import * as governance from './migrations/20261130100000-governance.ts';
import * as reportsTakedown from './migrations/20261130110000-reports-takedown.ts';
import * as copyright from './migrations/20261130120000-copyright.ts';
import * as verification from './migrations/20261130130000-verification.ts';
import * as pii from './migrations/20261130140000-pii.ts';
import * as accountRecovery from './migrations/20261201090000-account-recovery.ts';
import * as favoritesRatings from './migrations/20261201100000-favorites-ratings.ts';
import * as commentsSupport from './migrations/20261201110000-comments-support.ts';
import * as followProfile from './migrations/20261201120000-follow-profile.ts';
import * as uploadsEdit from './migrations/20261201130000-uploads-edit.ts';
import * as blobClaims from './migrations/20261201140000-blob-claims.ts';
import * as hotAccounts from './migrations/20261201150000-hot-accounts.ts';
import * as ledgerRefuse from './migrations/20261201150100-ledger-refuse.ts';
import * as apiTokens from './migrations/20261201170000-api-tokens.ts';
import * as textQuality from './migrations/20261202130000-text-quality.ts';
import * as sourceFlags from './migrations/20261202160000-source-flags.ts';
import * as jobPriority from './migrations/20261203200000-job-priority.ts';
import * as markState from './migrations/20261203300000-mark-state.ts';
import * as searchPairs from './migrations/20261203500000-search-pairs.ts';
import * as searchNarrowRows from './migrations/20261204100000-search-narrow-rows.ts';
import * as searchSpanLexemes from './migrations/20261205100000-search-span-lexemes.ts';
import type { DB } from './schema.ts';

type DialectMigration = { up(db: Kysely<unknown>, dialect: Database['dialect']): Promise<void> };

/** Every migration, in order. Listed by hand: no directory scanning at boot. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '20261127090000-initial': initial,
  '20261127100000-search': search,
  '20261127110000-credits': credits,
  '20261127120000-ingest': ingest,
  '20261127130000-dedup': dedup,
  '20261127140000-review': review,
  '20261127150000-search-order': searchOrder,
  '20261130090000-auth-throttle': authThrottle,
  '20261130100000-governance': governance,
  '20261130120000-copyright': copyright,
  '20261130110000-reports-takedown': reportsTakedown,
  '20261130130000-verification': verification,
  '20261130140000-pii': pii,
  '20261201090000-account-recovery': accountRecovery,
  '20261201100000-favorites-ratings': favoritesRatings,
  '20261201110000-comments-support': commentsSupport,
  '20261201120000-follow-profile': followProfile,
  '20261201130000-uploads-edit': uploadsEdit,
  '20261201140000-blob-claims': blobClaims,
  '20261201150000-hot-accounts': hotAccounts,
  '20261201150100-ledger-refuse': ledgerRefuse,
  '20261201170000-api-tokens': apiTokens,
  '20261202130000-text-quality': textQuality,
  '20261202160000-source-flags': sourceFlags,
  '20261203200000-job-priority': jobPriority,
  '20261203300000-mark-state': markState,
  '20261203500000-search-pairs': searchPairs,
  '20261204100000-search-narrow-rows': searchNarrowRows,
  '20261205100000-search-span-lexemes': searchSpanLexemes,
};

/** Runs pending migrations under Kysely's migration lock (advisory lock on Postgres, write lock on SQLite). */
export async function migrate(database: Database): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(MIGRATIONS)) {
        out[name] = { up: (db) => m.up(db, database.dialect) };
      }
      return out;
    },
  };
  const migrator = new Migrator({ db: database.db as unknown as Kysely<DB>, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

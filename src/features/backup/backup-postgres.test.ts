// `wenyuan backup` / `wenyuan restore` on PostgreSQL with an S3 store (s3rver); runs where TEST_DATABASE_URL is set.
// The suite: testing/backup-suite.ts; SQLite with the local store is backup.test.ts.
import { backupSuite } from '../../testing/backup-suite.ts';
import { DIALECTS } from '../../testing/test-db.ts';

if (DIALECTS.includes('postgres')) backupSuite('postgres', true);

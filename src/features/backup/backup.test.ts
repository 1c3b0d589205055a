// `wenyuan backup` / `wenyuan restore` on SQLite with the local store (the suite: testing/backup-suite.ts; PostgreSQL
// with an S3 store is backup-postgres.test.ts).
import { backupSuite } from '../../testing/backup-suite.ts';

backupSuite('sqlite', false);

// `npm run audit:browser`: builds the audit site, runs the audit, prints the table, exits 1 on a failed threshold.
import { join } from 'node:path';
import { runBrowserAudit } from './run.ts';
import { startAuditSite } from './site.ts';

const site = await startAuditSite();
try {
  const report = await runBrowserAudit(site, { screenshotsDir: join(process.cwd(), 'docs', 'screenshots') });
  console.log(report.table);
  process.exitCode = report.failures.length ? 1 : 0;
} finally {
  await site.close();
}

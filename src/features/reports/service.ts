import type { Deps } from '../../deps.ts';
import { badRequest, gone, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';

/** The reasons a reader can pick; the message keys are `report.reason.<code>`. */
export const REPORT_REASONS = ['copyright', 'illegal', 'mismatch', 'spam', 'privacy', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** The document being reported (title for the form); 404/410 when it cannot be reported. */
export async function getReportTarget(deps: Pick<Deps, 'database'>, documentId: number) {
  const doc = await deps.database.db
    .selectFrom('documents')
    .select(['id', 'title', 'format', 'status'])
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (!doc) throw notFound();
  if (doc.status === 'deleted') throw gone();
  if (doc.status !== 'published') throw notFound();
  return doc;
}

/** Records a 违规举报 for the moderation queue. */
export async function fileReport(
  deps: Pick<Deps, 'database'>,
  reporter: SessionUser,
  input: { documentId: number; reason: string; detail: string },
): Promise<number> {
  await getReportTarget(deps, input.documentId);
  if (!(REPORT_REASONS as readonly string[]).includes(input.reason)) throw badRequest('report.reasonRequired');
  const detail = input.detail.normalize('NFC').trim();
  if ([...detail].length > 1000) throw badRequest('report.detailTooLong');
  if (input.reason === 'other' && !detail) throw badRequest('report.detailRequired');
  const row = await deps.database.db
    .insertInto('reports')
    .values({
      document_id: input.documentId,
      reporter_id: reporter.id,
      reason: input.reason,
      detail,
      status: 'open',
      created_at: Date.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

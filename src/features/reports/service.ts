import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, gone, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { assertNotMuted } from '../moderation/policy.ts';

/**
 * The reasons a reader can pick, in this order. Each is also the takedown code a moderator's 下架 uses, so its label
 * is `takedown.code.<code>` (reports filed before this list may carry the legacy code `illegal`, also a takedown code).
 */
export const REPORT_REASONS = ['copyright', 'privacy', 'secret', 'spam', 'porn', 'mismatch', 'other'] as const;
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

/**
 * A report's reason checked against `reasons` and its detail normalised (NFC, trimmed, ≤ 1000 characters, required
 * for 'other'); refusals name the field. Shared by the reports on documents and on comments.
 */
export function reportDetail(reasons: readonly string[], input: { reason: string; detail: string }): string {
  if (!reasons.includes(input.reason)) throw badRequest('report.reasonRequired').on('reason');
  const detail = input.detail.normalize('NFC').trim();
  if ([...detail].length > 1000) throw badRequest('report.detailTooLong').on('detail');
  if (input.reason === 'other' && !detail) throw badRequest('report.detailRequired').on('detail');
  return detail;
}

/** Records a 违规举报 for the moderation queue. */
export async function fileReport(
  deps: Pick<Deps, 'database'>,
  reporter: SessionUser,
  input: { documentId: number; reason: string; detail: string },
): Promise<number> {
  assertNotMuted(reporter);
  await getReportTarget(deps, input.documentId);
  const detail = reportDetail(REPORT_REASONS, input);
  // One open report per reader and document: the partial unique index decides, so two concurrent submissions
  // cannot both get in; the second (and any later one while the first is open) changes nothing and answers 409.
  const row = await deps.database.db
    .insertInto('reports')
    .values({
      document_id: input.documentId,
      reporter_id: reporter.id,
      reason: input.reason,
      detail,
      status: 'open',
      created_at: Date.now(),
      comment_id: null,
    })
    // The conflict target names the partial index by its predicate, as a literal (a bound parameter cannot match it).
    // Reports on comments have their own index (reporter, comment), so this one covers document reports only.
    .onConflict((oc) =>
      oc
        .columns(['reporter_id', 'document_id'])
        .where(sql<boolean>`status = 'open' and comment_id is null`)
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  if (!row) throw conflict('report.duplicate');
  return Number(row.id);
}

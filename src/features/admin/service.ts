import type { Deps } from '../../deps.ts';
import { badRequest, notFound } from '../../errors.ts';
import { syncDocumentIndex } from '../search/service.ts';

/** Open reports, newest first, with the document title, for the moderation list. */
export function listOpenReports(deps: Pick<Deps, 'database'>, limit = 50) {
  return deps.database.db
    .selectFrom('reports')
    .innerJoin('documents', 'documents.id', 'reports.document_id')
    .innerJoin('users', 'users.id', 'reports.reporter_id')
    .select([
      'reports.id',
      'reports.reason',
      'reports.detail',
      'reports.created_at',
      'documents.id as document_id',
      'documents.title',
      'users.display_name as reporter',
    ])
    .where('reports.status', '=', 'open')
    .orderBy('reports.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Recent users, for granting badges. */
export function listRecentUsers(deps: Pick<Deps, 'database'>, limit = 50) {
  return deps.database.db
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'phone', 'role', 'real_name_verified', 'is_provider', 'created_at'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Sets a user's 内容提供者 badge. The 实名认证 badge is not set here: it follows an approved real-name verification
 * (features/verification). Bumps the revision so cached pages showing the badge are re-rendered.
 */
export async function setUserBadges(
  deps: Pick<Deps, 'database'>,
  userId: number,
  flags: { provider: boolean },
): Promise<void> {
  const r = await deps.database.db
    .updateTable('users')
    .set((eb) => ({
      is_provider: flags.provider ? 1 : 0,
      rev: eb('rev', '+', 1),
      updated_at: Date.now(),
    }))
    .where('id', '=', userId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw notFound();
}

/** Overrides (or clears, with mode null) how much of one document is free to read. */
export async function setDocumentPreview(
  deps: Pick<Deps, 'database' | 'search'>,
  documentId: number,
  rule: { mode: 'pages' | 'percent'; value: number } | null,
): Promise<void> {
  if (rule) {
    const max = rule.mode === 'pages' ? 1000 : 100;
    if (!Number.isInteger(rule.value) || rule.value < 1 || rule.value > max) throw badRequest('admin.previewInvalid');
  }
  const r = await deps.database.db
    .updateTable('documents')
    .set((eb) => ({
      preview_mode: rule?.mode ?? null,
      preview_value: rule?.value ?? null,
      rev: eb('rev', '+', 1),
      updated_at: Date.now(),
    }))
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw notFound();
  // The search excerpt follows the document's free part.
  await syncDocumentIndex(deps, documentId);
}

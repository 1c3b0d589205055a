// Editing an upload (/d/:id/edit): the owner — or staff — changes the title, description, category, price and the
// free-preview rule after upload, under the rules of the upload form. Everything that shows the document follows at
// once: the bumped `documents.rev` re-keys its cached page (page cache and front cache), a changed title also bumps
// the site revision (other documents' pages list it among their related documents), the search entry is rewritten
// before the answer, the sitemap is read live (lastmod from `updated_at`), and page images are rendered again when
// the free part may have changed. Existing purchases keep what they bought: a sale records its own price.
import type { Document, PreviewMode } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, gone, notFound, onField } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { canModerate } from '../moderation/policy.ts';
import { notify } from '../notifications/service.ts';
import { scanPii } from '../privacy/scan.ts';
import { syncDocumentIndex } from '../search/service.ts';
import { getSiteSettings, invalidateCachedPages } from '../site/service.ts';
import { enqueueMarkProbe, needsMarkProbe } from '../watermark/probe.ts';
import { isOriginalWithheld } from './policy.ts';
import * as repo from './repo.ts';
import { checkTitle } from './title.ts';
import { assertMaySetPrice, checkDescription, checkPrice } from './upload.ts';

type EditDeps = Pick<Deps, 'database' | 'search' | 'queue' | 'config' | 'log'>;
type Editor = Pick<SessionUser, 'id' | 'role'>;

/** The form's fields as posted (every one a string; the service judges them). */
export interface EditInput {
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly category?: string | undefined;
  readonly price?: string | undefined;
  /** `site` (follow the site rule), `pages` or `percent`. */
  readonly previewMode?: string | undefined;
  readonly previewValue?: string | undefined;
}

/** The editable fields, validated. `preview` null follows the site rule. */
export interface EditFields {
  readonly title: string;
  readonly description: string;
  readonly categoryId: number;
  readonly price: number;
  readonly preview: { mode: PreviewMode; value: number } | null;
}

/** The bounds of a preview override, the same as the operator's (admin/service.ts). */
const PREVIEW_MAX: Record<PreviewMode, number> = { pages: 1000, percent: 100 };

/** Whether the viewer may edit the document at all: its owner, or staff (moderators and admins). */
export function canEditDocument(viewer: Editor, doc: Pick<Document, 'owner_id'>): boolean {
  return viewer.id === Number(doc.owner_id) || canModerate(viewer);
}

/**
 * The document to edit: 404 to anyone but its owner and staff (ids are not probed), 410 once deleted, 409 while it
 * cannot change — taken down (its counter-notice decides), still converting (the pipeline names it), or held for a
 * privacy check (the moderator's decision rewrites title and description).
 */
export async function getEditableDocument(deps: Pick<Deps, 'database'>, id: number, viewer: Editor) {
  const doc = await repo.findDocumentById(deps.database.db, id);
  if (!doc || !canEditDocument(viewer, doc)) throw notFound();
  if (doc.status === 'deleted') throw gone();
  if (doc.status === 'taken_down') throw conflict('edit.takenDown');
  if (doc.status === 'uploaded' || doc.status === 'converting') throw conflict('edit.converting');
  if (doc.pii_state === 'held') throw conflict('edit.privacyHeld');
  return doc;
}

/** Validates the form against the site's rules (the upload form's, plus the preview bounds). */
export async function validateEdit(
  deps: Pick<Deps, 'database'>,
  doc: Pick<Document, 'owner_id' | 'price' | 'pii_state'>,
  input: EditInput,
): Promise<EditFields> {
  const site = await getSiteSettings(deps);
  // Each check names its field, so a refused form shows the sentence beside it (web/form-state.ts).
  const title = await onField('title', () => checkTitle(input.title ?? ''));
  const description = await onField('description', () => checkDescription(input.description));
  const categoryId = Number(input.category);
  if (!site.categories.some((c) => c.id === categoryId)) throw badRequest('upload.categoryInvalid').on('category');
  const price = await onField('price', () => checkPrice(input.price, site.maxPrice));
  let preview: EditFields['preview'] = null;
  const mode = input.previewMode ?? 'site';
  if (mode === 'pages' || mode === 'percent') {
    const raw = (input.previewValue ?? '').trim();
    const value = Number(raw);
    if (!/^\d{1,4}$/.test(raw) || value < 1 || value > PREVIEW_MAX[mode]) {
      throw badRequest('edit.previewInvalid').on('previewValue');
    }
    preview = { mode, value };
  } else if (mode !== 'site') throw badRequest('edit.previewInvalid').on('previewMode');
  // The PII screen ran on the title and description at upload; an edit must not bring a number back.
  if (scanPii(title).length > 0) throw badRequest('edit.piiInFields').on('title');
  if (scanPii(description).length > 0) throw badRequest('edit.piiInFields').on('description');
  if (price > 0 && isOriginalWithheld(doc)) throw badRequest('edit.maskedNotForSale').on('price');
  // Setting a price is selling: what a paid upload requires of its uploader (the owner, also when staff edit it).
  // A price already set stays editable in its other fields.
  if (price !== Number(doc.price)) await onField('price', () => assertMaySetPrice(deps, Number(doc.owner_id), price));
  return { title, description, categoryId, price, preview };
}

/** What an edit changed, field by field (the audit entry's before/after). */
function changes(doc: Document, f: EditFields) {
  const now = {
    title: f.title,
    description: f.description,
    category_id: f.categoryId,
    price: f.price,
    preview_mode: f.preview?.mode ?? null,
    preview_value: f.preview?.value ?? null,
  };
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(now)) {
    const old = doc[k as keyof typeof now];
    if ((old === null ? null : typeof v === 'number' ? Number(old) : old) !== v) {
      before[k] = old;
      after[k] = v;
    }
  }
  return { now, before, after };
}

/**
 * Saves an edit. One transaction, guarded on the status read: the new fields with `rev` bumped (and `title_auto`
 * cleared, so a 重新转换 keeps the typed title), the site revision when the title changed, and for a staff edit of
 * someone else's document an audit entry and a notification to the uploader. Then the search entry is rewritten and,
 * when the free part may differ, page images are queued. Returns the fields that changed.
 */
export async function editDocument(
  deps: EditDeps,
  id: number,
  viewer: Editor,
  input: EditInput,
  ip: string,
): Promise<Record<string, unknown>> {
  const doc = await getEditableDocument(deps, id, viewer);
  const fields = await validateEdit(deps, doc, input);
  const { now, before, after } = changes(doc, fields);
  if (Object.keys(after).length === 0) return after;
  const byStaff = viewer.id !== Number(doc.owner_id);
  await deps.database.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('documents')
      .set((eb) => ({
        ...now,
        title_auto: 'title' in after ? 0 : doc.title_auto,
        rev: eb('rev', '+', 1),
        updated_at: Date.now(),
      }))
      .where('id', '=', id)
      .where('status', '=', doc.status)
      .executeTakeFirst();
    // Taken down, deleted or re-converted between the read and the write: nothing is saved.
    if (Number(res.numUpdatedRows) !== 1) throw conflict('edit.stale');
    if ('title' in after) await invalidateCachedPages(trx);
    // Made paid after its conversion (which probes only paid files): whether a buyer's copy can carry the mark is
    // found by a job, and the page says 待检测 until then.
    if ('price' in after && needsMarkProbe({ ...doc, price: fields.price })) {
      await enqueueMarkProbe(trx, deps.queue, id);
    }
    if (byStaff) {
      await recordAudit(trx, {
        actor: viewer,
        action: 'document.edit',
        targetType: 'document',
        targetId: id,
        before,
        after,
        ip,
      });
      await notify(trx, {
        userId: Number(doc.owner_id),
        kind: 'document.edited',
        params: { title: fields.title },
        link: `/d/${id}`,
      });
    }
  });
  // Search at once: title, description and category are indexed; the excerpt follows the free part.
  await syncDocumentIndex(deps, id);
  const freePartMoved = 'price' in after || 'preview_mode' in after || 'preview_value' in after;
  if (freePartMoved && doc.status === 'published' && deps.config.convert.pageImages) {
    await deps.queue.enqueue('document.pages', { documentId: id }, { dedupeKey: `pages:${id}` });
  }
  return after;
}

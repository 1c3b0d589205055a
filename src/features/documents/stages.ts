// Pipeline stages after the fact: an uploader's "重新转换" for one rejected document, and the operator's re-run of
// a stage for every document missing it (each stage leaves a timestamp on the document: extracted_at,
// pages_rendered_at; the duplicate index leaves documents.minhash).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { minhash } from '../../convert/similarity.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, forbidden, gone, notFound } from '../../errors.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import type { FormState } from '../../web/form-state.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, IdParams, NoQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import type { SessionUser } from '../accounts/service.ts';
import { saveBands } from './dedup.ts';
import { canDeleteDocument } from './policy.ts';
import * as repo from './repo.ts';
import { listMyDocuments } from './service.ts';
import { MyDocumentsPage, reconvertFormId } from './views/my-documents-page.tsx';

/**
 * Whether a rejected document's original is still stored. The blobs of rejected documents are collected after
 * BLOB_GC_GRACE_DAYS (features/documents/gc.ts); touching the blob also keeps it from a collector deciding right now,
 * so a conversion queued after this check finds its file.
 */
async function originalStillStored(deps: Pick<Deps, 'blobs'>, blobKey: string): Promise<boolean> {
  try {
    return await deps.blobs.touch(parseBlobKey(blobKey));
  } catch {
    return false;
  }
}

/** Queues one rejected document for conversion again (owner or admin). */
export async function reconvertDocument(
  deps: Pick<Deps, 'database' | 'queue' | 'blobs'>,
  id: number,
  viewer: SessionUser,
): Promise<void> {
  const { db } = deps.database;
  const doc = await repo.findDocumentById(db, id);
  if (!doc) throw notFound();
  if (doc.status === 'deleted') throw gone();
  if (!canDeleteDocument(viewer, doc)) throw forbidden();
  if (doc.status !== 'rejected') throw badRequest('document.reconvertNotRejected');
  // An operator's decision on a near duplicate is not a conversion failure: converting again cannot change it.
  if (doc.reject_code === 'duplicate.rejected') throw badRequest('duplicate.reconvertDecided');
  if (doc.reject_code === 'privacy.rejected') throw badRequest('privacy.reconvertDecided');
  if (!(await originalStillStored(deps, doc.blob_key))) throw badRequest('document.reconvertSourceGone');
  await db.transaction().execute(async (trx) => {
    const moved = await repo.transitionDocument(trx, id, ['rejected'], {
      status: 'uploaded',
      reject_code: null,
      reject_params: null,
      dup_of: null,
      dup_score: null,
    });
    if (moved) await deps.queue.enqueue('document.convert', { documentId: id }, { trx, dedupeKey: `convert:${id}` });
  });
}

/** The stages an operator can re-run. */
export const STAGES = ['convert', 'pages', 'dedup'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Re-runs a stage for every document missing it: `convert` for documents never extracted (rejected ones are
 * queued again: e.g. after installing LibreOffice), `pages` for published documents without page images,
 * `dedup` (inline) for documents whose text was never indexed for near duplicates. `all` redoes `pages` and
 * `dedup` for every published document. Returns how many documents were queued or indexed.
 */
export async function rerunStage(
  deps: Pick<Deps, 'database' | 'queue' | 'blobs'>,
  stage: Stage,
  opts: { all?: boolean } = {},
): Promise<number> {
  const { db } = deps.database;
  let n = 0;
  if (stage === 'convert') {
    const rows = await db
      .selectFrom('documents')
      .select(['id', 'status', 'blob_key'])
      .where('extracted_at', 'is', null)
      .where('status', 'in', ['uploaded', 'converting', 'rejected'])
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const id = Number(r.id);
      // A rejected document whose original was collected stays rejected: there is nothing left to convert.
      if (r.status === 'rejected' && !(await originalStillStored(deps, r.blob_key))) continue;
      await db.transaction().execute(async (trx) => {
        if (r.status === 'rejected') {
          const moved = await repo.transitionDocument(trx, id, ['rejected'], {
            status: 'uploaded',
            reject_code: null,
            reject_params: null,
          });
          if (!moved) return;
        }
        await deps.queue.enqueue('document.convert', { documentId: id }, { trx, dedupeKey: `convert:${id}` });
        n++;
      });
    }
    return n;
  }
  if (stage === 'pages') {
    let q = db.selectFrom('documents').select('id').where('status', '=', 'published');
    if (!opts.all) q = q.where('pages_rendered_at', 'is', null);
    for (const r of await q.orderBy('id').execute()) {
      await deps.queue.enqueue('document.pages', { documentId: Number(r.id) }, { dedupeKey: `pages:${r.id}` });
      n++;
    }
    return n;
  }
  let q = db
    .selectFrom('documents')
    .innerJoin('document_texts', 'document_texts.document_id', 'documents.id')
    .select(['documents.id', 'document_texts.body'])
    .where('documents.status', 'in', ['published', 'review', 'taken_down']);
  if (!opts.all) q = q.where('documents.minhash', 'is', null);
  for (const r of await q.orderBy('documents.id').execute()) {
    const sig = minhash(r.body);
    if (!sig) continue;
    const id = Number(r.id);
    await db.transaction().execute(async (trx) => {
      await saveBands(trx, id, sig);
      await trx
        .updateTable('documents')
        .set({ minhash: JSON.stringify(sig) })
        .where('id', '=', id)
        .execute();
    });
    n++;
  }
  return n;
}

/** POST /d/:id/reconvert — the uploader's 重新转换 button on 我的文档. */
export function stageRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const schema = { params: IdParams, querystring: NoQuery, body: ActionBody() };
    // Refused (not rejected, decided by an operator, the original gone): 我的文档 again with the sentence on top.
    const myDocuments = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const docs = await listMyDocuments(deps, user, 1);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(MyDocumentsPage, { ctx, docs, page: 1, state }), status);
    };
    const form = {
      id: (req: FastifyRequest) => reconvertFormId((req.params as { id: string }).id),
      render: myDocuments,
    };
    app.post<{ Params: { id: string } }>('/d/:id/reconvert', { schema, config: { form } }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      await reconvertDocument(deps, id, user);
      if ((req.headers.accept ?? '').includes('application/json')) return reply.send({ id, status: 'uploaded' });
      return reply.redirect(`/my/documents#doc-${id}`, 303);
    });
  };
}

// Page images of the free part: the 'document.pages' job renders them after publication (WebP, watermarked, from
// the original PDF or the PDF LibreOffice made), and a route serves one only while its page is entirely inside the
// free part under the current preview rule. Images of paid pages are never made available, even if stored.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RenderResult } from '../../convert/render-pdf.ts';
import type { Deps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import { type BlobKey, blobKey, parseBlobKey } from '../../storage/blob-store.ts';
import { parseId } from '../../web/guards.ts';
import { IdParam, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { getSiteSettings } from '../site/service.ts';
import { computePreview, type Preview } from './preview.ts';
import * as repo from './repo.ts';
import * as service from './service.ts';

/** Most page images per document, their width in pixels, and the tallest page accepted. */
export const PAGE_IMAGE_LIMITS = { maxImages: 6, width: 900, maxHeight: 900 * 4 } as const;

/** One stored page image, as kept in documents.page_images. */
export interface PageImage {
  n: number;
  w: number;
  h: number;
  f: 'webp' | 'png';
  key: string;
}

/** Pages shown in full by a preview: the only pages that may have an image. */
export function fullyFreePages(preview: Preview | undefined, pageCount: number | null): number {
  if (!preview || !pageCount) return 0;
  return Math.max(0, pageCount - preview.remainingPages);
}

/** The stored images of a document that may be shown under `preview`. */
export function visiblePageImages(
  doc: { page_images: string | null; page_count: number | null; pii_state?: string | null },
  preview: Preview | undefined,
): PageImage[] {
  // Never for a document published with its numbers masked: the images show the original (decision 0012).
  if (!doc.page_images || doc.pii_state === 'masked') return [];
  const free = fullyFreePages(preview, doc.page_count);
  try {
    return (JSON.parse(doc.page_images) as PageImage[]).filter((i) => i.n >= 1 && i.n <= free);
  } catch {
    return [];
  }
}

/** The 'document.pages' job: renders the free pages of a published document; a document without a PDF gets none. */
export function renderPagesHandler(
  deps: Pick<Deps, 'database' | 'blobs' | 'converter' | 'config'>,
): JobHandler<'document.pages'> {
  const { db } = deps.database;
  const finish = async (documentId: number, images: PageImage[]) => {
    await db
      .updateTable('documents')
      .set((eb) => ({
        page_images: JSON.stringify(images),
        pages_rendered_at: Date.now(),
        // The anonymous page cache keys on rev: the page must show its new images.
        rev: eb('rev', '+', 1),
      }))
      .where('id', '=', documentId)
      .execute();
  };
  return {
    async run({ documentId }, { log }) {
      const doc = await repo.findDocumentById(db, documentId);
      if (doc?.status !== 'published') return;
      // Published with its numbers masked: images would be rendered from the original, which still shows them.
      if (doc.pii_state === 'masked') {
        await finish(documentId, []);
        return;
      }
      const text = await repo.findDocumentText(db, documentId);
      if (!text) return;
      const site = await getSiteSettings(deps);
      const preview = computePreview(
        { body: text.body, pageStarts: JSON.parse(text.page_starts), headings: [] },
        {
          mode: doc.preview_mode ?? site.previewMode,
          value: doc.preview_value ?? site.previewValue,
          maxPercent: site.previewMaxPercent,
          paid: doc.price > 0,
        },
      );
      const free = Math.min(PAGE_IMAGE_LIMITS.maxImages, fullyFreePages(preview, doc.page_count));
      // Which PDF: the original, the one LibreOffice made at conversion, or (docx) one made now if LibreOffice is here.
      let pdfKey: BlobKey | undefined;
      if (doc.format === 'pdf') pdfKey = parseBlobKey(doc.blob_key);
      else if (doc.pdf_key) pdfKey = parseBlobKey(doc.pdf_key);
      const ofd = doc.format === 'ofd';
      if (free === 0 || (!pdfKey && !ofd && !(doc.format === 'docx' && deps.converter.officeAvailable))) {
        await finish(documentId, []);
        return;
      }
      const outDir = await mkdtemp(join(tmpdir(), 'wenyuan-pages-'));
      try {
        const render = (pdfPath: string, pages: number, source: 'pdf' | 'ofd' = 'pdf') =>
          deps.converter.render({
            pdfPath,
            source,
            pages,
            outDir,
            width: PAGE_IMAGE_LIMITS.width,
            maxHeight: PAGE_IMAGE_LIMITS.maxHeight,
            watermark: t('site.name'),
            maxPages: 2000,
          });
        let result: RenderResult;
        if (pdfKey) result = await deps.blobs.withLocalFile(pdfKey, (p) => render(p, free));
        // An OFD is drawn from its own content (render-ofd.ts): its pages are the pages of the text.
        else if (ofd)
          result = await deps.blobs.withLocalFile(parseBlobKey(doc.blob_key), (p) => render(p, free, 'ofd'));
        else {
          // A docx's text pages are estimated; LibreOffice's pages may hold more text. Render no more pages than
          // the estimate proves free, scaled down when LibreOffice made fewer, fuller pages.
          result = await deps.blobs.withLocalFile(parseBlobKey(doc.blob_key), (p) =>
            deps.converter.withOfficePdf(p, 'docx', async (pdf) => {
              const probe = await render(pdf, 0);
              const scaled = Math.floor((free * probe.pageCount) / Math.max(1, doc.page_count ?? 1));
              return render(pdf, Math.min(free, scaled));
            }),
          );
        }
        const images: PageImage[] = [];
        for (const page of result.pages) {
          const key = blobKey('page', await sha256File(page.file));
          await deps.blobs.putFile(page.file, key);
          images.push({ n: page.number, w: page.width, h: page.height, f: result.format, key });
        }
        await finish(documentId, images);
        log.info({ documentId, images: images.length }, 'page images rendered');
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
    async onFinalFailure({ documentId }) {
      // Images are an extra: the document stays published with its text preview.
      await finish(documentId, []);
    },
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** GET /d/:id/pages/:n.webp — one free page image, re-checked against the current preview rule. */
export function pageImageRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const schema = {
      params: Type.Object({ id: IdParam, file: Type.String({ pattern: '^[0-9]{1,4}\\.(webp|png)$' }) }),
      querystring: Query({ v: Opt(64) }),
    };
    type Route = { Params: { id: string; file: string }; Querystring: { v?: string } };
    app.get<Route>('/d/:id/pages/:file', { schema }, async (req, reply) => {
      const id = parseId(req.params.id);
      const m = /^(\d{1,4})\.(webp|png)$/.exec(req.params.file);
      if (!id || !m) throw notFound();
      const n = Number(m[1]);
      const page = await service.getDocumentPage(deps, id, req.user);
      const image = visiblePageImages(page.doc, page.preview).find((i) => i.n === n && i.f === m[2]);
      if (!image) throw notFound();
      const key = parseBlobKey(image.key);
      const size = await deps.blobs.size(key);
      if (size === undefined) throw notFound();
      return (
        reply
          .header('content-type', image.f === 'webp' ? 'image/webp' : 'image/png')
          .header('content-length', size)
          // Versioned by content (?v= is the tail of the image's content key): the browser keeps it for good, while
          // shared caches hold it 5 minutes, so a takedown or a tighter preview rule reaches them soon (decision 0023).
          .header(
            'cache-control',
            req.query.v?.length === 12 && image.key.endsWith(req.query.v)
              ? 'public, max-age=31536000, s-maxage=300, immutable'
              : 'public, max-age=300',
          )
          .header('x-content-type-options', 'nosniff')
          .send(deps.blobs.read(key))
      );
    });
  };
}

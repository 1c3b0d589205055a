/** Every background job by name, with the payload it carries. A handler for each is required at boot. */
export interface JobCatalog {
  /** Re-read every published document into the search index (after a preview rule change). */
  'search.reindex': Record<string, never>;
  /** Extract text, count pages, compute the preview, publish or reject. */
  'document.convert': { documentId: number };
  /** Render WebP images of the free pages of a published document (from its PDF, or LibreOffice's). */
  'document.pages': { documentId: number };
  /** Move a held first-upload reward to the wallet once its holding period is over. */
  'credits.releaseReward': { documentId: number };
  /** Tell every follower of a just-published document's uploader (in batches, once). */
  'follow.fanout': { documentId: number };
  /** Find whether a document made paid after its conversion can carry the per-buyer mark (decision 0019). */
  'watermark.probe': { documentId: number };
}

/** A job name from the catalog. */
export type JobName = keyof JobCatalog;

/** The names, for the boot-time check that every job has exactly one handler. */
export const JOB_NAMES: readonly JobName[] = [
  'search.reindex',
  'document.convert',
  'document.pages',
  'credits.releaseReward',
  'follow.fanout',
  'watermark.probe',
];

/**
 * Claim order among ready jobs, lower first (decision 0028); 0 when not listed. Page images wait behind every
 * conversion that publishes, on every worker process sharing the database; a mark probe (one file marked once, a PDF
 * up to 64 MB in memory) too, but before page images: until it runs the page says 待检测.
 */
export const JOB_PRIORITY: Partial<Record<JobName, number>> = { 'watermark.probe': 5, 'document.pages': 10 };

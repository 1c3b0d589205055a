// The sitemap: the home page, every category page and every published document's page (never one in review —
// held by the PII screen or as a near duplicate —, taken down or deleted: only status 'published' is listed), with absolute URLs on the configured public origin. Up to
// SITEMAP_MAX_URLS it is one <urlset>; above that /sitemap.xml is a <sitemapindex> of numbered files
// (/sitemap/1.xml, …), each holding at most SITEMAP_MAX_URLS documents in id order (the sitemaps.org limit).
// Read fresh on every request from the documents table, so a takedown or deletion leaves it at once.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { notFound } from '../../errors.ts';

/**
 * Documents per file: under the sitemaps.org limit of 50 000 URLs, leaving room for the home page and the category
 * pages that the first file also lists.
 */
export const SITEMAP_MAX_URLS = 49_000;

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

async function countPublished(deps: Pick<Deps, 'database'>): Promise<number> {
  const row = await deps.database.db
    .selectFrom('documents')
    .select(sql<number>`count(*)`.as('n'))
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function urlset(deps: Pick<Deps, 'database' | 'config'>, offset: number, limit: number): Promise<string> {
  const base = deps.config.http.publicUrl;
  // The first file also lists the home page and every category page (lists of published documents only).
  const lists =
    offset === 0
      ? [
          `<url><loc>${escapeXml(`${base}/`)}</loc></url>`,
          ...(
            await deps.database.db.selectFrom('categories').select('slug').orderBy('sort_order').orderBy('id').execute()
          ).map((c) => `<url><loc>${escapeXml(`${base}/c/${c.slug}`)}</loc></url>`),
        ]
      : [];
  const rows = await deps.database.db
    .selectFrom('documents')
    .select(['id', 'updated_at'])
    .where('status', '=', 'published')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
  const urls = rows.map(
    (r) => `<url><loc>${escapeXml(`${base}/d/${r.id}`)}</loc><lastmod>${isoDate(Number(r.updated_at))}</lastmod></url>`,
  );
  return `${HEAD}<urlset xmlns="${NS}">\n${[...lists, ...urls].join('\n')}\n</urlset>\n`;
}

/** /sitemap.xml: the one urlset, or the index of numbered files when there are more than `perFile` documents. */
export async function sitemapRoot(
  deps: Pick<Deps, 'database' | 'config'>,
  perFile = SITEMAP_MAX_URLS,
): Promise<string> {
  const total = await countPublished(deps);
  if (total <= perFile) return urlset(deps, 0, perFile);
  const base = deps.config.http.publicUrl;
  const files = Math.ceil(total / perFile);
  const entries = Array.from(
    { length: files },
    (_, i) => `<sitemap><loc>${escapeXml(`${base}/sitemap/${i + 1}.xml`)}</loc></sitemap>`,
  );
  return `${HEAD}<sitemapindex xmlns="${NS}">\n${entries.join('\n')}\n</sitemapindex>\n`;
}

/** /sitemap/<n>.xml: the n-th file of the index (404 past the last, or when there is no index). */
export async function sitemapFile(
  deps: Pick<Deps, 'database' | 'config'>,
  n: number,
  perFile = SITEMAP_MAX_URLS,
): Promise<string> {
  const total = await countPublished(deps);
  if (total <= perFile || n < 1 || (n - 1) * perFile >= total) throw notFound();
  return urlset(deps, (n - 1) * perFile, perFile);
}

import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NoQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { sitemapFile, sitemapRoot } from './service.ts';

const XML = 'application/xml; charset=utf-8';
// Short: a takedown must leave what crawlers and caches hold soon, not tomorrow.
const CACHE = 'public, max-age=300';

/** /sitemap.xml (or its index), the numbered files, and a robots.txt that points crawlers at it. */
export function sitemapRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const schema = { querystring: NoQuery };
    app.get('/sitemap.xml', { schema }, async (_req, reply) =>
      reply
        .type(XML)
        .header('cache-control', CACHE)
        .send(await sitemapRoot(deps)),
    );
    const fileSchema = {
      params: Type.Object({ file: Type.String({ pattern: '^[1-9][0-9]{0,5}\\.xml$' }) }),
      querystring: NoQuery,
    };
    app.get<{ Params: { file: string } }>('/sitemap/:file', { schema: fileSchema }, async (req, reply) => {
      const n = Number.parseInt(req.params.file, 10);
      return reply
        .type(XML)
        .header('cache-control', CACHE)
        .send(await sitemapFile(deps, n));
    });
    app.get('/robots.txt', { schema }, async (_req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(`User-agent: *\nDisallow: /admin\nDisallow: /my/\nSitemap: ${deps.config.http.publicUrl}/sitemap.xml\n`),
    );
  };
}

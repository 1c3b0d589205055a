import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { PUBLIC_DIR } from '../../web/assets.ts';
import { NoQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { getSiteSettings } from '../site/service.ts';

/** The installable-web-app endpoints (manifest, service worker at the root scope) and the service QR image. */
export function pwaRoutes(web: WebContext) {
  const manifest = readFileSync(`${PUBLIC_DIR}manifest.webmanifest`);
  const serviceWorker = readFileSync(`${PUBLIC_DIR}sw.js`);
  const schema = { querystring: NoQuery };
  return async (app: FastifyInstance) => {
    app.get('/manifest.webmanifest', { schema }, async (_req, reply) =>
      reply
        .type('application/manifest+json; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(manifest),
    );

    // Served from the root so its scope covers the whole site; never cached long, so updates roll out.
    app.get('/sw.js', { schema }, async (_req, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('service-worker-allowed', '/')
        .send(serviceWorker),
    );

    app.get('/site/service-qr', { schema }, async (_req, reply) => {
      const site = await getSiteSettings(web.deps);
      if (!site.serviceQrKey) throw notFound();
      return reply
        .type('image/png')
        .header('cache-control', 'public, max-age=86400')
        .send(web.deps.blobs.read(parseBlobKey(site.serviceQrKey)));
    });
  };
}

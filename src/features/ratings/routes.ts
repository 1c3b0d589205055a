import type { FastifyInstance } from 'fastify';
import { notFound, unauthorized } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import { parseId, safeNext } from '../../web/guards.ts';
import { ActionBody, IdParams, Next, NoQuery, Opt } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { documentPageForm } from '../documents/routes.ts';
import { rateDocument, removeRating } from './service.ts';
import { RATING_FORM } from './views/rating-box.tsx';

type RatingRoute = { Params: { id: string }; Body: { stars?: string; next?: string } | null };

/** Rating changes bump the document's revision and drop cached search windows: bursts are refused. */
const RATING_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };

/** 评分: rate (or re-rate) a document, and take the rating back. Plain forms; JSON for scripts. */
export function ratingRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const schema = { params: IdParams, querystring: NoQuery, body: ActionBody({ stars: Opt(20), next: Next }) };
    // Stars that are not 1–5 (or none): the document page again, the sentence beside the stars (422).
    const rateForm = { ...RATING_LIMIT, form: { id: RATING_FORM, render: documentPageForm(web) } };
    for (const action of ['rate', 'remove'] as const) {
      const path = action === 'rate' ? '/d/:id/rating' : '/d/:id/rating/delete';
      const config = action === 'rate' ? rateForm : RATING_LIMIT;
      app.post<RatingRoute>(path, { schema, config }, async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const back = safeNext(req.body?.next, `/d/${id}#rating`);
        if (!req.user) {
          // A visitor (or an ended session) logs in and comes back to the rating box.
          if (wantsJson(req)) throw unauthorized();
          return reply.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
        }
        const figures =
          action === 'rate'
            ? await rateDocument(deps, req.user, id, req.body?.stars)
            : await removeRating(deps, req.user, id);
        if (wantsJson(req))
          return reply.header('cache-control', 'no-store').send({
            ...figures,
            message: t(action === 'rate' ? 'rating.saved' : 'rating.removed'),
          });
        return reply.redirect(back, 303);
      });
    }
  };
}

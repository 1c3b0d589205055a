// What GET /api/search and /api/suggest answer (issue #14): serialisation and the OpenAPI document read these, so
// every field the routes send is named here.
import { Type } from '@sinclair/typebox';
import { jsonResponses, Nullable, publicOrToken } from '../../web/api-schemas.ts';
import { Opt, Query } from '../../web/schemas.ts';
import { SearchQuerySchema } from './params.ts';

const Hit = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  title: Type.String(),
  category: Nullable(Type.String()),
  format: Type.String(),
  pages: Nullable(Type.Integer()),
  price: Type.Integer(),
  downloads: Type.Integer(),
  publishedAt: Nullable(Type.Integer({ description: 'epoch milliseconds' })),
  uploader: Type.Object({ id: Type.Integer(), name: Type.String() }),
  snippet: Type.Array(Type.Object({ text: Type.String(), hit: Type.Boolean() }), {
    description: 'text from the free part only; `hit` marks the matched words',
  }),
});

const SearchAnswer = Type.Object(
  {
    q: Type.String(),
    tokens: Type.Array(Type.String(), { description: 'the query as segmented (jieba + 公文 dictionary)' }),
    total: Type.Integer(),
    capped: Type.Boolean({ description: 'more matched than were ranked: total is a lower bound' }),
    partial: Type.Boolean({ description: 'no document held every word; these hold some of them' }),
    page: Type.Integer(),
    pages: Type.Integer(),
    sort: Type.String(),
    canonical: Type.String({ description: 'the /search page of these results' }),
    hits: Type.Array(Hit),
    facets: Type.Object({
      categories: Type.Array(
        Type.Object({ slug: Nullable(Type.String()), name: Nullable(Type.String()), count: Type.Integer() }),
      ),
      formats: Type.Array(Type.Object({ format: Type.String(), count: Type.Integer() })),
      price: Type.Object({ free: Type.Integer(), paid: Type.Integer() }),
    }),
    related: Type.Array(Type.String(), { description: 'related searches' }),
  },
  { description: 'one page of results / 检索结果' },
);

/** GET /api/search: the /search page's parameters, in JSON. */
export const apiSearchSchema = {
  querystring: SearchQuerySchema,
  tags: ['search'],
  summary: 'Search published documents / 全文检索',
  security: publicOrToken('read'),
  response: jsonResponses({ 200: SearchAnswer }),
};

/** GET /api/suggest. */
export const suggestSchema = {
  querystring: Query({ q: Opt(1000) }),
  tags: ['search'],
  summary: 'Suggestions while typing / 搜索联想',
  security: publicOrToken('read'),
  response: jsonResponses({
    200: Type.Object(
      {
        q: Type.String(),
        items: Type.Array(
          Type.Object({
            text: Type.String(),
            kind: Type.String({ enum: ['query', 'title'] }),
            href: Type.String(),
          }),
        ),
      },
      { description: 'suggestions / 联想' },
    ),
  }),
};

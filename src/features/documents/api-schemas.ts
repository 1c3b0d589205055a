// What the documents' JSON API accepts and answers, for validation, serialisation and the OpenAPI document
// (issue #14). Every field a route sends must be named here: Fastify serialises by these schemas.
import { Type } from '@sinclair/typebox';
import { jsonResponses, Nullable, RedirectResponse } from '../../web/api-schemas.ts';
import { IdParams, MultipartBody, MultipartQuery, NoQuery, Opt, Query } from '../../web/schemas.ts';

const STATUSES = ['uploaded', 'converting', 'review', 'published', 'rejected', 'taken_down'] as const;
// A plain string with an enum: serialisation never refuses a state added later (a union of literals would).
const Status = Type.String({
  enum: [...STATUSES],
  description: 'pipeline state: uploaded → converting → review → published | rejected | taken_down',
});

/** The multipart form of an upload, as the document shows it (the handler streams the parts itself). */
export const UploadForm = Type.Object({
  file: Type.String({
    format: 'binary',
    description: 'the document: docx, pdf, txt (and doc/wps/ppt… with LibreOffice)',
  }),
  title: Type.Optional(Type.String({ maxLength: 200, description: 'blank: taken from the file / 留空则取文件名' })),
  category: Type.String({ description: 'category id / 分类 id' }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  price: Type.Optional(Type.String({ description: 'price in credits, 0 = free (selling needs 实名认证)' })),
});

/** POST /upload. */
export const uploadSchema = {
  querystring: MultipartQuery,
  body: MultipartBody,
  tags: ['documents'],
  summary: 'Upload a document / 上传文档',
  description:
    'Multipart upload. Answers 201 JSON with `Accept: application/json` or with an API token, else 303 to 我的文档. ' +
    'Conversion runs in the background: poll the status. With a cookie session the CSRF token goes in `?_csrf=`.',
  response: jsonResponses({
    201: Type.Object(
      { id: Type.Integer(), status: Type.String({ enum: ['uploaded'] }) },
      { description: 'accepted / 已接收' },
    ),
    303: RedirectResponse('to /my/documents (browser form)'),
  }),
};

/** GET /api/documents/:id/status. */
export const statusSchema = {
  params: IdParams,
  querystring: NoQuery,
  tags: ['documents'],
  summary: 'Conversion status of one of my documents / 文档转换状态',
  response: jsonResponses({
    200: Type.Object(
      {
        id: Type.Integer(),
        status: Status,
        label: Type.String({ description: 'zh-CN status name' }),
        reason: Nullable(Type.String({ description: 'why it was rejected or held, in zh-CN' })),
        pages: Nullable(Type.Integer()),
      },
      { description: 'the status / 状态' },
    ),
  }),
};

/** One row of GET /api/my/documents. */
const MyDocument = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  format: Type.String(),
  status: Status,
  label: Type.String(),
  reason: Nullable(Type.String()),
  pages: Nullable(Type.Integer()),
  price: Type.Integer(),
  downloads: Type.Integer(),
  createdAt: Type.Integer({ description: 'epoch milliseconds' }),
  url: Type.String({ description: 'the document page' }),
});

/** GET /api/my/documents. */
export const myDocumentsSchema = {
  querystring: Query({ page: Opt(20) }),
  tags: ['documents'],
  summary: 'My uploads, newest first / 我的文档',
  response: jsonResponses({
    200: Type.Object(
      { page: Type.Integer(), pageSize: Type.Integer(), documents: Type.Array(MyDocument) },
      { description: 'one page of my documents / 我的文档' },
    ),
  }),
};

/** GET /d/:id/download. */
export const downloadSchema = {
  params: IdParams,
  querystring: NoQuery,
  tags: ['documents'],
  summary: 'Download the original / 下载原文件',
  description:
    'Redirects to a short-lived signed URL bound to the user (GET it with the same credentials), or to the ' +
    'purchase page for a paid document not bought yet (buying needs the website).',
  response: jsonResponses({ 303: RedirectResponse('to /dl/{token}, or /d/{id}/buy') }),
};

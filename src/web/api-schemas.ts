// Response schemas of the JSON API, shared by the routes that answer JSON (issue #14). Declaring them does two
// things: the OpenAPI document (web/openapi.ts) describes each answer, and Fastify serialises the answer by the
// schema — so a schema must name every field a route sends (fields it does not name are dropped).
import { type TSchema, Type } from '@sinclair/typebox';
import type { ApiScope } from './api-token-auth.ts';

/** Every error the site answers in JSON: `{error:{code,message}}`, the message in zh-CN (web/error-handler.ts). */
export const ApiErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable machine-readable code, e.g. invalid_token, not_found, rate_limited' }),
      message: Type.String({ description: 'zh-CN sentence for people' }),
    }),
  },
  { description: 'Error (zh-CN message) / 错误' },
);

/** A string or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** The responses of a JSON route: its success answers (by status code) and the error shape for 4xx and 5xx. */
export function jsonResponses(ok: Record<number, TSchema>) {
  return { ...ok, '4xx': ApiErrorSchema, '5xx': ApiErrorSchema };
}

/** A file's bytes (a download), for the OpenAPI document. */
export const BinarySchema = Type.String({ format: 'binary' });

/** A redirect answer (no body), for the OpenAPI document. */
export const RedirectResponse = (description: string) => Type.Null({ description });

/**
 * The security requirement of a public route that also accepts an API token (anonymous, or a token with `scope`):
 * the empty requirement means "no credentials needed". Routes that need a user leave `security` out: the document
 * then requires a token with the route's scope or a session cookie.
 */
export const publicOrToken = (scope: ApiScope): Array<Record<string, string[]>> => [{}, { bearerAuth: [scope] }];

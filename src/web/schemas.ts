// Schema pieces shared by the routes (TypeBox, validated by Fastify's Ajv before any handler runs).
//
// The rules, the same on every route:
// - Every parameter, query field and form field is one string. A repeated field (`?q=a&q=b`, `a=1&a=2`) arrives
//   as an array and is refused with 400 (Ajv coerces only a one-element array); nothing silently takes the first.
//   Brackets are not syntax: `a[]=1` is a field named `a[]`, ignored like any unknown field.
// - Objects stay open (`additionalProperties` is not restricted): unknown fields are ignored, as forms and links
//   may carry extra ones. Types and lengths are strict; the caps sit well above what the services accept, so an
//   over-long value still gets the service's own zh-CN message, and only absurd input stops here.
// - A path parameter that does not match is a page that does not exist: the error mapper answers 404
//   (web/error-handler.ts); query and body errors are 400. Both are the zh-CN page or {error:{code,message}}.
// - No field may hold a control character other than tab, CR and LF (NUL breaks PostgreSQL text).
// - Numbers in forms stay strings here: the services parse them and answer with their specific messages.
import { type TProperties, Type } from '@sinclair/typebox';

/**
 * No C0 control but tab, LF and CR: nothing a form field holds (and PostgreSQL refuses NUL in text outright, which
 * would otherwise be a 500 on one dialect only).
 */
const NO_CONTROLS = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$';
/** True when `s` holds a character that NO_CONTROLS refuses (for the parts schemas cannot see: multipart fields). */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x1f && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
  }
  return false;
}

/** One string of at most `maxLength` characters, without control characters other than tab and line breaks. */
export const Str = (maxLength: number) => Type.String({ maxLength, pattern: NO_CONTROLS });
/** An optional string field of at most `maxLength` characters. */
export const Opt = (maxLength = 200) => Type.Optional(Str(maxLength));

/** A positive integer id in a path (`/d/:id`); anything else is 404. */
export const IdParam = Type.String({ pattern: '^[1-9][0-9]{0,15}$' });
/** `{ id }` path parameters. */
export const IdParams = Type.Object({ id: IdParam });

/** A query string with these optional fields (unknown ones ignored). */
export const Query = <T extends TProperties>(fields: T) => Type.Object(fields);
/** The query string of a route that reads none. */
export const NoQuery = Type.Object({});
/** `?page=` of a paged list. */
export const PageQuery = Type.Object({ page: Opt(20) });

/** The CSRF token field (checked by the CSRF hook after validation). */
const csrf = { _csrf: Opt(200) };
/** An urlencoded (or JSON) form: these fields plus `_csrf`. */
export const FormBody = <T extends TProperties>(fields: T) => Type.Object({ ...csrf, ...fields });
/** The schema of a form post: no query string, this urlencoded body. */
export const FormRoute = <T extends TProperties>(fields: T) => ({ querystring: NoQuery, body: FormBody(fields) });
/**
 * A button's form: `_csrf` and these fields, or no body at all (a fetch sending the token in `x-csrf-token`).
 * Handlers read it as `req.body?.field`.
 */
export const ActionBody = <T extends TProperties>(fields: T = {} as T) =>
  Type.Union([Type.Object({ ...csrf, ...fields }), Type.Null()]);
/** A multipart route: the handler streams the parts, so nothing may have been parsed into a body beforehand. */
export const MultipartBody = Type.Null();
/** The query string of a multipart route: its CSRF token (multipart bodies are read after the CSRF check). */
export const MultipartQuery = Type.Object(csrf);

/** `next`: where to go afterwards; still passed through safeNext (web/guards.ts) before any redirect. */
export const Next = Opt(2000);

// One form-error pattern for every page form: a refused POST re-renders the form it came from, with the sentence
// in an error summary, each field's own sentence beside it, and what the user typed — never the generic error page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../errors.ts';

/** A form after a refused submit: which form, what was typed, and the sentences (general and per field). */
export interface FormState {
  /** The form's id on its page (a page may hold several forms; only this one shows the errors). */
  readonly form: string;
  /** Submitted values by field name (never passwords nor the CSRF token). */
  readonly values: Readonly<Record<string, string>>;
  /** The sentence not tied to one field (or repeated in the summary for a field's). */
  readonly error: string;
  /** Sentences by field name. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Renders the page holding the form again, with the state given, at the status given. */
export type FormRenderer = (
  req: FastifyRequest,
  reply: FastifyReply,
  state: FormState,
  status: number,
) => Promise<FastifyReply> | FastifyReply;

/** A route's form: its id and how to render its page again. Put it in the route's `config.form`. */
export interface FormRoute {
  /** The form's id, or how to tell it from the request (one form per row: `category-3`). */
  readonly id: string | ((req: FastifyRequest) => string);
  readonly render: FormRenderer;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page form's route: a refused POST re-renders the form (web/error-handler.ts) instead of an error page. */
    form?: FormRoute;
  }
}

/** Fields never written back into a page. */
const SECRET_FIELD = /^_csrf$|password|passwd|secret|idnumber/i;

/** Whether a field is a secret never written back into a page (its field asks for it again). */
export const isSecretField = (name: string) => SECRET_FIELD.test(name);

/** Values of a multipart body read so far, per request (recorded by web/multipart.ts as parts arrive). */
const multipartValues = new WeakMap<FastifyRequest, Record<string, string>>();

/** Records one multipart field for a possible re-render of the form. */
export function recordMultipartField(req: FastifyRequest, name: string, value: string): void {
  let values = multipartValues.get(req);
  if (!values) {
    values = {};
    multipartValues.set(req, values);
  }
  values[name] = value;
}

/**
 * The longest value written back into a form (UTF-16 units): ten times the longest text field the site accepts
 * (a 2000-character comment), so anything a person typed comes back to be shortened, while a pasted megabyte is
 * not echoed into the page (its field is empty again, beside the sentence saying how long it may be).
 */
export const MAX_KEPT_CHARS = 20_000;

/** What the user submitted, as strings by field name, without secrets and without over-long values. */
export function submittedValues(req: FastifyRequest): Record<string, string> {
  const raw = multipartValues.get(req) ?? (req.body && typeof req.body === 'object' ? req.body : {});
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (SECRET_FIELD.test(name)) continue;
    const text = typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
    if (typeof text === 'string' && text.length <= MAX_KEPT_CHARS) values[name] = text;
  }
  return values;
}

/**
 * Status of a re-rendered form: 422 (the submission was understood and refused) for invalid input, conflicts and
 * files refused; 402, 403 and 429 keep theirs (cannot afford, not allowed, wait), so clients and logs tell them apart.
 */
export function formStatus(err: AppError): number {
  return err.status === 402 || err.status === 403 || err.status === 429 ? err.status : 422;
}

/**
 * Whether a refusal comes back as the form: input that is invalid, in conflict, too large or too frequent. A 402 or
 * 403 only when it names a field (a price that needs 实名认证, an amount above the balance): an unqualified 403 is
 * "you may not be here" (a non-admin on an admin form, a bad CSRF token) and must never render the page behind it.
 */
export function isFormRefusal(err: AppError): boolean {
  if (err.status === 402 || err.status === 403) return err.field !== undefined;
  return err.status === 400 || err.status === 409 || err.status === 413 || err.status === 422 || err.status === 429;
}

/** The state of a refused form: the sentence goes beside its field when the error names one. */
export function formStateOf(req: FastifyRequest, form: string, err: AppError, message: string): FormState {
  return { form, values: submittedValues(req), error: message, fields: err.field ? { [err.field]: message } : {} };
}

/** The state meant for the form `id`, or undefined when the page's refused form is another one (or none). */
export function stateFor(state: FormState | undefined, id: string): FormState | undefined {
  return state?.form === id ? state : undefined;
}

import type { MessageKey } from './i18n/messages.ts';

/**
 * An error a user may see. `code` is stable for API clients; `messageKey` names a zh-CN catalog entry;
 * `expose` false means the client only ever sees a generic message.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageKey: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly expose = true,
  ) {
    super(`${code}: ${messageKey}`);
    this.name = 'AppError';
  }

  /** The form field this error is about, if any: a re-rendered form shows the sentence beside that field. */
  field: string | undefined = undefined;

  /** Names the form field this error is about (`throw badRequest(…).on('price')`); returns the error. */
  on(field: string): this {
    this.field = field;
    return this;
  }
}

/** 400: the request is malformed or a field is invalid. */
export const badRequest = (key: MessageKey, params?: Record<string, string | number>) =>
  new AppError(400, 'bad_request', key, params);
/** 401: the action needs a logged-in user. */
export const unauthorized = () => new AppError(401, 'unauthorized', 'error.loginRequired');
/** 403: the user may not do this. */
export const forbidden = (key: MessageKey = 'error.forbidden') => new AppError(403, 'forbidden', key);
/** 404: no such thing (or not visible to this user). */
export const notFound = (key: MessageKey = 'error.notFound') => new AppError(404, 'not_found', key);
/** 409: conflicts with existing state. */
export const conflict = (key: MessageKey, params?: Record<string, string | number>) =>
  new AppError(409, 'conflict', key, params);
/** 410: it existed and was deleted. */
export const gone = (key: MessageKey = 'error.gone') => new AppError(410, 'gone', key);
/** 413: the upload is larger than allowed. */
export const tooLarge = (params: Record<string, string | number>) =>
  new AppError(413, 'too_large', 'upload.tooLarge', params);
/** 415/422: the uploaded file cannot be accepted. */
export const unsupportedFile = (key: MessageKey, params?: Record<string, string | number>) =>
  new AppError(422, 'unsupported_file', key, params);

/** Runs one field's check: an AppError it throws that names no field is marked as this field's (see AppError.on). */
export async function onField<T>(field: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw err instanceof AppError && !err.field ? err.on(field) : err;
  }
}

/**
 * One error type for every non-2xx answer, and the conversion of anything
 * thrown into the one JSON envelope `{error: {code, message, field?, hint?}}`.
 */
import { isMineError } from '@mine/core';
import type { JobError } from './schemas.js';

/** An HTTP error with a stable code; the error middleware turns it into the envelope. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly hint?: string;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { field?: string; hint?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.hint !== undefined) this.hint = extra.hint;
    this.headers = extra.headers ?? {};
  }

  /** The envelope's `error` object. */
  toJSON(): JobError {
    const out: JobError = { code: this.code, message: this.message };
    if (this.field !== undefined) out.field = this.field;
    if (this.hint !== undefined) out.hint = this.hint;
    return out;
  }
}

/**
 * The envelope body of a core `MineError`, with `field` set to where in the
 * request the problem is (core names a column or a parameter; the client
 * wants the body field). Column and row, when core gives them, are passed on.
 */
export function mineErrorBody(e: unknown, field?: string): JobError & { column?: string; row?: number } {
  if (!isMineError(e)) throw e;
  const j = e.toJSON();
  const out: JobError & { column?: string; row?: number } = { code: j.code, message: j.message };
  const f = field ?? j.field;
  if (f !== undefined && f !== '') out.field = f;
  if (j.hint !== undefined) out.hint = j.hint;
  if (j.column !== undefined) out.column = j.column;
  if (j.row !== undefined) out.row = j.row;
  return out;
}

/** A 400 from a MineError (input problem) with `field` naming the request field. */
export class InputError extends ApiError {
  readonly body: ReturnType<typeof mineErrorBody>;
  constructor(e: unknown, field?: string) {
    const body = mineErrorBody(e, field);
    super(400, body.code, body.message, body);
    this.body = body;
  }
  override toJSON(): ReturnType<typeof mineErrorBody> {
    return this.body;
  }
}

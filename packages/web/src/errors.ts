import { isMineError } from '@mine/core';

/**
 * An error as the page shows it: core's MineError fields survive the trip
 * through `postMessage` and the HTTP error envelope in this shape (a
 * structured clone drops an Error's subclass and `code`).
 */
export interface UserError {
  /** MineError code (`PARSE_ERROR`, `INVALID_PARAMS`, …), an HTTP envelope code, or `INTERNAL`. */
  code: string;
  message: string;
  hint?: string;
  field?: string;
  column?: string;
}

/** Any thrown value as a UserError: MineErrors keep their code and hint; bugs become `INTERNAL` with their message (never a stack). */
export function toUserError(e: unknown): UserError {
  if (isMineError(e)) {
    const j = e.toJSON();
    const out: UserError = { code: j.code, message: j.message };
    if (j.hint !== undefined) out.hint = j.hint;
    if (j.field !== undefined) out.field = j.field;
    if (j.column !== undefined) out.column = j.column;
    return out;
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message: message || 'unexpected error' };
}

/**
 * The one error type for a user's mistake. Frontends show `message` (one line,
 * names the column / row / field at fault) and `hint`, never a stack trace;
 * `code` is stable and machine-readable (HTTP 400 bodies, CLI exit code 2).
 *
 * Programming errors inside the library stay plain `Error`s: they are bugs, not
 * input problems, and frontends report them as runtime failures.
 */
export type MineErrorCode =
  | 'EMPTY_CELL'
  | 'NAN_VALUE'
  | 'INFINITE_VALUE'
  | 'CONSTANT_COLUMN'
  | 'UNKNOWN_COLUMN'
  | 'EMPTY_SELECTION'
  | 'TOO_FEW_ROWS'
  | 'LENGTH_MISMATCH'
  | 'OVERLAPPING_SELECTION'
  | 'INVALID_PARAMS'
  | 'UNKNOWN_ESTIMATOR'
  | 'UNSUPPORTED_DATA'
  | 'PARSE_ERROR'
  | 'MISSING_HEADER'
  | 'DUPLICATE_COLUMN'
  | 'INVALID_INPUT'
  | 'ABORTED';

/** Where in the input the problem is. Rows are 1-based data rows (the header is not a row). */
export interface ErrorLocation {
  column?: string;
  row?: number;
  /** Parameter path for INVALID_PARAMS, e.g. `k` or `normalization`. */
  field?: string;
}

export class MineError extends Error {
  override readonly name = 'MineError';
  readonly code: MineErrorCode;
  readonly column?: string;
  readonly row?: number;
  readonly field?: string;
  /** A short suggestion of what to do about it. */
  readonly hint?: string;

  constructor(code: MineErrorCode, message: string, where: ErrorLocation & { hint?: string } = {}) {
    super(message);
    this.code = code;
    if (where.column !== undefined) this.column = where.column;
    if (where.row !== undefined) this.row = where.row;
    if (where.field !== undefined) this.field = where.field;
    if (where.hint !== undefined) this.hint = where.hint;
  }

  /** A plain JSON-safe view (server error envelope, CLI `--json` errors). */
  toJSON(): { code: MineErrorCode; message: string } & ErrorLocation & { hint?: string } {
    const out: { code: MineErrorCode; message: string } & ErrorLocation & { hint?: string } = {
      code: this.code,
      message: this.message,
    };
    if (this.column !== undefined) out.column = this.column;
    if (this.row !== undefined) out.row = this.row;
    if (this.field !== undefined) out.field = this.field;
    if (this.hint !== undefined) out.hint = this.hint;
    return out;
  }
}

export function isMineError(e: unknown): e is MineError {
  return e instanceof MineError;
}

/** Throws ABORTED if the signal has fired. Estimators call this between chunks of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new MineError('ABORTED', 'the estimation was aborted');
  }
}

/**
 * How failures leave the CLI: one line naming the problem, one hint line, and
 * an exit code (0 success, 1 runtime failure, 2 usage or input error, 130
 * aborted by Ctrl-C). Stacks only with MINE_DEBUG=1: a user's mistake is not
 * a crash.
 */
import { CommanderError } from 'commander';
import { isMineError, type MineError } from '@mine/core';
import { flagForField } from './flags.js';

/** Exit codes. */
export const EXIT = { ok: 0, failure: 1, usage: 2, aborted: 130 } as const;

/** A mistake in how the command was called (a flag the estimator does not take, a missing file…). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly hint?: string;
  constructor(message: string, opts: { hint?: string } = {}) {
    super(message);
    if (opts.hint !== undefined) this.hint = opts.hint;
  }
}

/** MineError codes that are the caller's input, not a failure of the tool. Everything but ABORTED. */
function isInputCode(e: MineError): boolean {
  return e.code !== 'ABORTED';
}

/** What to print and the exit code, for any thrown value. */
export interface Failure {
  message: string;
  hint?: string;
  code: number;
  /** Stack (printed only with MINE_DEBUG=1). */
  stack?: string;
}

/**
 * Classifies an error. `command` names the subcommand for help hints.
 * INVALID_PARAMS from core names a parameter (`k`); it is reported with the
 * flag (`--k`) the user typed.
 */
export function describeFailure(e: unknown, command = ''): Failure {
  const helpHint = `run 'mine ${command ? command + ' ' : ''}--help' for usage`;
  if (e instanceof UsageError) {
    return { message: e.message, hint: e.hint ?? helpHint, code: EXIT.usage, ...stackOf(e) };
  }
  if (isMineError(e)) {
    if (e.code === 'INVALID_PARAMS') {
      const flag = flagForField(e.field);
      return {
        message: flag ? `invalid value for ${flag}: ${e.message}` : e.message,
        hint: flag ? `run 'mine ${command || 'estimate'} --help' to see ${flag}'s range and default` : helpHint,
        code: EXIT.usage,
        ...stackOf(e),
      };
    }
    if (e.code === 'UNKNOWN_ESTIMATOR') {
      return { message: e.message, hint: 'pass one of the ids above with --estimator', code: EXIT.usage, ...stackOf(e) };
    }
    return {
      message: e.message,
      hint: e.hint ?? defaultHint(e),
      code: isInputCode(e) ? EXIT.usage : EXIT.failure,
      ...stackOf(e),
    };
  }
  if (e instanceof CommanderError) {
    let message = e.message.replace(/^error: /, '');
    // "option '--steps <n>' argument 'abc' is invalid. --steps takes a number, got 'abc'": our parser's text says it all.
    const ours = /is invalid\. (.+)$/s.exec(message);
    if (e.code === 'commander.invalidArgument' && ours) message = ours[1]!;
    return { message, hint: helpHint, code: EXIT.usage };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    message: `unexpected failure: ${err.message}`,
    hint: 'this looks like a bug in mine; rerun with MINE_DEBUG=1 for the stack and report it',
    code: EXIT.failure,
    ...stackOf(err),
  };
}

function defaultHint(e: MineError): string {
  switch (e.code) {
    case 'NAN_VALUE':
    case 'EMPTY_CELL':
    case 'INFINITE_VALUE':
      return 'clean or drop the rows with missing values, or select other columns';
    case 'PARSE_ERROR':
    case 'MISSING_HEADER':
      return 'the file must be CSV/TSV with a header line, or JSON (records or column arrays)';
    default:
      return 'check the input file and the selected columns';
  }
}

function stackOf(e: Error): { stack?: string } {
  return e.stack ? { stack: e.stack } : {};
}

/** Writes the failure to stderr: `mine: <message>` then `  hint: <hint>`. */
export function printFailure(f: Failure, stderr: NodeJS.WritableStream = process.stderr): void {
  stderr.write(`mine: ${f.message}\n`);
  if (f.hint) stderr.write(`  hint: ${f.hint}\n`);
  if (process.env['MINE_DEBUG'] === '1' && f.stack) stderr.write(`${f.stack}\n`);
}

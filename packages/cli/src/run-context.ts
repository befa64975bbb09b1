/**
 * Runtime plumbing shared by the commands: whether to animate, Ctrl-C as an
 * AbortSignal, and writing the one result to stdout.
 */
import { EXIT } from './errors.js';

/** True when the live view should run: both streams are terminals and no --json. */
export function isInteractive(json: boolean | undefined): boolean {
  return !json && Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY);
}

/**
 * Runs `work` with an AbortSignal that the first Ctrl-C (SIGINT) fires; core
 * then stops at its next check and rejects with ABORTED. A second Ctrl-C
 * exits at once with 130, for when something does not stop.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.aborted);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Writes exactly one JSON document to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Columns of the stdout terminal (100 when not a terminal). */
export function stdoutColumns(): number {
  return process.stdout.isTTY ? Math.max(40, Math.min(process.stdout.columns ?? 100, 140)) : 100;
}

/**
 * A minimal structured logger: one JSON line per event on stderr. Stacks of
 * internal errors go here, never to clients.
 */

/** What the app, runner and main write to. */
export interface Logger {
  info(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

/** JSON lines on a stream (stderr by default). */
export function jsonLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const out = (level: string, msg: string, data?: Record<string, unknown>): void =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...data })}\n`);
  return { info: (m, d) => out('info', m, d), error: (m, d) => out('error', m, d) };
}

/** Discards everything (tests). */
export const silentLogger: Logger = { info: () => {}, error: () => {} };

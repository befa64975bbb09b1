import { throwIfAborted } from './errors.js';

/** With a signal, yield to the event loop after this many ms of work so an abort can be delivered. */
const YIELD_MS = 100;

/** Resolves on a later macrotask, so pending events (an abort, a progress render) can run. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Drives a long computation written as a generator that `yield`s between
 * chunks of work (KSG, mixed). Checks the signal at every chunk and, when a
 * signal is given, yields to the event loop every ~100 ms: a signal can only
 * fire while our synchronous loop is not running.
 */
export async function runCooperatively<T>(steps: Generator<void, T, void>, signal: AbortSignal | undefined): Promise<T> {
  let last = performance.now();
  let r = steps.next();
  while (!r.done) {
    throwIfAborted(signal);
    if (signal && performance.now() - last > YIELD_MS) {
      await yieldToEventLoop();
      last = performance.now();
      throwIfAborted(signal);
    }
    r = steps.next();
  }
  return r.value;
}

/** Runs a step generator to completion synchronously (no signal to honour). */
export function runToEnd<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

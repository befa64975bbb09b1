/**
 * The piscina worker: runs one job per call. It rebuilds the Dataset from the
 * stored request and calls core's `estimate` / `rankFeatures` with an
 * AbortSignal and an onProgress callback, both wired to a MessagePort the
 * main thread holds: `{type:'abort'}` in, `{type:'progress', event}` out.
 * Core yields to the event loop every ~100 ms when given a signal, which is
 * what lets the abort message be delivered in the middle of training.
 */
import type { MessagePort } from 'node:worker_threads';
import { estimate, isMineError, rankFeatures, type ProgressEvent } from '@mine/core';
import { buildDataset, type JobRequest } from './validate.js';

/** What the main thread sends: the job and its private port. */
export interface WorkerTask {
  request: JobRequest;
  port: MessagePort;
}

/** What a worker answers. Errors are returned, not thrown: a thrown MineError loses its class crossing threads. */
export type WorkerOutcome = (
  | { ok: true; result: unknown }
  | { ok: false; error: { code: string; message: string; field?: string; hint?: string }; stack?: string }
) & {
  /**
   * The last progress event core reported. It rides on the outcome because the
   * port's messages and piscina's result travel on different channels, so the
   * final progress message may reach the main thread after the result does.
   */
  lastProgress?: ProgressEvent;
};

/** Messages on the job's port. */
export type PortMessage = { type: 'abort' } | { type: 'progress'; event: ProgressEvent };

/** Most progress messages per second a worker posts (the main thread throttles further). */
const MAX_PROGRESS_PER_SECOND = 10;

/** Runs one job. Default export: piscina's entry point. */
export default async function runJob({ request, port }: WorkerTask): Promise<WorkerOutcome> {
  const ac = new AbortController();
  port.on('message', (m: PortMessage) => {
    if (m.type === 'abort') ac.abort();
  });
  let lastSent = 0;
  let lastProgress: ProgressEvent | undefined;
  const onProgress = (event: ProgressEvent): void => {
    lastProgress = event;
    const now = performance.now();
    const final = event.total !== undefined && event.done >= event.total;
    if (!final && now - lastSent < 1000 / MAX_PROGRESS_PER_SECOND) return;
    lastSent = now;
    port.postMessage({ type: 'progress', event } satisfies PortMessage);
  };
  const options = { signal: ac.signal, onProgress };
  const outcome = await runRequest(request, options);
  port.close();
  return lastProgress === undefined ? outcome : { ...outcome, lastProgress };
}

async function runRequest(
  request: JobRequest,
  options: { signal: AbortSignal; onProgress: (event: ProgressEvent) => void },
): Promise<WorkerOutcome> {
  try {
    const ds = buildDataset(request.data);
    if (request.type === 'estimate') {
      const result = await estimate(ds.variable(request.x), ds.variable(request.y), request.config, options);
      return { ok: true, result };
    }
    const features = await rankFeatures(ds, request.target, request.features, request.config, options);
    return { ok: true, result: { target: request.target, features } };
  } catch (e) {
    if (isMineError(e)) {
      const { code, message, field, hint } = e.toJSON();
      const error: { code: string; message: string; field?: string; hint?: string } = { code, message };
      if (field !== undefined && field !== '') error.field = field;
      if (hint !== undefined) error.hint = hint;
      return { ok: false, error };
    }
    // A bug, not an input problem: the client sees INTERNAL; the stack goes to the server log.
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, error: { code: 'INTERNAL', message: 'internal error while running the job' }, stack: err.stack ?? err.message };
  }
}

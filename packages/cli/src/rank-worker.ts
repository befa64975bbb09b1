/**
 * Worker thread of `mine rank`: imports @mine/core and estimates
 * I(feature; target) for each message it gets. Each worker is one pool slot;
 * the data arrive as `Variable`s (plain objects with a Float64Array, which
 * structured clone copies).
 */
import { parentPort } from 'node:worker_threads';
import { estimate, isMineError, type Variable } from '@mine/core';

/** A job sent to the worker. */
export interface RankJob {
  index: number;
  x: Variable;
  y: Variable;
  config: Record<string, unknown>;
}

/** The worker's answer: a result, or the error in a cloneable form. */
export type RankReply =
  | { index: number; result: import('@mine/core').EstimateResult }
  | { index: number; error: { mine: boolean; code?: string; message: string; field?: string; column?: string; row?: number; hint?: string; stack?: string } };

const port = parentPort;
if (port) {
  port.on('message', (job: RankJob) => {
    estimate(job.x, job.y, job.config).then(
      (result) => port.postMessage({ index: job.index, result } satisfies RankReply),
      (e: unknown) => {
        const error = isMineError(e)
          ? { mine: true, ...e.toJSON() }
          : { mine: false, message: e instanceof Error ? e.message : String(e), ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) };
        port.postMessage({ index: job.index, error } satisfies RankReply);
      },
    );
  });
}

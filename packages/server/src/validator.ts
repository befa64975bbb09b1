/**
 * Where request validation runs. Parsing a table and running core's checks
 * takes about 2 s for a 45 MB CSV, and the HTTP thread must never stall that
 * long (SSE, status polls and /healthz share it), so the service validates on
 * its own worker thread (piscina, separate from the training pool so that a
 * submission is never queued behind training). Tests may use the in-process
 * validator: the result is the same, only the thread differs.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ApiError } from './errors.js';
import type { EstimateRequest, RankingRequest } from './schemas.js';
import { prepareEstimate, prepareRanking, type DataLimits, type JobRequest } from './validate.js';
import type { ValidateOutcome, ValidateTask } from './validate-worker.js';

/** Turns a request body (already shape-checked) into a JobRequest, or throws the ApiError to answer with. */
export interface Validator {
  estimate(body: EstimateRequest, limits: DataLimits): Promise<JobRequest>;
  ranking(body: RankingRequest, limits: DataLimits): Promise<JobRequest>;
  destroy(): Promise<void>;
}

/** Validates on the calling thread. */
export const inProcessValidator: Validator = {
  estimate: prepareEstimate,
  ranking: prepareRanking,
  destroy: async () => {},
};

/** The built validation worker (see pool.ts's `defaultWorkerFile` for why dist/ from src/). */
function defaultValidateWorkerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../dist/validate-worker.js', here) : new URL('./validate-worker.js', here);
  return fileURLToPath(url);
}

/** Validates on `threads` worker threads; errors come back as data and are rebuilt as ApiErrors. */
export class ThreadValidator implements Validator {
  private readonly piscina: Piscina<ValidateTask, ValidateOutcome>;

  constructor(opts: { threads?: number; workerFile?: string } = {}) {
    const threads = opts.threads ?? 1;
    this.piscina = new Piscina<ValidateTask, ValidateOutcome>({
      filename: opts.workerFile ?? defaultValidateWorkerFile(),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
    });
  }

  estimate(body: EstimateRequest, limits: DataLimits): Promise<JobRequest> {
    return this.run({ kind: 'estimate', body, limits });
  }

  ranking(body: RankingRequest, limits: DataLimits): Promise<JobRequest> {
    return this.run({ kind: 'ranking', body, limits });
  }

  private async run(task: ValidateTask): Promise<JobRequest> {
    const out = await this.piscina.run(task);
    if (out.ok) return out.request;
    const { status, code, message, field, hint, headers } = out.error;
    const extra: { field?: string; hint?: string; headers?: Record<string, string> } = { headers };
    if (field !== undefined) extra.field = field;
    if (hint !== undefined) extra.hint = hint;
    throw new ApiError(status, code, message, extra);
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}

/**
 * The validation thread's task (see validator.ts): parse and check one
 * request body. An ApiError cannot cross threads as itself (structured clone
 * keeps only an Error's message), so it comes back as data.
 */
import { ApiError } from './errors.js';
import type { EstimateRequest, RankingRequest } from './schemas.js';
import { prepareEstimate, prepareRanking, type DataLimits, type JobRequest } from './validate.js';

export type ValidateTask =
  | { kind: 'estimate'; body: EstimateRequest; limits: DataLimits }
  | { kind: 'ranking'; body: RankingRequest; limits: DataLimits };

export type ValidateOutcome =
  | { ok: true; request: JobRequest }
  | { ok: false; error: { status: number; code: string; message: string; field?: string; hint?: string; headers: Record<string, string> } };

export default async function validateTask(task: ValidateTask): Promise<ValidateOutcome> {
  try {
    const request = task.kind === 'estimate' ? await prepareEstimate(task.body, task.limits) : await prepareRanking(task.body, task.limits);
    return { ok: true, request };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e; // a bug: the HTTP thread logs it and answers 500
    const error: Extract<ValidateOutcome, { ok: false }>['error'] = { status: e.status, code: e.code, message: e.message, headers: e.headers };
    if (e.field !== undefined) error.field = e.field;
    if (e.hint !== undefined) error.hint = e.hint;
    return { ok: false, error };
  }
}

/**
 * "Run on the service": the same runs, done by @mine/server when the page is
 * served by it. Follows the HTTP contract: POST /v1/estimates or
 * /v1/rankings → 202 {id, links}; progress, then the final Job, over
 * Server-Sent Events at links.events; DELETE links.self cancels.
 */
import type { EstimateResult, ProgressEvent } from '@mine/core';
import type { UserError } from './errors.js';
import type { TableFormat } from './load.js';
import type { RankedFeature } from './protocol.js';
import type { RunHandle, RunOutcome, RunRequest } from './worker-client.js';

/** The server's Job, as far as the page reads it. */
export interface Job {
  id: string;
  type: 'estimate' | 'ranking';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  result: EstimateResult | { target: string; features: RankedFeature[] } | null;
  error: UserError | null;
  links: { self: string; events: string };
}

/**
 * True when the page's own origin answers `GET /v1/estimators` with a list,
 * i.e. the page is served by @mine/server (or proxied to it in dev).
 */
export async function detectService(fetchImpl: typeof fetch = fetch): Promise<boolean> {
  try {
    const res = await fetchImpl('/v1/estimators', { headers: { accept: 'application/json' } });
    if (!res.ok) return false;
    const body: unknown = await res.json();
    return Array.isArray(body) || (typeof body === 'object' && body !== null && Array.isArray((body as { estimators?: unknown }).estimators));
  } catch {
    return false;
  }
}

/** The `data` field of a request body: CSV/TSV as text, JSON as the records or columns it holds. */
export function requestData(text: string, format: TableFormat): unknown {
  if (format !== 'json') return text;
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value : { columns: value };
}

/** Reads the error envelope `{error: {code, message, field?, hint?}}` of a non-2xx answer. */
async function envelopeError(res: Response): Promise<UserError> {
  try {
    const body = (await res.json()) as { error?: UserError };
    if (body.error && typeof body.error.message === 'string') return body.error;
  } catch {
    // not JSON: fall through
  }
  return { code: 'INTERNAL', message: `the service answered ${res.status} ${res.statusText}` };
}

/** The outcome a finished Job stands for. */
export function jobOutcome(job: Job): RunOutcome | undefined {
  if (job.status === 'succeeded' && job.result) {
    return 'features' in job.result ? { kind: 'ranking', ranking: job.result.features } : { kind: 'result', result: job.result };
  }
  if (job.status === 'failed') return { kind: 'error', error: job.error ?? { code: 'INTERNAL', message: 'the job failed' } };
  if (job.status === 'cancelled') return { kind: 'cancelled', terminated: false };
  return undefined;
}

/** Submits a run to the service and follows its events; same handle as the worker's. */
export function runOnService(request: RunRequest, onProgress: (e: ProgressEvent) => void): RunHandle {
  let finish!: (o: RunOutcome) => void;
  let settled = false;
  let job: Pick<Job, 'links'> | undefined;
  let source: EventSource | undefined;
  let cancelRequested = false;
  const outcome = new Promise<RunOutcome>((resolve) => {
    finish = (o) => {
      if (settled) return;
      settled = true;
      source?.close();
      resolve(o);
    };
  });

  const { estimator, ...params } = request.config;
  const data = requestData(request.text, request.format);
  const [path, body] =
    request.type === 'estimate'
      ? ['/v1/estimates', { data, x: request.x, y: request.y, estimator, params }]
      : ['/v1/rankings', { data, target: request.target, features: request.features.length > 0 ? request.features : undefined, estimator, params }];

  const cancelJob = async (): Promise<void> => {
    if (!job) return;
    await fetch(job.links.self, { method: 'DELETE' }).catch(() => undefined);
    // Whatever the answer (200; 409 when the job finished first; a network error), the user asked
    // to cancel: the run ends here as cancelled, and a late `done` is ignored (settled).
    finish({ kind: 'cancelled', terminated: false });
  };

  void (async () => {
    try {
      const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) return finish({ kind: 'error', error: await envelopeError(res) });
      job = (await res.json()) as Job;
      if (cancelRequested) return void cancelJob();
      source = new EventSource(job.links.events);
      source.addEventListener('progress', (e) => {
        if (!cancelRequested) onProgress(JSON.parse((e as MessageEvent<string>).data) as ProgressEvent);
      });
      source.addEventListener('done', (e) => {
        const final = JSON.parse((e as MessageEvent<string>).data) as Job;
        const o = jobOutcome(final);
        finish(cancelRequested ? { kind: 'cancelled', terminated: false } : (o ?? { kind: 'error', error: { code: 'INTERNAL', message: `job ended as ${final.status}` } }));
      });
      source.onerror = () => {
        // The stream ends after `done` (already settled) or broke: ask for the job itself. While the
        // browser reconnects (CONNECTING) an unfinished job just waits for the stream; once it has
        // given up (CLOSED) the run ends with an error rather than hang.
        if (settled || !job) return;
        const gaveUp = source?.readyState === EventSource.CLOSED;
        const lost = { kind: 'error', error: { code: 'INTERNAL', message: 'lost the connection to the service (the job may still be running there)' } } as const;
        void fetch(job.links.self)
          .then(async (r) => (r.ok ? jobOutcome((await r.json()) as Job) : undefined))
          .then((o) => {
            if (o) finish(o);
            else if (gaveUp) finish(lost);
          })
          .catch(() => finish(lost));
      };
    } catch (e) {
      finish({ kind: 'error', error: { code: 'INTERNAL', message: `could not reach the service: ${(e as Error).message}` } });
    }
  })();

  return {
    outcome,
    cancel: () => {
      if (cancelRequested || settled) return;
      cancelRequested = true;
      void cancelJob();
    },
  };
}

/**
 * The scheduler between the jobs table and the worker pool. It claims the
 * oldest queued job whenever a thread is free (never more jobs than threads,
 * so the durable queue stays in SQLite), throttles progress to ≤ 5 writes and
 * pushes per second per job, enforces the per-job time limit, cancels, and
 * requeues running jobs on shutdown. Subscribers (SSE, `?wait=`) get
 * `status`, `progress` and `done` events.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ProgressEvent } from '@mine/core';
import type { JobPool, RunHandle } from './pool.js';
import type { JobError, JobStatus } from './schemas.js';
import type { JobStore, JobSummary } from './store.js';
import type { JobRequest } from './validate.js';
import type { Logger } from './log.js';

/** An event about one job. */
export type JobEvent =
  | { type: 'status'; status: JobStatus }
  | { type: 'progress'; progress: ProgressEvent }
  | { type: 'done'; job: JobSummary };

/** Options of the runner. */
export interface RunnerOptions {
  /** Per-job wall-clock limit in seconds; past it the job fails with TIMEOUT. */
  jobTimeoutSeconds: number;
  /** Minimum ms between two stored/pushed progress events of one job. @default 200 (≤ 5/s) */
  progressIntervalMs?: number;
  /** Ms a worker gets to honour an abort before its thread is terminated. @default 5000 */
  killAfterMs?: number;
  /** Starts beyond this many attempts fail the job instead (a job that crashes the process every time). @default 3 */
  maxAttempts?: number;
}

/** Why a running job is being stopped. */
type StopReason = 'cancel' | 'timeout' | 'shutdown';

interface Running {
  id: string;
  handle: RunHandle;
  stop?: StopReason;
  timer: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  /** Progress not yet flushed (throttling), and when the last one was. */
  pending?: ProgressEvent;
  lastFlush: number;
  flushTimer?: NodeJS.Timeout;
  settled: Promise<void>;
}

/** Schedules jobs from a JobStore onto a JobPool. */
export class JobRunner {
  private readonly store: JobStore;
  private readonly pool: JobPool;
  private readonly log: Logger;
  private readonly opts: Required<RunnerOptions>;
  private readonly events = new EventEmitter();
  private readonly running = new Map<string, Running>();
  private stopping = false;

  constructor(store: JobStore, pool: JobPool, log: Logger, opts: RunnerOptions) {
    this.store = store;
    this.pool = pool;
    this.log = log;
    this.opts = { progressIntervalMs: 200, killAfterMs: 5000, maxAttempts: 3, ...opts };
    // SSE streams and waiters each add a listener per job; no fixed cap applies.
    this.events.setMaxListeners(0);
  }

  /** Number of jobs on the pool right now. */
  get active(): number {
    return this.running.size;
  }

  /** False once shutdown began (readiness). */
  get accepting(): boolean {
    return !this.stopping;
  }

  /** Stores a new queued job and starts it if a thread is free. */
  submit(owner: string, request: JobRequest): JobSummary {
    const job = this.store.insert({ id: randomUUID(), owner, request });
    this.pump();
    return this.store.get(job.id) ?? job;
  }

  /** Starts queued jobs while threads are free. Call after start-up to resume recovered jobs. */
  pump(): void {
    while (!this.stopping && this.running.size < this.pool.size) {
      const job = this.store.claim();
      if (!job) return;
      if (job.attempts > this.opts.maxAttempts) {
        this.finish(job.id, 'failed', {
          error: { code: 'INTERNAL', message: `the job was interrupted ${job.attempts - 1} times and is not retried again` },
        });
        continue;
      }
      this.start(job.id, job.request);
    }
  }

  private start(id: string, request: JobRequest): void {
    this.emit(id, { type: 'status', status: 'running' });
    const handle = this.pool.run(request, (p) => this.onProgress(id, p));
    const r: Running = {
      id,
      handle,
      lastFlush: 0,
      timer: setTimeout(() => this.stop(id, 'timeout'), this.opts.jobTimeoutSeconds * 1000),
      settled: Promise.resolve(),
    };
    r.timer.unref();
    this.running.set(id, r);
    r.settled = handle.promise.then(
      (outcome) => this.settle(r, outcome),
      (err: unknown) => this.settle(r, { ok: false, error: { code: 'INTERNAL', message: 'the worker running the job stopped' }, stack: String(err) }),
    );
  }

  private settle(r: Running, outcome: Awaited<RunHandle['promise']>): void {
    clearTimeout(r.timer);
    if (r.killTimer) clearTimeout(r.killTimer);
    if (r.flushTimer) clearTimeout(r.flushTimer);
    // The last throttled progress event goes out before the job leaves `running`
    // (flush ignores jobs that are no longer running), so a finished job's stored
    // progress is its final step, not the last one that happened to be flushed.
    // The worker's own last event wins: its port message may still be in flight.
    if (outcome.ok && outcome.lastProgress && (!r.pending || outcome.lastProgress.done >= r.pending.done)) {
      r.pending = outcome.lastProgress;
    }
    if (outcome.ok && r.stop !== 'cancel' && r.pending) this.flush(r);
    this.running.delete(r.id);
    if (r.stop === 'cancel') {
      // Already marked cancelled when DELETE arrived; a late result is dropped.
    } else if (outcome.ok) {
      // Finished before the stop request reached it: keep the result.
      this.finish(r.id, 'succeeded', { result: outcome.result });
    } else if (r.stop === 'shutdown') {
      this.store.requeue(r.id);
      this.log.info('job requeued for the next start', { job: r.id });
    } else if (r.stop === 'timeout') {
      this.finish(r.id, 'failed', {
        error: { code: 'TIMEOUT', message: `the job exceeded the time limit of ${this.opts.jobTimeoutSeconds} s` },
      });
    } else {
      if (outcome.stack) this.log.error('job failed with an internal error', { job: r.id, stack: outcome.stack });
      this.finish(r.id, 'failed', { error: outcome.error });
    }
    this.pump();
  }

  private finish(id: string, status: 'succeeded' | 'failed' | 'cancelled', out: { result?: unknown; error?: JobError }): void {
    if (this.store.finish(id, status, out)) {
      const job = this.store.get(id);
      if (job) {
        this.emit(id, { type: 'status', status });
        this.emit(id, { type: 'done', job });
      }
    }
  }

  private onProgress(id: string, p: ProgressEvent): void {
    const r = this.running.get(id);
    if (!r || r.stop) return;
    r.pending = p;
    const wait = r.lastFlush + this.opts.progressIntervalMs - Date.now();
    if (wait <= 0) this.flush(r);
    else if (!r.flushTimer) r.flushTimer = setTimeout(() => this.flush(r), wait);
  }

  private flush(r: Running): void {
    if (r.flushTimer) clearTimeout(r.flushTimer);
    delete r.flushTimer;
    const p = r.pending;
    if (!p || !this.running.has(r.id)) return;
    delete r.pending;
    r.lastFlush = Date.now();
    this.store.setProgress(r.id, p);
    this.emit(r.id, { type: 'progress', progress: p });
  }

  private stop(id: string, reason: StopReason): void {
    const r = this.running.get(id);
    if (!r || r.stop) return;
    r.stop = reason;
    r.handle.abort();
    // A worker that does not reach an abort check in time loses its thread.
    r.killTimer = setTimeout(() => r.handle.kill(), this.opts.killAfterMs);
    r.killTimer.unref();
  }

  /**
   * Cancels a queued or running job: it is `cancelled` at once; a running
   * worker is told to stop. Returns false when the job had already finished.
   */
  cancel(id: string): boolean {
    const r = this.running.get(id);
    if (!this.store.finish(id, 'cancelled', { error: { code: 'ABORTED', message: 'the job was cancelled' } })) return false;
    if (r) this.stop(id, 'cancel');
    const job = this.store.get(id);
    if (job) {
      this.emit(id, { type: 'status', status: 'cancelled' });
      this.emit(id, { type: 'done', job });
    }
    return true;
  }

  /** Listens to one job's events; returns the unsubscribe function. */
  subscribe(id: string, listener: (e: JobEvent) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  /** Resolves with the finished job, or undefined after `ms`. */
  waitFor(id: string, ms: number): Promise<JobSummary | undefined> {
    return new Promise((resolve) => {
      const done = (job: JobSummary | undefined): void => {
        clearTimeout(timer);
        off();
        resolve(job);
      };
      const off = this.subscribe(id, (e) => {
        if (e.type === 'done') done(e.job);
      });
      const timer = setTimeout(() => done(undefined), ms);
      // The job may have finished before we subscribed.
      const now = this.store.get(id);
      if (now && isFinished(now.status)) done(now);
    });
  }

  private emit(id: string, e: JobEvent): void {
    this.events.emit(id, e);
  }

  /**
   * Stops scheduling, asks every running job to stop, and waits (up to
   * `graceMs`) for their workers; they go back to `queued` and run again on
   * the next start.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.stopping = true;
    const all = [...this.running.values()];
    for (const r of all) this.stop(r.id, 'shutdown');
    const settled = Promise.all(all.map((r) => r.settled));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise<void>((res) => (timer = setTimeout(res, graceMs)))]);
    clearTimeout(timer);
    // Anything still running (a stuck worker) is requeued directly; the thread dies with the pool.
    for (const r of this.running.values()) this.store.requeue(r.id);
  }
}

/** True for the three final states. */
export function isFinished(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

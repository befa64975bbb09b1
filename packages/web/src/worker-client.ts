import type { EstimateResult, ProgressEvent } from '@mine/core';
import type { UserError } from './errors.js';
import type { EstimateRequest, FromWorker, RankRequest, RankedFeature } from './protocol.js';

/** How a run ended. `terminated`: the worker did not stop within the grace period and was replaced. */
export type RunOutcome =
  | { kind: 'result'; result: EstimateResult }
  | { kind: 'ranking'; ranking: RankedFeature[] }
  | { kind: 'error'; error: UserError }
  | { kind: 'cancelled'; terminated: boolean };

/** A started run: its outcome, and a way to stop it. */
export interface RunHandle {
  outcome: Promise<RunOutcome>;
  /** Asks the worker to abort; terminates and replaces it if it has not stopped within the grace period. */
  cancel(): void;
}

/** A request without its id (the client numbers runs). */
export type RunRequest = Omit<EstimateRequest, 'id'> | Omit<RankRequest, 'id'>;

/** Milliseconds a cancelled run gets to stop cooperatively before its worker is terminated. @default 1000 */
export const CANCEL_GRACE_MS = 1000;

interface PendingRun {
  onProgress(e: ProgressEvent): void;
  finish(o: RunOutcome): void;
  cancelRequested: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Owns the estimation Web Worker. A worker stuck in a long synchronous
 * stretch cannot read the `cancel` message, so cancel has a deadline after
 * which the worker is killed and a fresh one started for the next run.
 */
export class EstimatorClient {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRun>();

  /**
   * @param createWorker makes a new module worker (called again after a termination).
   * @param graceMs how long a cancelled run may take to stop before the worker is terminated.
   */
  constructor(
    private readonly createWorker: () => Worker,
    private readonly graceMs = CANCEL_GRACE_MS,
  ) {
    this.worker = this.spawn();
  }

  /** Starts a run; `onProgress` gets core's progress events as they arrive. */
  run(request: RunRequest, onProgress: (e: ProgressEvent) => void): RunHandle {
    const id = this.nextId++;
    let run!: PendingRun;
    const outcome = new Promise<RunOutcome>((resolve) => {
      run = {
        onProgress,
        cancelRequested: false,
        finish: (o) => {
          if (!this.pending.delete(id)) return;
          clearTimeout(run.timer);
          resolve(o);
        },
      };
    });
    this.pending.set(id, run);
    this.worker.postMessage({ ...request, id });
    return {
      outcome,
      cancel: () => {
        if (run.cancelRequested || !this.pending.has(id)) return;
        run.cancelRequested = true;
        this.worker.postMessage({ type: 'cancel', id });
        run.timer = setTimeout(() => {
          if (!this.pending.has(id)) return;
          this.restart('the estimation worker was restarted');
          run.finish({ kind: 'cancelled', terminated: true });
        }, this.graceMs);
      },
    };
  }

  /** Stops the worker for good (page unload, tests). */
  dispose(): void {
    this.worker.terminate();
    this.pending.clear();
  }

  private receive(m: FromWorker): void {
    const run = this.pending.get(m.id);
    if (!run) return;
    if (m.type === 'progress') {
      if (!run.cancelRequested) run.onProgress(m.event);
      return;
    }
    // A run that finishes after Cancel was pressed still counts as cancelled: the user asked for no result.
    if (run.cancelRequested || m.type === 'cancelled') run.finish({ kind: 'cancelled', terminated: false });
    else if (m.type === 'result') run.finish({ kind: 'result', result: m.result });
    else if (m.type === 'ranking') run.finish({ kind: 'ranking', ranking: m.ranking });
    else run.finish({ kind: 'error', error: m.error });
  }

  /** Terminates the worker, fails the runs still on it, and starts a fresh one. */
  private restart(message: string): void {
    this.worker.terminate();
    this.worker = this.spawn();
    // Cancelled runs are finished by their caller; any other run died with the worker.
    for (const run of [...this.pending.values()]) {
      if (!run.cancelRequested) run.finish({ kind: 'error', error: { code: 'INTERNAL', message } });
    }
  }

  private spawn(): Worker {
    const w = this.createWorker();
    w.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const message = `the estimation worker failed: ${e.message || 'it could not be loaded'}`;
      for (const run of [...this.pending.values()]) run.finish({ kind: 'error', error: { code: 'INTERNAL', message } });
      // A dead worker would swallow the next run: replace it now (after the loop above, so the
      // runs it failed are not failed twice).
      if (this.worker === w) {
        this.worker.terminate();
        this.worker = this.spawn();
      }
    };
    return w;
  }
}

/**
 * The worker-thread pool (piscina) that does all training: the HTTP thread
 * only validates, stores and streams. Each run gets a private MessageChannel:
 * progress comes back on it, and a cooperative abort goes out on it (core's
 * AbortSignal inside the worker). piscina's own abort, which terminates the
 * thread, is kept as a last resort for a worker that does not stop.
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { ProgressEvent } from '@mine/core';
import { Piscina } from 'piscina';
import type { JobRequest } from './validate.js';
import type { PortMessage, WorkerOutcome, WorkerTask } from './worker.js';

/** One job in flight on the pool. */
export interface RunHandle {
  /** Settles with the worker's outcome; rejects only if the thread was killed or crashed. */
  readonly promise: Promise<WorkerOutcome>;
  /** Asks the worker to stop (core's AbortSignal): the outcome becomes an ABORTED error. */
  abort(): void;
  /** Terminates the worker thread (piscina abort); the promise rejects. */
  kill(): void;
}

/** Runs job requests on worker threads. */
export interface JobPool {
  /** Number of jobs that can run at once. */
  readonly size: number;
  run(request: JobRequest, onProgress: (event: ProgressEvent) => void): RunHandle;
  /** Stops every thread. */
  destroy(): Promise<void>;
}

/**
 * The built worker module. From `dist/` it sits next to this file; when this
 * file runs from `src/` (vitest transpiling TypeScript), threads cannot load
 * `.ts`, so the built `dist/worker.js` is used (tests run after the build).
 */
export function defaultWorkerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../dist/worker.js', here) : new URL('./worker.js', here);
  return fileURLToPath(url);
}

/** A piscina pool of `size` threads, all started up front (each loads core once). */
export class PiscinaPool implements JobPool {
  readonly size: number;
  private readonly piscina: Piscina<WorkerTask, WorkerOutcome>;

  constructor(opts: { size: number; workerFile?: string }) {
    this.size = opts.size;
    this.piscina = new Piscina<WorkerTask, WorkerOutcome>({
      filename: opts.workerFile ?? defaultWorkerFile(),
      minThreads: opts.size,
      maxThreads: opts.size,
      // The runner never hands piscina more jobs than threads: the durable
      // queue is the jobs table, not piscina's in-memory one.
      idleTimeout: 60_000,
    });
  }

  run(request: JobRequest, onProgress: (event: ProgressEvent) => void): RunHandle {
    const { port1, port2 } = new MessageChannel();
    const killer = new AbortController();
    port1.on('message', (m: PortMessage) => {
      if (m.type === 'progress') onProgress(m.event);
    });
    const promise = this.piscina
      .run({ request, port: port2 }, { transferList: [port2], signal: killer.signal })
      .finally(() => port1.close());
    return {
      promise,
      abort: () => port1.postMessage({ type: 'abort' } satisfies PortMessage),
      kill: () => killer.abort(),
    };
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}

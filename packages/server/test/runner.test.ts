/**
 * The runner against a scripted pool, for orderings a real worker produces
 * only sometimes: piscina's result and the job port's last progress message
 * travel on different channels, so the result can arrive first.
 */
import type { ProgressEvent } from '@mine/core';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import type { JobPool, RunHandle } from '../src/pool.js';
import { JobRunner, type JobEvent } from '../src/runner.js';
import { JobStore } from '../src/store.js';
import type { JobRequest } from '../src/validate.js';
import type { WorkerOutcome } from '../src/worker.js';

const request: JobRequest = {
  type: 'estimate',
  data: { columns: { x: [1, 2, 3], y: [3, 1, 2] } },
  x: ['x'],
  y: ['y'],
  config: { estimator: 'ksg' } as JobRequest['config'],
};

const step = (done: number): ProgressEvent => ({ done, total: 1000, unit: 'steps' }) as ProgressEvent;

/** A pool whose one job is driven by the test: emit progress, then resolve. */
class ScriptedPool implements JobPool {
  readonly size = 1;
  onProgress?: (e: ProgressEvent) => void;
  resolve?: (o: WorkerOutcome) => void;
  run(_request: JobRequest, onProgress: (event: ProgressEvent) => void): RunHandle {
    this.onProgress = onProgress;
    const promise = new Promise<WorkerOutcome>((r) => (this.resolve = r));
    return { promise, abort: () => {}, kill: () => {} };
  }
  async destroy(): Promise<void> {}
}

/**
 * A runner on an in-memory store and a scripted pool, with one submitted job
 * whose events are collected. A long throttle interval: only the first
 * progress event goes out on its own.
 */
function setup(): { store: JobStore; pool: ScriptedPool; runner: JobRunner; id: string; events: JobEvent[]; close: () => Promise<void> } {
  const store = new JobStore(':memory:');
  const pool = new ScriptedPool();
  const runner = new JobRunner(store, pool, silentLogger, { jobTimeoutSeconds: 60, progressIntervalMs: 60_000 });
  const { id } = runner.submit('owner', request);
  const events: JobEvent[] = [];
  runner.subscribe(id, (e) => events.push(e));
  return {
    store,
    pool,
    runner,
    id,
    events,
    close: async () => {
      await runner.shutdown(100);
      store.close();
    },
  };
}

describe('JobRunner progress at the end of a job', () => {
  it('the final step reaches the store and subscribers even when its port message never arrives', async () => {
    const { store, pool, runner, id, events, close } = setup();
    pool.onProgress!(step(100));
    pool.onProgress!(step(800)); // throttled, pending
    pool.resolve!({ ok: true, result: { value: 1 }, lastProgress: step(1000) });
    await runner.waitFor(id, 1000);
    const progress = events.filter((e) => e.type === 'progress').map((e) => (e as { progress: ProgressEvent }).progress.done);
    expect(progress).toEqual([100, 1000]);
    expect(events.at(-1)!.type).toBe('done');
    expect(store.get(id)!.progress).toMatchObject({ done: 1000 });
    // A port message that straggles in after the result changes nothing.
    pool.onProgress!(step(1000));
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(2);
    await close();
  });

  it('without lastProgress the pending throttled event is flushed before done', async () => {
    const { pool, runner, id, events, close } = setup();
    pool.onProgress!(step(100));
    pool.onProgress!(step(1000));
    pool.resolve!({ ok: true, result: { value: 1 } });
    await runner.waitFor(id, 1000);
    const kinds = events.map((e) => (e.type === 'progress' ? `progress ${e.progress.done}` : e.type));
    expect(kinds).toEqual(['progress 100', 'progress 1000', 'status', 'done']);
    await close();
  });
});

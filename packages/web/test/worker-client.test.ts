import { describe, expect, test } from 'vitest';
import type { FromWorker, ToWorker } from '../src/protocol.js';
import { EstimatorClient } from '../src/worker-client.js';

/**
 * A stand-in for the Worker object (Node has no Web Worker): it records what
 * the client posts and lets the test answer. What is under test is the
 * client's bookkeeping — the cancel deadline, replacing a stuck worker —
 * which the end-to-end test cannot force (core always stops in time).
 */
class FakeWorker {
  posted: ToWorker[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(m: ToWorker): void {
    this.posted.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(m: FromWorker): void {
    this.onmessage?.({ data: m } as MessageEvent<FromWorker>);
  }
}

function setup(graceMs: number) {
  const workers: FakeWorker[] = [];
  const client = new EstimatorClient(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w as unknown as Worker;
  }, graceMs);
  const request = { type: 'estimate', text: 'a,b\n1,2\n', format: 'csv', x: ['a'], y: ['b'], config: { estimator: 'ksg' } } as const;
  return { client, workers, request };
}

describe('EstimatorClient', () => {
  test('progress is forwarded and the result ends the run', async () => {
    const { client, workers, request } = setup(50);
    const seen: number[] = [];
    const run = client.run({ ...request, x: ['a'], y: ['b'] }, (e) => seen.push(e.done));
    const id = (workers[0]!.posted[0] as { id: number }).id;
    workers[0]!.answer({ type: 'progress', id, event: { done: 10, total: 20, unit: 'steps' } });
    workers[0]!.answer({ type: 'error', id, error: { code: 'UNKNOWN_COLUMN', message: "unknown column 'q'" } });
    expect(await run.outcome).toEqual({ kind: 'error', error: { code: 'UNKNOWN_COLUMN', message: "unknown column 'q'" } });
    expect(seen).toEqual([10]);
  });

  test('a worker that acknowledges the cancel is kept', async () => {
    const { client, workers, request } = setup(1000);
    const run = client.run({ ...request, x: ['a'], y: ['b'] }, () => {});
    const id = (workers[0]!.posted[0] as { id: number }).id;
    run.cancel();
    expect(workers[0]!.posted[1]).toEqual({ type: 'cancel', id });
    workers[0]!.answer({ type: 'cancelled', id });
    expect(await run.outcome).toEqual({ kind: 'cancelled', terminated: false });
    expect(workers).toHaveLength(1);
    expect(workers[0]!.terminated).toBe(false);
  });

  test('a worker that ignores the cancel is terminated after the grace period and replaced', async () => {
    const { client, workers, request } = setup(50);
    const run = client.run({ ...request, x: ['a'], y: ['b'] }, () => {});
    const t0 = performance.now();
    run.cancel();
    expect(await run.outcome).toEqual({ kind: 'cancelled', terminated: true });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    // The next run goes to the new worker.
    client.run({ ...request, x: ['a'], y: ['b'] }, () => {});
    expect(workers[1]!.posted).toHaveLength(1);
    expect(workers[1]!.posted[0]!.type).toBe('estimate');
  });

  test('a result that arrives after Cancel still counts as cancelled', async () => {
    const { client, workers, request } = setup(1000);
    const run = client.run({ ...request, x: ['a'], y: ['b'] }, () => {});
    const id = (workers[0]!.posted[0] as { id: number }).id;
    run.cancel();
    workers[0]!.answer({ type: 'ranking', id, ranking: [] });
    expect(await run.outcome).toEqual({ kind: 'cancelled', terminated: false });
  });
});

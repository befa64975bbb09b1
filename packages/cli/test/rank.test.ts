import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dataset, rankFeatures } from '@mine/core';
// The built module: its worker file is dist/rank-worker.js.
import { rankParallel } from '../dist/index.js';

describe('rankParallel (worker threads)', () => {
  it('with 3 workers gives exactly core rankFeatures numbers and order, and progress per feature', async () => {
    const ds = Dataset.parse(readFileSync(new URL('../examples/features.csv', import.meta.url), 'utf8'));
    const config = { estimator: 'ksg', k: 4, seed: 7 };
    const events: number[] = [];
    const got = await rankParallel(ds, 'target', undefined, config, { workers: 3, onProgress: (e) => events.push(e.done) });
    const want = await rankFeatures(ds, 'target', undefined, config);
    expect(got.map((g) => g.feature)).toEqual(want.map((w) => w.feature));
    expect(got.map((g) => g.result.value)).toEqual(want.map((w) => w.result.value));
    expect(got.map((g) => g.result.params)).toEqual(want.map((w) => w.result.params));
    expect(events).toEqual([1, 2, 3, 4, 5]);
  });

  it('an aborted signal rejects with ABORTED and stops the workers', async () => {
    const ds = Dataset.parse(readFileSync(new URL('../examples/features.csv', import.meta.url), 'utf8'));
    const c = new AbortController();
    const p = rankParallel(ds, 'target', undefined, { estimator: 'mine', steps: 100000, earlyStop: false }, { workers: 2, signal: c.signal });
    setTimeout(() => c.abort(), 300);
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

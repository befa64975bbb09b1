import { describe, expect, test } from 'vitest';
import { Dataset } from './data/dataset.js';
import { permutationTest, rankFeatures } from './index.js';
import { Rng } from './rng.js';

describe('permutationTest', () => {
  test('dependent data: the smallest attainable p-value; independent data: a large one', async () => {
    const rng = new Rng(31);
    const n = 400;
    const x = Array.from({ length: n }, () => rng.normal());
    const dep = x.map((v) => 0.6 * v + 0.8 * rng.normal()); // ρ = 0.6, MI = 0.22 nats, far above the null's spread
    const ind = x.map(() => rng.normal());
    const B = 49;
    const a = await permutationTest(x, dep, { estimator: 'gaussian' }, { permutations: B, seed: 1 });
    expect(a.pValue).toBeCloseTo(1 / (B + 1), 12);
    expect(a.details?.['permutations']).toBe(B);
    // Null mean of the Gaussian estimator ≈ dx·dy/(2n) = 1.25e-3 (bias of the plug-in log-det).
    expect(a.details?.['nullMean']).toBeGreaterThan(0);
    expect(a.details?.['nullMean']).toBeLessThan(0.01);
    const b = await permutationTest(x, ind, { estimator: 'gaussian' }, { permutations: B, seed: 1 });
    // Under H0 p is uniform on {1/50, …, 1}; seed fixed, this draw is not in the 5% tail.
    expect(b.pValue).toBeGreaterThan(0.05);
    // Same seed ⇒ same p.
    const b2 = await permutationTest(x, ind, { estimator: 'gaussian' }, { permutations: B, seed: 1 });
    expect(b2.pValue).toBe(b.pValue);
  });

  test('rejects a bad permutation count and honours abort', async () => {
    await expect(permutationTest([1, 2, 3, 4, 5], [2, 1, 3, 5, 4], { estimator: 'gaussian' }, { permutations: 0 })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });
    const ac = new AbortController();
    ac.abort();
    await expect(
      permutationTest([1, 2, 3, 4, 5], [2, 1, 3, 5, 4], { estimator: 'gaussian' }, { signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('rankFeatures', () => {
  test('orders features by how much they tell about the target', async () => {
    const rng = new Rng(8);
    const n = 2000;
    const cols: Record<string, Float64Array> = {
      target: new Float64Array(n),
      strong: new Float64Array(n),
      weak: new Float64Array(n),
      none: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      const t = rng.normal();
      cols['target']![i] = t;
      cols['strong']![i] = t + 0.3 * rng.normal(); // MI ≈ 1.2 nats
      cols['weak']![i] = t + 2 * rng.normal(); // MI ≈ 0.11 nats
      cols['none']![i] = rng.normal();
    }
    const ds = Dataset.fromColumns(cols);
    const ranked = await rankFeatures(ds, 'target', undefined, { estimator: 'ksg', seed: 2 });
    expect(ranked.map((r) => r.feature)).toEqual(['strong', 'weak', 'none']);
    const sub = await rankFeatures(ds, 'target', 'w*,n*', { estimator: 'gaussian' });
    expect(sub.map((r) => r.feature)).toEqual(['weak', 'none']);
  });
});

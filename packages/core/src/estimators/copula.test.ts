import { describe, expect, test } from 'vitest';
import { isMineError } from '../errors.js';
import type { Variable } from '../interface.js';
import { normalQuantile } from '../math/special.js';
import { runEstimator, type EstimatorDefinition } from '../registry.js';
import { Rng } from '../rng.js';
import { bivariateGaussian, gaussianWithMi, independentGaussian } from '../samplers/gaussian.js';
import { cubic, transformed } from '../samplers/transforms.js';
import { additiveUniformNoise } from '../samplers/uniform.js';
import { checkEstimator } from '../testing/check-estimator.js';
import { takeRows } from '../variable.js';
import { averageRanks, copulaEstimator, copulaNormalize } from './copula.js';
import { gaussianEstimator } from './gaussian.js';

const C = copulaEstimator as unknown as EstimatorDefinition;
const G = gaussianEstimator as unknown as EstimatorDefinition;
const run = (x: Variable, y: Variable, p: Record<string, unknown> = {}) => runEstimator(C, x, y, p);

describe('ranks and normal scores', () => {
  test('average ranks for ties', () => {
    const r = averageRanks([10, 20, 20, 5, 20]);
    // sorted: 5(1) 10(2) 20,20,20 (ranks 3,4,5 → 4 each)
    expect(Array.from(r.ranks)).toEqual([2, 4, 4, 1, 4]);
    expect(r.tied).toBe(3);
    expect(averageRanks([3, 1, 2]).tied).toBe(0);
  });

  test('z = Φ⁻¹(rank/(n+1)) per column; input not mutated', () => {
    const v: Variable = { data: Float64Array.from([3, 30, 1, 10, 2, 20]), n: 3, d: 2, names: ['a', 'b'], categorical: [false, false] };
    const { z, tied } = copulaNormalize(v);
    expect(tied).toEqual([0, 0]);
    expect(z.data[0]).toBeCloseTo(normalQuantile(3 / 4), 15);
    expect(z.data[2]).toBeCloseTo(normalQuantile(1 / 4), 15);
    expect(z.data[4]).toBe(0); // rank 2 of 3 → Φ⁻¹(½) = 0
    expect(Array.from(v.data)).toEqual([3, 30, 1, 10, 2, 20]);
  });
});

// Tolerances as in gaussian.test.ts: sd(Î) ≈ ρ/√n for the normal-scores
// correlation too (normal scores are fully efficient at the Gaussian; measured
// over 200 seeds: 0.0069, 0.0122, 0.0136 for ρ = 0.5, 0.9, 0.99, with a small
// downward bias of −0.005 at ρ = 0.99 from the rank discretisation).
describe('copula on Gaussian pairs', () => {
  for (const rho of [0.5, 0.9, 0.99]) {
    test(`ρ = ${rho}, n = 5000`, async () => {
      const { x, y } = bivariateGaussian(rho).sample(5000, new Rng(1));
      const truth = -0.5 * Math.log(1 - rho * rho);
      const r = await run(x, y);
      expect(Math.abs(r.value - truth)).toBeLessThan(Math.max(0.05, 0.05 * truth));
      expect(r.diagnostics.some((d) => d.code === 'TIES')).toBe(false);
    });
  }
});

test('5×5 Gaussian with MI = 2 nats, n = 5000', async () => {
  // As for gaussian: bias ≈ dx·dy/(2n) = 0.0025, sd ≈ 0.023; 0.1 > 4 sd.
  const { x, y } = gaussianWithMi({ dimX: 5, dimY: 5, mi: 2 }).sample(5000, new Rng(2));
  const r = await run(x, y);
  expect(Math.abs(r.value - 2)).toBeLessThan(0.1);
});

test('monotone transforms: identical ranks ⇒ identical estimate; gaussian is fooled', async () => {
  const base = bivariateGaussian(0.9);
  const cub = transformed(base, cubic, 'cubic');
  // Same seed ⇒ the transformed sample is the cube of the base sample.
  const a = base.sample(5000, new Rng(3));
  const b = cub.sample(5000, new Rng(3));
  const ra = await run(a.x, a.y);
  const rb = await run(b.x, b.y);
  // The ranks are identical, so every later step is the same arithmetic.
  expect(Math.abs(ra.value - rb.value)).toBeLessThan(1e-12);
  expect(Math.abs(rb.value - cub.mutualInformation())).toBeLessThan(0.05);
  const g = await runEstimator(G, b.x, b.y, {});
  expect(Math.abs(g.value - cub.mutualInformation())).toBeGreaterThan(0.1);
  // Different increasing maps per column of a 3×2 sample: still identical.
  const m = gaussianWithMi({ dimX: 3, dimY: 2, mi: 1 }).sample(800, new Rng(4));
  const maps = [Math.exp, (t: number) => t * t * t, Math.atan];
  const mx = { ...m.x, data: m.x.data.map((v, i) => maps[i % 3]!(v)) };
  const my = { ...m.y, data: m.y.data.map((v) => 5 * v - 2) };
  expect(Math.abs((await run(m.x, m.y)).value - (await run(mx, my)).value)).toBeLessThan(1e-12);
});

test('independent data gives ≈ 0', async () => {
  // Normal scores of independent columns are independent; 2n·Î ≈ χ²(dx·dy), so
  // Î ≈ 1e-4 (1×1) and 9e-4 (3×3) ± a few 1e-4 at n = 5000; 0.02 is far outside.
  for (const [dx, dy] of [
    [1, 1],
    [3, 3],
  ] as const) {
    const { x, y } = independentGaussian(dx, dy).sample(5000, new Rng(5));
    expect(Math.abs((await run(x, y)).value)).toBeLessThan(0.02);
  }
});

test('below the true MI for a non-Gaussian copula (1-D lower bound)', async () => {
  // Additive uniform noise, ε = 0.1: true MI 1.709; the Gaussian copula with the
  // same normal-scores correlation carries ≈ 1.29 (measured), well below.
  const s = additiveUniformNoise(0.1);
  const { x, y } = s.sample(5000, new Rng(6));
  const r = await run(x, y);
  expect(r.value).toBeLessThan(s.mutualInformation() - 0.2);
  expect(r.value).toBeGreaterThan(0.5);
});

test('ties: average ranks and an info diagnostic naming the worst column', async () => {
  const { x, y } = bivariateGaussian(0.7).sample(2000, new Rng(7));
  const xr = { ...x, names: ['rounded'], data: x.data.map((v) => Math.round(v * 2) / 2) }; // ~13 distinct values
  const r = await run(xr, y);
  const t = r.diagnostics.find((d) => d.code === 'TIES');
  expect(t?.severity).toBe('info');
  expect(t!.data!['worstColumn']).toBe('rounded');
  // Almost every rounded value is shared (only an extreme or two can be unique).
  expect(t!.data!['tiedFraction']).toBeGreaterThan(0.99);
  // Coarsening loses information: the estimate drops but stays positive.
  const full = await run(x, y);
  expect(r.value).toBeLessThan(full.value);
  expect(r.value).toBeGreaterThan(0.2);
});

describe('invariances and contract', () => {
  const { x, y } = gaussianWithMi({ dimX: 2, dimY: 3, mi: 0.7 }).sample(1000, new Rng(8));

  test('symmetric and row-order invariant to 1e-12; inputs not mutated', async () => {
    const xd = Float64Array.from(x.data);
    const a = await run(x, y);
    expect(Math.abs(a.value - (await run(y, x)).value)).toBeLessThan(1e-12);
    const perm = new Rng(9).permutation(1000);
    expect(Math.abs(a.value - (await run(takeRows(x, perm), takeRows(y, perm))).value)).toBeLessThan(1e-12);
    expect(x.data).toEqual(xd);
  });

  test('too few rows', async () => {
    const idx = Uint32Array.from({ length: 6 }, (_, i) => i); // need 2 + 3 + 2 = 7
    const e = await run(takeRows(x, idx), takeRows(y, idx)).catch((er: unknown) => er);
    expect(isMineError(e) && e.code).toBe('TOO_FEW_ROWS');
  });

  test('conformance suite', async () => {
    expect(await checkEstimator(C)).toEqual([]);
  });
});

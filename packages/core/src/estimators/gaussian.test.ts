import { describe, expect, test } from 'vitest';
import { isMineError } from '../errors.js';
import type { Variable } from '../interface.js';
import { runEstimator, type EstimatorDefinition } from '../registry.js';
import { Rng } from '../rng.js';
import { bivariateGaussian, gaussianWithMi, independentGaussian } from '../samplers/gaussian.js';
import { cubic, transformed } from '../samplers/transforms.js';
import { checkEstimator } from '../testing/check-estimator.js';
import { fromColumns, hstack, takeRows } from '../variable.js';
import { gaussianEstimator, gaussianMiFromData, logDetBiasMi } from './gaussian.js';

const G = gaussianEstimator as unknown as EstimatorDefinition;
const run = (x: Variable, y: Variable, p: Record<string, unknown> = {}) => runEstimator(G, x, y, p);

// Sampling error of the plug-in Gaussian MI for a bivariate normal pair: by the
// delta method on r (Var r ≈ (1−ρ²)²/n) and dI/dρ = ρ/(1−ρ²), sd(Î) ≈ ρ/√n,
// i.e. 0.007, 0.013, 0.014 nats at n = 5000 for ρ = 0.5, 0.9, 0.99 (measured
// over 200 seeds: 0.0069, 0.0122, 0.0136). Bias ≈ 1/(2n) = 1e-4. So
// max(0.05, 5%) is ≥ 3.5 sd for every ρ.
describe('gaussian on Gaussian pairs', () => {
  for (const rho of [0.5, 0.9, 0.99]) {
    test(`ρ = ${rho}, n = 5000`, async () => {
      const s = bivariateGaussian(rho);
      const { x, y } = s.sample(5000, new Rng(1));
      const truth = -0.5 * Math.log(1 - rho * rho);
      const r = await run(x, y);
      expect(Math.abs(r.value - truth)).toBeLessThan(Math.max(0.05, 0.05 * truth));
      expect(r.kind).toBe('point');
      expect(r.diagnostics.filter((d) => d.code === 'ILL_CONDITIONED')).toHaveLength(0);
      // details: the value is the documented combination of the log-dets.
      const d = r.details!;
      expect(r.value).toBeCloseTo(0.5 * (d['logDetX']! + d['logDetY']! - d['logDetXY']!), 14);
    });
  }
});

test('5×5 Gaussian with MI = 2 nats, n = 5000', async () => {
  // Bias of the plug-in log-det estimator ≈ dx·dy/(2n) = 25/10000 = 0.0025;
  // sampling sd ≈ √5 · 0.74/√5000 ≈ 0.023 (five pairs with ρ = 0.742 each), so
  // 0.1 is > 4 sd.
  const s = gaussianWithMi({ dimX: 5, dimY: 5, mi: 2 });
  const { x, y } = s.sample(5000, new Rng(2));
  const r = await run(x, y);
  expect(Math.abs(r.value - 2)).toBeLessThan(0.1);
  const rb = await run(x, y, { biasCorrection: true });
  expect(Math.abs(rb.value - 2)).toBeLessThan(0.1);
  expect(r.value - rb.value).toBeCloseTo(logDetBiasMi(5000, 5, 5), 12);
  expect(rb.details!['biasCorrection']).toBeCloseTo(logDetBiasMi(5000, 5, 5), 14);
});

test('cubic transform breaks the Gaussian estimator (documents its limit)', async () => {
  // Corr(X³, Y³) = (9ρ + 6ρ³)/15 = 0.832 at ρ = 0.9, whose Gaussian MI is 0.59,
  // not 0.83: the linear fit misses the dependence that the cube makes non-linear.
  const s = transformed(bivariateGaussian(0.9), cubic, 'cubic');
  const { x, y } = s.sample(5000, new Rng(3));
  const r = await run(x, y);
  expect(Math.abs(r.value - s.mutualInformation())).toBeGreaterThan(0.1);
});

test('independent data gives ≈ 0', async () => {
  // For independent Gaussians 2n·Î ~ χ²(dx·dy) (Wilks' likelihood-ratio test of
  // independence), so Î ≈ dx·dy/(2n) ± √(2·dx·dy)/(2n): 1e-4 ± 1.4e-4 for 1×1
  // and 9e-4 ± 4.2e-4 for 3×3 at n = 5000; 0.02 is > 40 sd away.
  for (const [dx, dy] of [
    [1, 1],
    [3, 3],
  ] as const) {
    const { x, y } = independentGaussian(dx, dy).sample(5000, new Rng(4));
    const r = await run(x, y);
    expect(Math.abs(r.value)).toBeLessThan(0.02);
  }
});

test('bias formula matches Monte Carlo at small n, and the corrected estimate is unbiased', () => {
  // 5×5 independent, n = 50: plug-in mean should equal logDetBiasMi(50,5,5) = 0.288
  // (the large-n approximation 25/(2·49) = 0.255 is visibly off here). The sd of
  // one estimate is ≈ √(2·25)/(2n) = 0.07, so the mean of 300 has sd ≈ 0.004; 0.02 is 5 sd.
  const s = independentGaussian(5, 5);
  const rng = new Rng(9);
  let plug = 0;
  let corr = 0;
  const reps = 300;
  for (let r = 0; r < reps; r++) {
    const { x, y } = s.sample(50, rng);
    plug += gaussianMiFromData(x, y).value;
    corr += gaussianMiFromData(x, y, { biasCorrection: true }).value;
  }
  expect(Math.abs(plug / reps - logDetBiasMi(50, 5, 5))).toBeLessThan(0.02);
  expect(Math.abs(corr / reps)).toBeLessThan(0.02);
  // Large n: the bias tends to dx·dy/(2(n−1)).
  expect(logDetBiasMi(100001, 3, 4)).toBeCloseTo(12 / 200000, 8);
});

describe('ill-conditioned input', () => {
  test('two identical x columns: ILL_CONDITIONED, finite, equal to the MI of one column', async () => {
    const { x, y } = bivariateGaussian(0.8).sample(2000, new Rng(5));
    const x2 = hstack(x, { ...x, names: ['x_copy'] });
    const r = await run(x2, y);
    const ill = r.diagnostics.find((d) => d.code === 'ILL_CONDITIONED');
    expect(ill?.severity).toBe('warning');
    expect(ill!.data!['ridge']).toBe(1e-8);
    expect(Number.isFinite(r.value)).toBe(true);
    // A duplicate within X is redundant: the ridge's effect cancels to O(ridge).
    const single = await run(x, y);
    expect(Math.abs(r.value - single.value)).toBeLessThan(1e-6);
  });

  test('an x column equal to a y column: flagged, large but finite', async () => {
    const { x } = independentGaussian(2, 1).sample(1000, new Rng(6));
    const xs = fromColumns([Float64Array.from({ length: 1000 }, (_, i) => x.data[2 * i]!)], ['x0']);
    const ys = hstack(xs, { ...xs, names: ['noise'], data: Float64Array.from({ length: 1000 }, (_, i) => x.data[2 * i + 1]!) });
    const r = await run(xs, ys);
    expect(r.diagnostics.some((d) => d.code === 'ILL_CONDITIONED')).toBe(true);
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.value).toBeGreaterThan(5); // ≈ ½ log(1/ridge) = 9.2
  });
});

describe('invariances and contract', () => {
  const { x, y } = gaussianWithMi({ dimX: 3, dimY: 2, mi: 1 }).sample(1000, new Rng(7));

  test('symmetric, row-order invariant, scale invariant, inputs not mutated', async () => {
    const xd = Float64Array.from(x.data);
    const yd = Float64Array.from(y.data);
    const a = await run(x, y);
    const b = await run(y, x);
    expect(Math.abs(a.value - b.value)).toBeLessThan(1e-12);
    const perm = new Rng(8).permutation(1000);
    const c = await run(takeRows(x, perm), takeRows(y, perm));
    expect(Math.abs(a.value - c.value)).toBeLessThan(1e-12);
    const scaled = { ...x, data: x.data.map((v, i) => 1000 * v + (i % 3)) }; // per-column affine
    const s = await run(scaled, y);
    expect(Math.abs(a.value - s.value)).toBeLessThan(1e-10);
    expect(x.data).toEqual(xd);
    expect(y.data).toEqual(yd);
  });

  test('shrinkage 1 gives exactly 0 and shrinkage pulls toward 0', async () => {
    const a = await run(x, y);
    const h = await run(x, y, { shrinkage: 0.5 });
    const one = await run(x, y, { shrinkage: 1 });
    expect(one.value).toBe(0);
    expect(h.value).toBeGreaterThan(0);
    expect(h.value).toBeLessThan(a.value);
  });

  test('too few rows names the requirement; bad params are rejected', async () => {
    const need = 3 + 2 + 2;
    const idx = (m: number) => Uint32Array.from({ length: m }, (_, i) => i);
    const err = await run(takeRows(x, idx(need - 1)), takeRows(y, idx(need - 1))).catch((e: unknown) => e);
    expect(isMineError(err) && err.code).toBe('TOO_FEW_ROWS');
    expect((err as Error).message).toContain('dx + dy + 2 = 7');
    const ok = await run(takeRows(x, idx(need)), takeRows(y, idx(need)));
    expect(Number.isFinite(ok.value)).toBe(true);
    for (const bad of [{ shrinkage: 2 }, { shrinkage: -0.1 }, { k: 3 }, { biasCorrection: 'yes' }]) {
      const e = await run(x, y, bad).catch((er: unknown) => er);
      expect(isMineError(e) && e.code).toBe('INVALID_PARAMS');
    }
  });

  test('conformance suite', async () => {
    expect(await checkEstimator(G)).toEqual([]);
  });
});

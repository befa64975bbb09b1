import { describe, expect, test } from 'vitest';
import { Rng } from '../rng.js';
import { boundCeiling, marginalEffectiveSize, matrixObjective, pairObjective, sigmoid, softplus, updateLogEma, type MineState } from './objectives.js';
import type { Objective, ObjectiveSpec } from './types.js';

const spec = (objective: Objective, extra: Partial<ObjectiveSpec> = {}): ObjectiveSpec => ({ objective, emaRate: 0.01, clip: 5, ...extra });

// Tiny score vectors whose bounds are computed by hand (float64, no library code).
const t = [0.5, 1.5, -0.25];
const u = [0.2, -1.0, 0.7, 2.0];
const meanT = (0.5 + 1.5 - 0.25) / 3;
const meanExpU = (Math.exp(0.2) + Math.exp(-1) + Math.exp(0.7) + Math.exp(2)) / 4;

// Values are float64 sums of a handful of terms: 1e-14 covers rounding.
const TOL = 1e-14;

describe('pair-form bounds match a hand computation', () => {
  test('dv and mine: mean t − log mean e^u', () => {
    expect(pairObjective(spec('dv'), t, u)).toBeCloseTo(meanT - Math.log(meanExpU), 14);
    expect(pairObjective(spec('mine'), t, u)).toBeCloseTo(meanT - Math.log(meanExpU), 14);
  });

  test('nwj: mean t − e^{−1} mean e^u', () => {
    expect(Math.abs(pairObjective(spec('nwj'), t, u) - (meanT - meanExpU / Math.E))).toBeLessThan(TOL);
  });

  test('smile clips the marginal scores to [−τ, τ], not the joint ones', () => {
    const tau = 0.5;
    const clipped = (Math.exp(0.2) + Math.exp(-0.5) + Math.exp(0.5) + Math.exp(0.5)) / 4;
    expect(Math.abs(pairObjective(spec('smile', { clip: tau }), t, u) - (meanT - Math.log(clipped)))).toBeLessThan(TOL);
    // With τ above every |u| it is the DV bound (up to summation-order rounding).
    expect(Math.abs(pairObjective(spec('smile', { clip: 5 }), t, u) - pairObjective(spec('dv'), t, u))).toBeLessThan(TOL);
    // Clipping lowers the marginal term when scores exceed τ, so SMILE ≥ DV here (u has 2.0 > τ).
    expect(pairObjective(spec('smile', { clip: tau }), t, u)).toBeGreaterThan(pairObjective(spec('dv'), t, u));
  });
});

describe('pair-form loss gradients', () => {
  const grad = (): { dt: Float64Array; du: Float64Array } => ({ dt: new Float64Array(t.length), du: new Float64Array(u.length) });

  // Central differences of L = −bound in float64 (h = 1e-6: truncation O(h²) ≈ 1e-12,
  // rounding ≈ 1e-16/1e-6 = 1e-10), so 1e-8 is a safe tolerance.
  function fd(objective: Objective): { dt: number[]; du: number[] } {
    const f = (tt: number[], uu: number[]): number => -pairObjective(spec(objective), tt, uu);
    const h = 1e-6;
    const dt = t.map((_, i) => {
      const a = [...t];
      const b = [...t];
      a[i]! += h;
      b[i]! -= h;
      return (f(a, u) - f(b, u)) / (2 * h);
    });
    const du = u.map((_, k) => {
      const a = [...u];
      const b = [...u];
      a[k]! += h;
      b[k]! -= h;
      return (f(t, a) - f(t, b)) / (2 * h);
    });
    return { dt, du };
  }

  test.each(['dv', 'nwj'] as const)('%s: gradient = −∂bound/∂score (finite differences)', (objective) => {
    const g = grad();
    pairObjective(spec(objective), t, u, g);
    const ref = fd(objective);
    ref.dt.forEach((v, i) => expect(Math.abs(g.dt[i]! - v)).toBeLessThan(1e-8));
    ref.du.forEach((v, k) => expect(Math.abs(g.du[k]! - v)).toBeLessThan(1e-8));
  });

  test('mine: the marginal gradient divides by the moving average (Belghazi et al. 2018, §3.2)', () => {
    // First step: the average is initialised with this batch, so MINE's gradient is DV's.
    const state: MineState = { logEma: undefined };
    const gm = grad();
    const gd = grad();
    pairObjective(spec('mine'), t, u, gm, state);
    pairObjective(spec('dv'), t, u, gd);
    gm.du.forEach((v, k) => expect(v).toBeCloseTo(gd.du[k]!, 15));
    expect(state.logEma).toBeCloseTo(Math.log(meanExpU), 14);
    // Second step on another batch: ema ← (1−α) ema + α mean e^{u'}; du_k = e^{u'_k} / (M · ema).
    const u2 = [1.0, 0.0, -0.5, 0.3];
    const mean2 = u2.reduce((s, v) => s + Math.exp(v), 0) / 4;
    const alpha = 0.01;
    const ema = (1 - alpha) * meanExpU + alpha * mean2;
    const g2 = { dt: new Float64Array(3), du: new Float64Array(4) };
    const value = pairObjective(spec('mine', { emaRate: alpha }), t, u2, g2, state);
    expect(Math.exp(state.logEma!)).toBeCloseTo(ema, 14);
    u2.forEach((v, k) => expect(g2.du[k]!).toBeCloseTo(Math.exp(v) / (4 * ema), 14));
    g2.dt.forEach((v) => expect(v).toBeCloseTo(-1 / 3, 15));
    // The reported value is the plain DV bound, whatever the average.
    expect(value).toBeCloseTo(meanT - Math.log(mean2), 14);
    // Uncorrected DV would use the batch mean instead: a different gradient here.
    expect(Math.abs(g2.du[0]! - Math.exp(1) / (4 * mean2))).toBeGreaterThan(1e-3);
  });

  test('smile: the gradient is the Jensen–Shannon f-GAN bound’s (Song & Ermon 2020)', () => {
    const g = grad();
    pairObjective(spec('smile', { clip: 0.5 }), t, u, g);
    // JS bound: −mean softplus(−t) − mean softplus(u); L = −JS.
    const h = 1e-6;
    const js = (tt: number[], uu: number[]): number =>
      -tt.reduce((s, v) => s + softplus(-v), 0) / tt.length - uu.reduce((s, v) => s + softplus(v), 0) / uu.length;
    t.forEach((_, i) => {
      const a = [...t];
      const b = [...t];
      a[i]! += h;
      b[i]! -= h;
      expect(Math.abs(g.dt[i]! + (js(a, u) - js(b, u)) / (2 * h))).toBeLessThan(1e-8);
    });
    u.forEach((v, k) => expect(g.du[k]!).toBeCloseTo(sigmoid(v) / 4, 15));
  });

  test('updateLogEma stays finite for huge scores (log-space average)', () => {
    expect(updateLogEma(undefined, 800, 0.01)).toBe(800);
    const v = updateLogEma(800, 900, 0.01);
    expect(v).toBeCloseTo(900 + Math.log(0.01 + 0.99 * Math.exp(-100)), 10);
  });
});

describe('matrix-form bounds', () => {
  // 3×3 matrix by hand: diagonal = joint, off-diagonal = marginal.
  const S = [1, 0.2, -0.3, 0.1, 2, 0.4, -1, 0.5, 0.8];
  const B = 3;

  test('infonce = mean_i [S_ii − log((1/B) Σ_j e^{S_ij})] by hand', () => {
    let want = 0;
    for (let i = 0; i < B; i++) {
      const row = S.slice(i * B, i * B + B);
      want += S[i * B + i]! - Math.log(row.reduce((s, v) => s + Math.exp(v), 0) / B);
    }
    want /= B;
    expect(Math.abs(matrixObjective(spec('infonce'), S, B) - want)).toBeLessThan(TOL);
  });

  test('DV on the matrix uses the off-diagonal entries as marginal scores', () => {
    const joint = [1, 2, 0.8];
    const off = [0.2, -0.3, 0.1, 0.4, -1, 0.5];
    expect(matrixObjective(spec('dv'), S, B)).toBeCloseTo(pairObjective(spec('dv'), joint, off), 14);
    expect(matrixObjective(spec('nwj'), S, B)).toBeCloseTo(pairObjective(spec('nwj'), joint, off), 14);
    expect(matrixObjective(spec('smile', { clip: 0.3 }), S, B)).toBeCloseTo(pairObjective(spec('smile', { clip: 0.3 }), joint, off), 14);
  });

  test.each(['infonce', 'dv', 'nwj'] as const)('%s matrix gradient = finite differences of −bound', (objective) => {
    const dS = new Float64Array(B * B);
    matrixObjective(spec(objective), S, B, dS);
    const h = 1e-6;
    for (let e = 0; e < B * B; e++) {
      const a = [...S];
      const b = [...S];
      a[e]! += h;
      b[e]! -= h;
      const want = -(matrixObjective(spec(objective), a, B) - matrixObjective(spec(objective), b, B)) / (2 * h);
      expect(Math.abs(dS[e]! - want)).toBeLessThan(1e-8);
    }
  });

  test('InfoNCE never exceeds log B, even for scores that separate perfectly', () => {
    const rng = new Rng(5);
    for (const n of [2, 8, 64]) {
      for (let rep = 0; rep < 20; rep++) {
        const M = Array.from({ length: n * n }, () => 10 * rng.normal());
        // Make every diagonal entry dominate by a random margin: the bound approaches log B from below.
        for (let i = 0; i < n; i++) M[i * n + i] = 50 + rng.uniform(0, 50);
        const v = matrixObjective(spec('infonce'), M, n);
        expect(v).toBeLessThanOrEqual(boundCeiling('infonce', n) + 1e-12);
        const r = Array.from({ length: n * n }, () => 3 * rng.normal());
        expect(matrixObjective(spec('infonce'), r, n)).toBeLessThanOrEqual(Math.log(n) + 1e-12);
      }
    }
  });
});

describe('effective sample size of the marginal term', () => {
  test('(Σw)²/Σw² with w = e^u, by hand', () => {
    // Equal scores: every pair counts, ESS = M (up to rounding).
    expect(marginalEffectiveSize(spec('dv'), [0.3, 0.3, 0.3, 0.3, 0.3])).toBeCloseTo(5, 12);
    // Weights 3, 1, 1, 1: 6² / (9 + 3) = 3.
    expect(marginalEffectiveSize(spec('nwj'), [Math.log(3), 0, 0, 0])).toBeCloseTo(3, 12);
    // One pair 40 nats above the rest carries all the weight: ESS → 1 (no overflow).
    expect(marginalEffectiveSize(spec('mine'), [800, 760, 760, 760])).toBeCloseTo(1, 12);
  });

  test('smile weighs the clipped scores; infonce and empty input give NaN', () => {
    const w = Math.exp(5);
    expect(marginalEffectiveSize(spec('smile'), [100, 0])).toBeCloseTo((w + 1) ** 2 / (w * w + 1), 12);
    expect(marginalEffectiveSize(spec('dv'), [100, 0])).toBeCloseTo(1, 12);
    expect(marginalEffectiveSize(spec('infonce'), [0, 1])).toBeNaN();
    expect(marginalEffectiveSize(spec('dv'), [])).toBeNaN();
    expect(marginalEffectiveSize(spec('dv'), [0, NaN])).toBeNaN();
  });
});

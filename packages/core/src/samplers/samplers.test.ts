import { describe, expect, test } from 'vitest';
import { isMineError } from '../errors.js';
import type { Sampler, Variable } from '../interface.js';
import { covariance, gaussianMiFromCovariance } from '../math/linalg.js';
import { lgamma } from '../math/special.js';
import { Rng } from '../rng.js';
import { gammaDraw } from './common.js';
import { discreteTable, tableMutualInformation } from './discrete.js';
import { bivariateGaussian, gaussian, gaussianWithMi, independentGaussian } from './gaussian.js';
import { standardSuite } from './index.js';
import { gaussianMixtureEntropy, labelGaussianMi, labelWithGaussians } from './mixture.js';
import { adaptiveSimpson, compositeSimpson, negPLogP } from './quadrature.js';
import { studentT, studentTEntropy, studentTMiCorrection } from './student-t.js';
import { asinh, cubic, halfCube, transformed } from './transforms.js';
import { additiveUniformMi, additiveUniformNoise } from './uniform.js';

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

function expectInvalid(f: () => unknown, field?: string): void {
  try {
    f();
  } catch (e) {
    expect(isMineError(e) && e.code).toBe('INVALID_PARAMS');
    if (field !== undefined && isMineError(e)) expect(e.field).toBe(field);
    return;
  }
  throw new Error('expected INVALID_PARAMS');
}

describe('quadrature helpers', () => {
  test('known integrals', () => {
    // ∫₀^π sin = 2; Simpson with 200 panels has error ≈ π·(π/200)⁴/180 ≈ 1e-9.
    expect(Math.abs(compositeSimpson(Math.sin, 0, Math.PI, 200) - 2)).toBeLessThan(1e-8);
    // ∫₀¹ −t log t = ¼, with a log singularity of the derivative at 0.
    expect(Math.abs(adaptiveSimpson(negPLogP, 0, 1, 1e-13) - 0.25)).toBeLessThan(1e-10);
  });
});

describe('Gaussian samplers', () => {
  test('bivariateGaussian: moments at n = 20000', () => {
    const rho = 0.7;
    const { x, y } = bivariateGaussian(rho).sample(20000, new Rng(1));
    expect(x.d).toBe(1);
    expect(x.names).toEqual(['x']);
    // sd of a sample mean 1/√n = 0.007, of a sample variance √(2/n) = 0.01, of
    // r (1−ρ²)/√n = 0.0036: tolerances 0.03 are ≥ 3 sd (≥ 8 sd for r).
    expect(Math.abs(mean(x.data))).toBeLessThan(0.03);
    const c = covariance({ ...x, d: 2, data: Float64Array.from({ length: 40000 }, (_, i) => (i % 2 ? y.data : x.data)[i >> 1]!) });
    expect(Math.abs(c[0]! - 1)).toBeLessThan(0.03);
    expect(Math.abs(c[3]! - 1)).toBeLessThan(0.03);
    expect(Math.abs(c[1]! / Math.sqrt(c[0]! * c[3]!) - rho)).toBeLessThan(0.03);
    expect(bivariateGaussian(rho).mutualInformation()).toBeCloseTo(-0.5 * Math.log(1 - rho * rho), 15);
  });

  test('gaussianWithMi: MI from the covariance log-dets equals the request to 1e-10', () => {
    for (const [dimX, dimY, mi] of [
      [5, 5, 2],
      [3, 1, 0.4],
      [2, 6, 5],
    ] as const) {
      const s = gaussianWithMi({ dimX, dimY, mi });
      expect(Math.abs(s.mutualInformation() - mi)).toBeLessThan(1e-10);
      expect(Math.abs(gaussianMiFromCovariance(s.covariance, dimX, dimY)! - mi)).toBeLessThan(1e-10);
      expect(s.name).toBe(`gaussian-${dimX}x${dimY}-mi${mi}`);
    }
  });

  test('gaussianWithMi: the sample covariance matches (n = 20000)', () => {
    const s = gaussianWithMi({ dimX: 3, dimY: 2, mi: 1 });
    const { x, y } = s.sample(20000, new Rng(2));
    expect(x.names).toEqual(['x0', 'x1', 'x2']);
    expect(y.names).toEqual(['y0', 'y1']);
    const joint: Variable = {
      data: Float64Array.from({ length: 20000 * 5 }, (_, k) => {
        const i = Math.floor(k / 5);
        const j = k % 5;
        return j < 3 ? x.data[i * 3 + j]! : y.data[i * 2 + j - 3]!;
      }),
      n: 20000,
      d: 5,
      names: [],
      categorical: [],
    };
    const c = covariance(joint);
    // Each entry has sd ≤ √2/√n = 0.01; 0.05 is 5 sd over 25 entries.
    for (let k = 0; k < 25; k++) expect(Math.abs(c[k]! - s.covariance[k]!)).toBeLessThan(0.05);
  });

  test('general gaussian from a full covariance, with mean', () => {
    const cov = [
      [2, 0.5, 0.3],
      [0.5, 1, -0.2],
      [0.3, -0.2, 1.5],
    ];
    const s = gaussian({ covariance: cov, dimX: 1, dimY: 2, mean: [10, 0, -3] });
    // Hand value: I = ½ log(Σxx · det Σyy / det Σ) with Σxx = 2,
    // det Σyy = 1·1.5 − 0.04 = 1.46, det Σ = 2(1.5−0.04) − 0.5(0.75+0.06) + 0.3(−0.1−0.3) = 2.395.
    expect(s.mutualInformation()).toBeCloseTo(0.5 * Math.log((2 * 1.46) / 2.395), 13);
    const { x, y } = s.sample(20000, new Rng(3));
    // sd of the mean of X: √(2/20000) = 0.01.
    expect(Math.abs(mean(x.data) - 10)).toBeLessThan(0.05);
    expect(Math.abs(mean(Float64Array.from({ length: 20000 }, (_, i) => y.data[2 * i + 1]!)) + 3)).toBeLessThan(0.05);
  });

  test('invalid covariances are rejected by name', () => {
    expectInvalid(() => gaussian({ covariance: [1, 1, 1, 1], dimX: 1, dimY: 1 }), 'covariance'); // singular
    expectInvalid(() => gaussian({ covariance: [1, 0.5, 0.4, 1], dimX: 1, dimY: 1 }), 'covariance'); // asymmetric
    expectInvalid(() => gaussian({ covariance: [1, 0, 0], dimX: 1, dimY: 1 }), 'covariance'); // wrong size
    expectInvalid(() => bivariateGaussian(1), 'rho');
    expectInvalid(() => gaussianWithMi({ dimX: 0, dimY: 1, mi: 1 }), 'dimX');
    expectInvalid(() => gaussianWithMi({ dimX: 1, dimY: 1, mi: -1 }), 'mi');
    expectInvalid(() => bivariateGaussian(0.5).sample(-1, new Rng(0)), 'n');
  });
});

describe('transformed', () => {
  test('keeps MI; samples are the map of the base samples (same seed)', () => {
    const base = bivariateGaussian(0.9);
    for (const [f, name] of [
      [cubic, 'cubic'],
      [halfCube, 'half-cube'],
      [asinh, 'asinh'],
    ] as const) {
      const t = transformed(base, f, name);
      expect(t.mutualInformation()).toBe(base.mutualInformation());
      expect(t.name).toBe(`${name}-gaussian-rho0.9`);
      const a = base.sample(100, new Rng(4));
      const b = t.sample(100, new Rng(4));
      for (let i = 0; i < 100; i++) {
        expect(b.x.data[i]).toBe(f(a.x.data[i]!));
        expect(b.y.data[i]).toBe(f(a.y.data[i]!));
      }
    }
    const onlyY = transformed(base, cubic, 'cubic', { side: 'y' }).sample(10, new Rng(5));
    const plain = base.sample(10, new Rng(5));
    expect(onlyY.x.data).toEqual(plain.x.data);
    expect(onlyY.y.data[3]).toBe(cubic(plain.y.data[3]!));
  });

  test('maps only continuous sides', () => {
    const lab = labelWithGaussians({ priors: [0.5, 0.5], means: [0, 1], sd: 1 });
    expectInvalid(() => transformed(lab, cubic, 'cubic'), 'side');
    expect(transformed(lab, cubic, 'cubic', { side: 'x' }).kinds).toEqual({ x: 'continuous', y: 'discrete' });
  });
});

describe('additiveUniformNoise', () => {
  test('closed form equals quadrature of h(Y) − log 2ε to 1e-8', () => {
    for (const eps of [0.05, 0.1, 0.3, 0.5, 0.75, 2]) {
      // Density of Y = X + N: overlap length of [0,1] and [y−ε, y+ε], over 2ε.
      const p = (t: number) => Math.max(0, Math.min(1, t + eps) - Math.max(0, t - eps)) / (2 * eps);
      // Integrate −p log p piecewise between the kinks (−ε, ε, 1−ε, 1+ε) so each piece is smooth.
      const knots = [-eps, eps, 1 - eps, 1 + eps].sort((a, b) => a - b);
      let h = 0;
      for (let k = 0; k < 3; k++) h += adaptiveSimpson((t) => negPLogP(p(t)), knots[k]!, knots[k + 1]!, 1e-13);
      expect(Math.abs(h - Math.log(2 * eps) - additiveUniformMi(eps))).toBeLessThan(1e-8);
    }
    // The two branches meet at ε = ½ (both ½).
    expect(additiveUniformMi(0.5)).toBeCloseTo(0.5, 15);
    expect(additiveUniformMi(0.5 + 1e-12)).toBeCloseTo(0.5, 10);
  });

  test('samples: X ∈ [0,1), |Y − X| ≤ ε, means ½', () => {
    const eps = 0.2;
    const { x, y } = additiveUniformNoise(eps).sample(20000, new Rng(6));
    let bad = 0;
    for (let i = 0; i < 20000; i++) {
      if (!(x.data[i]! >= 0 && x.data[i]! < 1) || Math.abs(y.data[i]! - x.data[i]!) > eps) bad++;
    }
    expect(bad).toBe(0);
    // sd of the mean of U(0,1): √(1/12/n) = 0.002.
    expect(Math.abs(mean(x.data) - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(mean(y.data) - 0.5)).toBeLessThan(0.01);
    expectInvalid(() => additiveUniformNoise(0), 'epsilon');
  });
});

describe('discreteTable', () => {
  test('MI equals hand-computed values', () => {
    // px = (½, ½), py = (¼, ¾):
    // ¼ log(¼/(½·¼)) + ¼ log(¼/(½·¾)) + ½ log(½/(½·¾)) = ¼ log 2 + ¼ log(2/3) + ½ log(4/3).
    const t = [
      [0.25, 0.25],
      [0, 0.5],
    ];
    const hand = 0.25 * Math.log(2) + 0.25 * Math.log(2 / 3) + 0.5 * Math.log(4 / 3);
    expect(discreteTable(t).mutualInformation()).toBeCloseTo(hand, 15);
    expect(tableMutualInformation([[0.5, 0], [0, 0.5]])).toBeCloseTo(Math.log(2), 15);
    // A product table is independent.
    const px = [0.2, 0.8];
    const py = [0.1, 0.6, 0.3];
    expect(Math.abs(tableMutualInformation(px.map((a) => py.map((b) => a * b))))).toBeLessThan(1e-15);
  });

  test('empirical frequencies match the table (n = 20000)', () => {
    const t = [
      [0.1, 0.2, 0],
      [0.3, 0.05, 0.35],
    ];
    const { x, y } = discreteTable(t).sample(20000, new Rng(7));
    expect(x.categorical).toEqual([true]);
    const counts = [new Float64Array(3), new Float64Array(3)];
    for (let i = 0; i < 20000; i++) counts[x.data[i]!]![y.data[i]!]! += 1;
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 3; b++) {
        const p = t[a]![b]!;
        // Binomial sd √(p(1−p)/n) ≤ 0.0035; 4 sd + 1e-12 (zero cells must never appear).
        expect(Math.abs(counts[a]![b]! / 20000 - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / 20000) + 1e-12);
      }
    }
  });

  test('bad tables are rejected', () => {
    expectInvalid(() => discreteTable([[0.5, 0.6]]), 'probabilities');
    expectInvalid(() => discreteTable([[0.5, 0.5], [0.1]]), 'probabilities');
    expectInvalid(() => discreteTable([[1.5, -0.5]]), 'probabilities');
  });
});

describe('labelWithGaussians', () => {
  test('quadrature agrees at two step sizes to 1e-8, and with adaptive Simpson', () => {
    const priors = [0.5, 0.3, 0.2];
    const means = [-2, 0, 2.5];
    const a = labelGaussianMi(priors, means, 1, 64);
    const b = labelGaussianMi(priors, means, 1, 128);
    const coarse = labelGaussianMi(priors, means, 1, 8);
    expect(Math.abs(a - b)).toBeLessThan(1e-8);
    // Even 8 panels per sd is accurate (the integrand is smooth and tail-free).
    expect(Math.abs(coarse - b)).toBeLessThan(1e-6);
    const mix = (t: number) =>
      priors.reduce((s, p, c) => s + (p * Math.exp(-0.5 * (t - means[c]!) ** 2)) / Math.sqrt(2 * Math.PI), 0);
    const h = adaptiveSimpson((t) => negPLogP(mix(t)), -14, 14.5, 1e-12);
    expect(Math.abs(gaussianMixtureEntropy(priors, means, 1) - h)).toBeLessThan(1e-8);
  });

  test('limits: equal means → 0; far-apart means → H(C)', () => {
    expect(Math.abs(labelGaussianMi([0.3, 0.7], [1, 1], 2))).toBeLessThan(1e-10);
    // Overlap mass at 40 sd apart is ~Φ(−20) ≈ 3e-89, so MI = log 2 to far below 1e-6.
    expect(Math.abs(labelGaussianMi([0.5, 0.5], [0, 40], 1) - Math.log(2))).toBeLessThan(1e-6);
    const p = [0.2, 0.3, 0.5];
    const hC = -p.reduce((s, q) => s + q * Math.log(q), 0);
    expect(Math.abs(labelGaussianMi(p, [-100, 0, 100], 2) - hC)).toBeLessThan(1e-6);
    // Very far apart with a tiny sd: the windows are separate, so this is fast and exact.
    expect(Math.abs(labelGaussianMi([0.5, 0.5], [0, 1e6], 1e-3) - Math.log(2))).toBeLessThan(1e-6);
    // Scale invariance: (means, sd) and (10·means, 10·sd) give the same MI.
    expect(labelGaussianMi([0.4, 0.6], [0, 3], 1.5)).toBeCloseTo(labelGaussianMi([0.4, 0.6], [0, 30], 15), 10);
  });

  test('samples: class frequencies and class means; label side is selectable', () => {
    const s = labelWithGaussians({ priors: [0.25, 0.75], means: [-1, 3], sd: 0.5 });
    expect(s.kinds).toEqual({ x: 'continuous', y: 'discrete' });
    const { x, y } = s.sample(20000, new Rng(8));
    expect(y.categorical).toEqual([true]);
    const ones = y.data.filter((v) => v === 1).length;
    // Binomial sd √(0.1875/20000) = 0.003; 0.015 is 5 sd.
    expect(Math.abs(ones / 20000 - 0.75)).toBeLessThan(0.015);
    const m1 = mean(x.data.filter((_, i) => y.data[i] === 1));
    // sd of the class mean 0.5/√15000 = 0.004.
    expect(Math.abs(m1 - 3)).toBeLessThan(0.02);
    const flipped = labelWithGaussians({ priors: [0.25, 0.75], means: [-1, 3], sd: 0.5, labelSide: 'x' });
    expect(flipped.kinds).toEqual({ x: 'discrete', y: 'continuous' });
    const f = flipped.sample(5, new Rng(8));
    const g = s.sample(5, new Rng(8));
    expect(f.x.data).toEqual(g.y.data);
    expect(f.y.data).toEqual(g.x.data);
    expectInvalid(() => labelWithGaussians({ priors: [0.5, 0.5], means: [0], sd: 1 }), 'means');
    expectInvalid(() => labelWithGaussians({ priors: [0.5, 0.5], means: [0, 1], sd: 0 }), 'sd');
  });
});

describe('studentT', () => {
  // Radial quadrature of −∫ f log f for a d-dim t with Σ = I: f depends on
  // r = |x| only, so h = ∫₀^∞ S_d r^{d−1} (−f log f) dr with S_d = 2π^{d/2}/Γ(d/2).
  // Substituting r = tan θ maps [0, ∞) to [0, π/2); everything is in log space
  // so the far tail underflows to 0 cleanly.
  function entropyByQuadrature(nu: number, d: number): number {
    const logC = lgamma((nu + d) / 2) - lgamma(nu / 2) - (d / 2) * Math.log(nu * Math.PI);
    const logS = Math.log(2) + (d / 2) * Math.log(Math.PI) - lgamma(d / 2);
    const g = (theta: number) => {
      if (theta >= Math.PI / 2) return 0;
      const r = Math.tan(theta);
      if (r === 0) return d === 1 ? Math.exp(logS + logC) * -logC : 0;
      const lf = logC - ((nu + d) / 2) * Math.log1p((r * r) / nu);
      return -lf * Math.exp(logS + lf + (d - 1) * Math.log(r) + Math.log1p(r * r));
    };
    return adaptiveSimpson(g, 0, Math.PI / 2, 1e-12);
  }

  test('entropy formula matches radial quadrature (d = 1, 2, 3; ν = 3, 5, 10) to 1e-8', () => {
    for (const nu of [3, 5, 10]) {
      for (const d of [1, 2, 3]) {
        expect(Math.abs(studentTEntropy(nu, d) - entropyByQuadrature(nu, d))).toBeLessThan(1e-8);
      }
    }
    // ν → ∞ tends to the Gaussian ½ d log(2πe).
    expect(studentTEntropy(1e7, 2)).toBeCloseTo(Math.log(2 * Math.PI * Math.E), 5);
  });

  test('MI = Gaussian part + correction; the correction is positive and vanishes as ν → ∞', () => {
    const s = studentT({ dimX: 2, dimY: 3, dof: 4, gaussianMi: 0.5 });
    expect(s.mutualInformation()).toBeCloseTo(0.5 + studentTMiCorrection(4, 2, 3), 12);
    let prev = Infinity;
    for (const nu of [1, 2, 5, 10, 100]) {
      const c = studentTMiCorrection(nu, 2, 2);
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThan(prev);
      prev = c;
    }
    expect(studentTMiCorrection(1e7, 2, 2)).toBeLessThan(1e-6);
  });

  test('samples: covariance ν/(ν−2)·Σ at ν = 10', () => {
    const nu = 10;
    const s = studentT({ dimX: 1, dimY: 1, dof: nu, gaussianMi: -0.5 * Math.log(1 - 0.36) }); // Σ = [[1,.6],[.6,1]]
    const { x, y } = s.sample(20000, new Rng(9));
    const joint: Variable = {
      data: Float64Array.from({ length: 40000 }, (_, k) => (k % 2 ? y.data : x.data)[k >> 1]!),
      n: 20000,
      d: 2,
      names: [],
      categorical: [],
    };
    const c = covariance(joint);
    // Var = 10/8 = 1.25; excess kurtosis of t₁₀ is 6/(ν−4) = 1, so sd of the
    // sample variance ≈ 1.25·√((κ−1)/n) = 1.25·√(3/20000) = 0.015; 0.07 ≈ 4.5 sd.
    expect(Math.abs(c[0]! - 1.25)).toBeLessThan(0.07);
    expect(Math.abs(c[3]! - 1.25)).toBeLessThan(0.07);
    expect(Math.abs(c[1]! - 0.75)).toBeLessThan(0.07);
    expectInvalid(() => studentT({ dimX: 1, dimY: 1, dof: 0 }), 'dof');
  });

  test('gammaDraw: mean and variance equal the shape', () => {
    for (const shape of [0.5, 2.5]) {
      const rng = new Rng(10);
      const v = Float64Array.from({ length: 20000 }, () => gammaDraw(rng, shape));
      const m = mean(v);
      const varr = mean(v.map((t) => (t - m) ** 2));
      // sd of the mean √(a/n) ≤ 0.011; of the variance ≈ a·√((2+6/a)/n) ≤ 0.07 (a = 2.5).
      expect(Math.abs(m - shape)).toBeLessThan(0.05);
      expect(Math.abs(varr - shape)).toBeLessThan(0.3 * shape);
      expect(v.every((t) => t > 0)).toBe(true);
    }
  });
});

describe('standardSuite and reproducibility', () => {
  const suite: Sampler[] = standardSuite();

  test('unique names, finite non-negative MI, shapes and kinds', () => {
    expect(new Set(suite.map((s) => s.name)).size).toBe(suite.length);
    for (const s of suite) {
      const mi = s.mutualInformation();
      expect(Number.isFinite(mi) && mi >= 0).toBe(true);
      const { x, y } = s.sample(50, new Rng(11));
      expect([x.n, x.d, y.n, y.d]).toEqual([50, s.dimX, 50, s.dimY]);
      expect(x.data.length).toBe(50 * s.dimX);
      expect(x.names).toHaveLength(s.dimX);
      if (s.kinds.x === 'discrete') expect(x.data.every((v) => Number.isInteger(v))).toBe(true);
      if (s.kinds.y === 'discrete') expect(y.data.every((v) => Number.isInteger(v))).toBe(true);
    }
    expect(suite.find((s) => s.name === 'gaussian-5x5-mi2')!.mutualInformation()).toBeCloseTo(2, 12);
  });

  test('same seed → identical samples; different seed → different', () => {
    for (const s of suite) {
      const a = s.sample(200, new Rng(12));
      const b = s.sample(200, new Rng(12));
      const c = s.sample(200, new Rng(13));
      expect(a.x.data).toEqual(b.x.data);
      expect(a.y.data).toEqual(b.y.data);
      expect(a.x.data).not.toEqual(c.x.data);
    }
    expect(independentGaussian(2, 2).mutualInformation()).toBe(0);
  });
});

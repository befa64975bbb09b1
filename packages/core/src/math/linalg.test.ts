import { describe, expect, test } from 'vitest';
import { Rng } from '../rng.js';
import {
  addRidge,
  blockLogDets,
  cholesky,
  correlationForMi,
  covariance,
  covarianceMatrix,
  covarianceWithMi,
  gaussianMiFromCovariance,
  logDet,
  matmul,
  principalSubmatrix,
  toCorrelation,
  transpose,
} from './linalg.js';

describe('cholesky / logDet', () => {
  test('hand matrix [[4,2],[2,3]]: L = [[2,0],[1,√2]], log det = log 8', () => {
    const a = Float64Array.from([4, 2, 2, 3]);
    const c = cholesky(a, 2);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(Array.from(c.L)).toEqual([2, 0, 1, expect.closeTo(Math.SQRT2, 15)]);
    // det = 4·3 − 2·2 = 8; a 2×2 factorisation is exact to a few ulps.
    expect(c.logDet).toBeCloseTo(Math.log(8), 14);
    expect(logDet(a, 2)).toBeCloseTo(Math.log(8), 14);
    // Second pivot: 3 − 1² = 2 (the conditional variance), the smaller one.
    expect(c.minPivot).toBeCloseTo(2, 14);
  });

  test('L·Lᵀ reproduces a random SPD matrix, and log det matches the product of pivots', () => {
    const rng = new Rng(11);
    const d = 6;
    const b = Float64Array.from({ length: d * d }, () => rng.normal());
    const a = addRidge(matmul(b, transpose(b, d, d), d, d, d), d, 0.5); // B Bᵀ + ½I: SPD
    const c = cholesky(a, d);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const back = matmul(c.L, transpose(c.L, d, d), d, d, d);
    for (let i = 0; i < d * d; i++) expect(back[i]).toBeCloseTo(a[i]!, 12);
    // log det of a lower-triangular factor is the sum of log diagonals, squared.
    let s = 0;
    for (let j = 0; j < d; j++) s += 2 * Math.log(c.L[j * d + j]!);
    expect(c.logDet).toBeCloseTo(s, 12);
  });

  test('singular and indefinite matrices give a failure result, not a throw', () => {
    const singular = Float64Array.from([1, 2, 2, 4]); // rank 1
    const c = cholesky(singular, 2);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.index).toBe(1);
    expect(c.pivot).toBeLessThanOrEqual(0);
    expect(logDet(singular, 2)).toBeUndefined();
    const indefinite = Float64Array.from([1, 0, 0, -1]);
    const ci = cholesky(indefinite, 2);
    expect(ci.ok).toBe(false);
    if (!ci.ok) expect(ci.index).toBe(1);
    const neg = cholesky(Float64Array.from([-2]), 1);
    expect(neg.ok).toBe(false);
  });
});

describe('covariance', () => {
  test('known 3×2 sample', () => {
    // Rows (1,2), (2,4), (3,7): means 2 and 13/3.
    const data = Float64Array.from([1, 2, 2, 4, 3, 7]);
    const c1 = covarianceMatrix(data, 3, 2, 1);
    // var0 = (1+0+1)/2 = 1; var1 = (49+1+64)/9/2 = 57/9; cov = (7/3 + 8/3)/2 = 2.5.
    expect(c1[0]).toBeCloseTo(1, 14);
    expect(c1[1]).toBeCloseTo(2.5, 14);
    expect(c1[2]).toBeCloseTo(2.5, 14);
    expect(c1[3]).toBeCloseTo(57 / 9, 14);
    const c0 = covariance({ data, n: 3, d: 2, names: ['a', 'b'], categorical: [false, false] }, 0);
    expect(c0[3]).toBeCloseTo(114 / 27, 14);
    const r = toCorrelation(c1, 2);
    expect(r[0]).toBe(1);
    expect(r[1]).toBeCloseTo(2.5 / Math.sqrt(57 / 9), 14);
    expect(Array.from(data)).toEqual([1, 2, 2, 4, 3, 7]); // not mutated
  });

  test('two-pass is accurate with a large offset', () => {
    // Values 1e9 + {0,1,2}: one-pass Σx² − n·x̄² would lose everything; two-pass gives 1 exactly.
    const data = Float64Array.from([1e9, 1e9 + 1, 1e9 + 2]);
    expect(covarianceMatrix(data, 3, 1, 1)[0]).toBe(1);
  });
});

describe('matmul and helpers', () => {
  test('hand product', () => {
    const a = Float64Array.from([1, 2, 3, 4, 5, 6]); // 2×3
    const b = Float64Array.from([7, 8, 9, 10, 11, 12]); // 3×2
    expect(Array.from(matmul(a, b, 2, 3, 2))).toEqual([58, 64, 139, 154]);
    expect(Array.from(transpose(a, 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(principalSubmatrix(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), 3, [2, 0]))).toEqual([9, 7, 3, 1]);
  });
});

describe('Gaussian MI from a covariance', () => {
  test('bivariate: −½ log(1 − ρ²)', () => {
    for (const rho of [-0.8, 0, 0.3, 0.999]) {
      const mi = gaussianMiFromCovariance(Float64Array.from([2, 2 * rho, 2 * rho, 2]), 1, 1);
      expect(mi).toBeCloseTo(-0.5 * Math.log(1 - rho * rho), 12);
    }
  });

  test('covarianceWithMi hits the requested MI to 1e-12 for several shapes', () => {
    for (const [dx, dy, mi] of [
      [1, 1, 0.5],
      [5, 5, 2],
      [3, 7, 1.25],
      [4, 2, 0],
      [2, 2, 8],
    ] as const) {
      const c = covarianceWithMi(dx, dy, mi);
      expect(Math.abs(gaussianMiFromCovariance(c, dx, dy)! - mi)).toBeLessThan(1e-12);
      const ld = blockLogDets(c, dx, dy)!;
      expect(ld.x).toBe(0); // identity blocks
      expect(ld.y).toBe(0);
    }
    expect(correlationForMi(1, -0.5 * Math.log(1 - 0.81))).toBeCloseTo(0.9, 14);
  });

  test('a non-PD covariance gives undefined', () => {
    expect(gaussianMiFromCovariance(Float64Array.from([1, 1, 1, 1]), 1, 1)).toBeUndefined();
  });
});

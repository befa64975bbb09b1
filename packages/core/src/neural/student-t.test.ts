import { describe, expect, test } from 'vitest';
import { regularizedIncompleteBeta, studentTCdf, studentTQuantile } from './student-t.js';

describe('Student-t quantile', () => {
  // Reference values: scipy.stats.t.ppf (and the closed form for ν = 2 below). The inversion is
  // accurate to ~1e-14 relative; 1e-12 is the test bound.
  test.each([
    [0.975, 2, 4.302652729749462],
    [0.975, 5, 2.5705818356363146],
    [0.975, 30, 2.0422724563012378],
    [0.95, 1, 6.313751514675043],
    [0.995, 10, 3.169272672616951],
    [0.9, 100, 1.290074761346503],
  ])('t_{%f, %i} = %f', (p, df, want) => {
    expect(Math.abs(studentTQuantile(p, df) / want - 1)).toBeLessThan(1e-12);
  });

  test('the commonly tabulated t_{0.975,2} = 4.302652729911275 is itself off by 3.8e-11 relative', () => {
    // Exact: (2p − 1)/√(2p(1 − p)) = 0.95/√0.04875 = 4.30265272974946385… (40-digit decimal arithmetic).
    expect(Math.abs(studentTQuantile(0.975, 2) / 4.302652729911275 - 1)).toBeLessThan(1e-10);
    expect(Math.abs(studentTQuantile(0.975, 2) - 4.3026527297494639)).toBeLessThan(2e-15);
    expect(Math.abs(studentTQuantile(0.975, 5) / 2.570581835636314 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(studentTQuantile(0.975, 30) / 2.042272456301238 - 1)).toBeLessThan(1e-12);
  });

  test('closed forms: ν = 1 (Cauchy) and ν = 2; symmetry; CDF round trip', () => {
    for (const p of [0.6, 0.8, 0.975, 0.999]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 10);
      expect(studentTQuantile(1 - p, 7)).toBe(-studentTQuantile(p, 7));
      expect(studentTCdf(studentTQuantile(p, 4.5), 4.5)).toBeCloseTo(p, 13);
    }
    expect(studentTQuantile(0.5, 3)).toBe(0);
  });

  test('regularized incomplete beta: I_x(1, 1) = x, I_x(a, 1) = x^a, symmetry', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.7, 2.5, 1)).toBeCloseTo(Math.pow(0.7, 2.5), 14);
    expect(regularizedIncompleteBeta(0.4, 3, 5) + regularizedIncompleteBeta(0.6, 5, 3)).toBeCloseTo(1, 14);
  });
});

import { describe, expect, test } from 'vitest';
import {
  digamma,
  digammaInt,
  erfc,
  lgamma,
  logFactorial,
  normalCdf,
  normalQuantile,
} from './special.js';

// Reference values: digamma and lgamma from mpmath (50 digits, rounded to
// double); normal quantiles from R's qnorm;
describe('special functions against tabulated values', () => {
  test('digamma', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 13);
    expect(digamma(10)).toBeCloseTo(2.251752589066721, 13);
    expect(digamma(1e6)).toBeCloseTo(13.815510057964274, 12);
    expect(Number.isNaN(digamma(0))).toBe(true);
  });

  test('digammaInt equals digamma at integers, including after the table grows', () => {
    for (const n of [1, 2, 3, 7, 100, 5000, 123457]) {
      expect(Math.abs(digammaInt(n) - digamma(n))).toBeLessThan(1e-11);
    }
  });

  test('lgamma and logFactorial', () => {
    expect(lgamma(0.5)).toBeCloseTo(0.5723649429247001, 13);
    expect(lgamma(10)).toBeCloseTo(12.801827480081469, 12);
    expect(lgamma(100)).toBeCloseTo(359.1342053695754, 10);
    expect(lgamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(10)).toBeCloseTo(Math.log(3628800), 12);
    // Table (exact sums) and Lanczos agree where both apply.
    expect(Math.abs(logFactorial(100000) - lgamma(100001)) / lgamma(100001)).toBeLessThan(1e-13);
  });

  test('normal quantile and CDF', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(Number.isNaN(normalQuantile(1.5))).toBe(true);
    // erfc's stated relative error is 1.2e-7.
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(Math.abs(erfc(3) / 2.209049699858544e-5 - 1)).toBeLessThan(1.2e-7);
  });
});

/**
 * Special functions used by the estimators. Accuracy is stated per function and
 * checked in special.test.ts against tabulated values.
 */
import { exp, log, sinPi } from './fdlibm.js';

/**
 * Digamma ψ(x) for x > 0. Recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the
 * asymptotic series ψ(x) ≈ ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ) (Abramowitz & Stegun
 * 6.3.18) to the x⁻¹² term; the first omitted term is below 1e-16 for x ≥ 10.
 *
 * For integer arguments (the KSG case) use `digammaInt`, which is exact to rounding.
 */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  const series =
    f * (-1 / 12 + f * (1 / 120 + f * (-1 / 252 + f * (1 / 240 + f * (-1 / 132 + f * (691 / 32760))))));
  return r + log(x) - 0.5 / x + series;
}

const EULER_GAMMA = 0.5772156649015329;
let digammaTable = new Float64Array([Number.NaN, -EULER_GAMMA]);

/**
 * ψ(n) for integer n ≥ 1, via ψ(n) = −γ + Σ_{k<n} 1/k from a cached table
 * (KSG calls it ~n times per estimate). Falls back to `digamma` for huge n.
 */
export function digammaInt(n: number): number {
  if (n < digammaTable.length) return digammaTable[n]!;
  if (n > 1 << 24) return digamma(n);
  let size = digammaTable.length;
  while (size <= n) size *= 2;
  const t = new Float64Array(size);
  t.set(digammaTable);
  for (let i = digammaTable.length; i < size; i++) t[i] = t[i - 1]! + 1 / (i - 1);
  digammaTable = t;
  return t[n]!;
}

/**
 * ln Γ(x) for x > 0. Lanczos approximation (g = 7, n = 9; coefficients from
 * Godfrey, as in Numerical Recipes 3rd ed. §6.1), relative error ≈ 1e-15.
 */
export function lgamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx), with sin(πx) reduced exactly (sinPi) rather than rounding π·x first.
    return log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  }
  x -= 1;
  let a = LANCZOS[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i);
  return 0.5 * log(2 * Math.PI) + (x + 0.5) * log(t) - t + log(a);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

let logFactTable = new Float64Array([0, 0]);

/** ln(n!) for integer n ≥ 0: exact cumulative sums from a cached table for n ≤ 2^20, else lgamma. */
export function logFactorial(n: number): number {
  if (n < logFactTable.length) return logFactTable[n]!;
  if (n > 1 << 20) return lgamma(n + 1);
  let size = logFactTable.length;
  while (size <= n) size *= 2;
  const t = new Float64Array(size);
  t.set(logFactTable);
  for (let i = logFactTable.length; i < size; i++) t[i] = t[i - 1]! + log(i);
  logFactTable = t;
  return t[n]!;
}

/**
 * Complementary error function, erfc(x) = 1 − erf(x), with relative error
 * < 1.2e-7 everywhere (Numerical Recipes 2nd ed. §6.2 `erfcc`, Chebyshev fit).
 * Used for the normal CDF in samplers' quadrature, where 1e-7 is ample.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * Standard normal quantile Φ⁻¹(p) for 0 < p < 1. Wichura's algorithm AS 241
 * (PPND16, Applied Statistics 37:477, 1988), relative accuracy about 1e-16.
 * The copula estimator maps ranks to normal scores with it.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return Number.NaN;
  }
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) *
          r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) *
        r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) *
        r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) *
        r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    val =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) *
        r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) *
        r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -val : val;
}

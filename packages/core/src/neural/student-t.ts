/**
 * Student-t quantiles for the `t-over-repeats` confidence interval of the
 * neural estimators (mean ± t_{(1+level)/2, r−1} · sd/√r over r repeats).
 */
import { exp, log, log1p } from '../math/fdlibm.js';
import { lgamma } from '../math/special.js';

/**
 * Continued fraction of the incomplete beta function, evaluated by the
 * modified Lentz method (Numerical Recipes 3rd ed. §6.4, `betacf`; Press et al.
 * 2007). Converges quickly for x < (a+1)/(a+b+2); relative precision 1e-16.
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/**
 * Regularized incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1]
 * (Numerical Recipes 3rd ed. §6.4, `betai`): the continued fraction on x, or
 * on 1 − x through I_x(a, b) = 1 − I_{1−x}(b, a), whichever converges.
 * Accuracy ≈ 1e-14 relative (limited by `lgamma`).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * CDF of Student's t with ν degrees of freedom. For t ≥ 0,
 * F(t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) = ½ + ½ I_{t²/(ν+t²)}(½, ν/2)
 * (Abramowitz & Stegun 26.7.1 with 26.5.27); the second form is used for
 * t² < ν so that small t keeps full relative precision.
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const t2 = t * t;
  const upperTail = t2 < df ? 0.5 - 0.5 * regularizedIncompleteBeta(t2 / (df + t2), 0.5, df / 2) : 0.5 * regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5);
  return t >= 0 ? 1 - upperTail : upperTail;
}

/** Density of Student's t with ν degrees of freedom. */
function studentTPdf(t: number, df: number): number {
  return exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * Math.PI) - ((df + 1) / 2) * log1p((t * t) / df));
}

/**
 * Quantile t_{p, ν} of Student's t (the t with F(t) = p), 0 < p < 1, ν > 0.
 * Bracket by doubling, bisection to a relative width of 1e-13, then two
 * Newton steps on F(t) − p with the exact density. Accurate to ~1e-13
 * relative (checked against tabulated values in student-t.test.ts).
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  let t = 0.5 * (lo + hi);
  for (let i = 0; i < 2; i++) {
    const step = (studentTCdf(t, df) - p) / studentTPdf(t, df);
    if (!Number.isFinite(step)) break;
    t -= step;
  }
  return t;
}

/**
 * One-dimensional quadrature for samplers whose MI is an integral (mixtures)
 * and for the tests that check closed forms numerically.
 */
import { log } from '../math/fdlibm.js';

/**
 * Composite Simpson rule on [a, b] with `panels` panels (rounded up to even).
 * Error −(b−a) h⁴ f⁽⁴⁾(ξ) / 180 for smooth f (h = (b−a)/panels); for integrands
 * that vanish with all derivatives at both ends (Gaussian tails) it converges
 * much faster, like the trapezoidal rule (Trefethen & Weideman 2014, SIAM Rev.
 * 56:385).
 */
export function compositeSimpson(f: (t: number) => number, a: number, b: number, panels: number): number {
  let m = Math.max(2, Math.ceil(panels));
  if (m % 2 === 1) m++;
  const h = (b - a) / m;
  let s = f(a) + f(b);
  for (let i = 1; i < m; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/**
 * Adaptive Simpson quadrature with Richardson extrapolation (Lyness 1969,
 * "Notes on the adaptive Simpson quadrature routine", J. ACM 16:483): bisect
 * until |S(left) + S(right) − S(whole)| ≤ 15·tol on each piece. `tol` is an
 * absolute error target for the whole integral (halved at each bisection).
 * Handles integrable kinks and endpoint singularities of derivatives, e.g.
 * t log t at 0, when given enough depth.
 *
 * @param tol absolute tolerance. @default 1e-12
 * @param maxDepth bisection depth limit. @default 50
 */
export function adaptiveSimpson(f: (t: number) => number, a: number, b: number, tol = 1e-12, maxDepth = 50): number {
  const fa = f(a);
  const fb = f(b);
  const m = 0.5 * (a + b);
  const fm = f(m);
  const whole = ((b - a) / 6) * (fa + 4 * fm + fb);
  return step(f, a, b, fa, fm, fb, whole, tol, maxDepth);
}

function step(
  f: (t: number) => number,
  a: number,
  b: number,
  fa: number,
  fm: number,
  fb: number,
  whole: number,
  tol: number,
  depth: number,
): number {
  const m = 0.5 * (a + b);
  const lm = 0.5 * (a + m);
  const rm = 0.5 * (m + b);
  const flm = f(lm);
  const frm = f(rm);
  const left = ((m - a) / 6) * (fa + 4 * flm + fm);
  const right = ((b - m) / 6) * (fm + 4 * frm + fb);
  const delta = left + right - whole;
  if (depth <= 0 || Math.abs(delta) <= 15 * tol) return left + right + delta / 15;
  return (
    step(f, a, m, fa, flm, fm, left, tol / 2, depth - 1) + step(f, m, b, fm, frm, fb, right, tol / 2, depth - 1)
  );
}

/** −p log p with 0 log 0 = 0 (the entropy integrand). */
export function negPLogP(p: number): number {
  return p > 0 ? -p * log(p) : 0;
}

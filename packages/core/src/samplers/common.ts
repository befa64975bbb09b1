/**
 * Helpers shared by the samplers: building Variables, validating sizes and
 * probability vectors, and the few random draws Rng does not provide.
 */
import { MineError } from '../errors.js';
import type { Variable } from '../interface.js';
import { log, pow } from '../math/fdlibm.js';
import type { Rng } from '../rng.js';

/**
 * Column names of one side, as `toVariable` names unnamed input: `x` for a
 * single column, `x0 … x{d−1}` otherwise.
 */
export function sideNames(side: 'x' | 'y', d: number): string[] {
  return d === 1 ? [side] : Array.from({ length: d }, (_, j) => `${side}${j}`);
}

/** Wraps row-major n×d data as a Variable with default names. */
export function makeVariable(data: Float64Array, n: number, d: number, side: 'x' | 'y', categorical = false): Variable {
  return { data, n, d, names: sideNames(side, d), categorical: new Array<boolean>(d).fill(categorical) };
}

/** Throws INVALID_PARAMS unless n is a non-negative integer. */
export function checkSampleSize(n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new MineError('INVALID_PARAMS', `sample size must be a non-negative integer, got ${n}`, { field: 'n' });
  }
}

/**
 * Validates a probability vector (finite, ≥ 0, summing to 1 within 1e-9) and
 * returns it renormalised to sum exactly-ish to 1, as a new array.
 */
export function checkProbabilities(p: readonly number[], field: string): Float64Array {
  if (p.length === 0) throw new MineError('INVALID_PARAMS', `'${field}' is empty`, { field });
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!Number.isFinite(v) || v < 0) {
      throw new MineError('INVALID_PARAMS', `'${field}' entry ${i} is ${v}; probabilities must be finite and ≥ 0`, { field });
    }
    s += v;
  }
  if (Math.abs(s - 1) > 1e-9) {
    throw new MineError('INVALID_PARAMS', `'${field}' sums to ${s}, not 1`, { field, hint: 'divide by the total first' });
  }
  return Float64Array.from(p, (v) => v / s);
}

/** Cumulative sums of a probability vector, with the last entry forced to 1 (guards rounding). */
export function cumulative(p: Float64Array): Float64Array {
  const c = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    s += p[i]!;
    c[i] = s;
  }
  // The last positive cell takes everything above the rounding error, so a draw
  // u < 1 always lands on a cell with positive probability.
  let last = p.length - 1;
  while (last > 0 && p[last] === 0) last--;
  for (let i = last; i < p.length; i++) c[i] = 1;
  return c;
}

/** Index i with cum[i−1] ≤ u < cum[i] (binary search), for u = rng.next() ∈ [0, 1). */
export function drawIndex(cum: Float64Array, rng: Rng): number {
  const u = rng.next();
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < cum[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A Gamma(shape, 1) draw. Marsaglia & Tsang (2000), "A simple method for
 * generating gamma variables", ACM TOMS 26:363, for shape ≥ 1; for shape < 1,
 * Gamma(a) = Gamma(a + 1) · U^{1/a} (same paper).
 */
export function gammaDraw(rng: Rng, shape: number): number {
  if (!(shape > 0)) throw new Error(`gammaDraw: shape must be > 0, got ${shape}`);
  if (shape < 1) {
    const u = 1 - rng.next(); // (0, 1]: never 0, so the draw is never exactly 0
    return gammaDraw(rng, shape + 1) * pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    const x2 = x * x;
    // Squeeze (0.0331 from the paper), then the exact log test.
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (log(u) < 0.5 * x2 + d * (1 - v + log(v))) return d * v;
  }
}

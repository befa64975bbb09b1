/**
 * Small dense linear algebra on row-major Float64Array matrices, for the
 * Gaussian/copula estimators and the Gaussian samplers. Sizes here are the
 * number of columns of X and Y (a few to a few dozen), so plain O(d³) loops are
 * the right tool; nothing is blocked or vectorised.
 *
 * Shape convention: an m×p matrix `a` is a Float64Array of length m·p, entry
 * (i, j) at `a[i*p + j]`. Square d×d matrices pass `d` alongside the array.
 * No function mutates its inputs.
 */
import type { Variable } from '../interface.js';
import { expm1, log } from './fdlibm.js';

/**
 * Sample covariance of the columns of a row-major n×d matrix.
 *
 * Two-pass (centre, then sum products), which keeps the rounding error of the
 * entries near n·ε·(scale²) instead of the catastrophic cancellation of the
 * one-pass Σx² − n·x̄² formula.
 *
 * @param data row-major n×d values.
 * @param ddof delta degrees of freedom: divide by n − ddof. @default 1 (unbiased); 0 gives the maximum-likelihood estimate.
 * @returns d×d symmetric matrix (row-major).
 */
export function covarianceMatrix(data: Float64Array, n: number, d: number, ddof = 1): Float64Array {
  if (data.length !== n * d) throw new Error(`covarianceMatrix: data has ${data.length} values, expected ${n}×${d}`);
  if (n - ddof <= 0) throw new Error(`covarianceMatrix: need n > ddof, got n=${n}, ddof=${ddof}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const c = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j]! - mean[j]!;
    for (let j = 0; j < d; j++) {
      const rj = row[j]!;
      for (let k = j; k < d; k++) c[j * d + k]! += rj * row[k]!;
    }
  }
  const inv = 1 / (n - ddof);
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = c[j * d + k]! * inv;
      c[j * d + k] = v;
      c[k * d + j] = v;
    }
  }
  return c;
}

/**
 * Covariance matrix of a Variable's columns: `v.d × v.d`, row-major.
 * @param ddof divide by n − ddof. @default 1
 */
export function covariance(v: Variable, ddof = 1): Float64Array {
  return covarianceMatrix(v.data, v.n, v.d, ddof);
}

/**
 * Rescales a covariance matrix to a correlation matrix: C_ij / √(C_ii C_jj),
 * with the diagonal set to exactly 1. Requires a positive diagonal.
 * @returns new d×d matrix.
 */
export function toCorrelation(c: Float64Array, d: number): Float64Array {
  const s = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const v = c[j * d + j]!;
    if (!(v > 0)) throw new Error(`toCorrelation: diagonal entry ${j} is ${v}, not positive`);
    s[j] = 1 / Math.sqrt(v);
  }
  const r = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) r[i * d + j] = i === j ? 1 : c[i * d + j]! * s[i]! * s[j]!;
  }
  return r;
}

/**
 * Outcome of a Cholesky factorisation. On success `L` is lower triangular with
 * A = L Lᵀ; `logDet` = log det A = 2 Σ log L_jj; `minPivot` is min_j L_jj², the
 * smallest *conditional variance* of column j given columns 0..j−1 (for a
 * correlation matrix it is in (0, 1], so it doubles as a relative measure of
 * collinearity). On failure, `index` is the first column whose pivot
 * A_jj − Σ L_jk² was not positive (or not finite) and `pivot` is that value.
 */
export type CholeskyResult =
  | { ok: true; L: Float64Array; logDet: number; minPivot: number }
  | { ok: false; index: number; pivot: number };

/**
 * Cholesky factorisation A = L Lᵀ of a symmetric d×d matrix (only the lower
 * triangle is read). Returns `{ ok: false, … }` instead of throwing when A is
 * not (numerically) positive definite, so callers can regularise and retry.
 * Cholesky–Banachiewicz order (row by row), Golub & Van Loan 4th ed. §4.2.
 */
export function cholesky(a: Float64Array, d: number): CholeskyResult {
  if (a.length !== d * d) throw new Error(`cholesky: matrix has ${a.length} values, expected ${d}×${d}`);
  const L = new Float64Array(d * d);
  let logDet = 0;
  let minPivot = Infinity;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= L[i * d + k]! * L[j * d + k]!;
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return { ok: false, index: i, pivot: s };
        if (s < minPivot) minPivot = s;
        logDet += log(s);
        L[i * d + i] = Math.sqrt(s);
      } else {
        L[i * d + j] = s / L[j * d + j]!;
      }
    }
  }
  return { ok: true, L, logDet, minPivot: d === 0 ? 1 : minPivot };
}

/**
 * log det A for a symmetric positive-definite d×d matrix, via Cholesky
 * (log det A = 2 Σ log L_jj). `undefined` when A is not positive definite.
 */
export function logDet(a: Float64Array, d: number): number | undefined {
  const c = cholesky(a, d);
  return c.ok ? c.logDet : undefined;
}

/**
 * Matrix product C = A·B.
 * @param a m×k row-major.
 * @param b k×p row-major.
 * @returns m×p row-major.
 */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, p: number): Float64Array {
  if (a.length !== m * k || b.length !== k * p) {
    throw new Error(`matmul: shapes ${a.length}≠${m}×${k} or ${b.length}≠${k}×${p}`);
  }
  const c = new Float64Array(m * p);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < k; t++) {
      const ait = a[i * k + t]!;
      if (ait === 0) continue;
      for (let j = 0; j < p; j++) c[i * p + j]! += ait * b[t * p + j]!;
    }
  }
  return c;
}

/** Transpose of an m×p row-major matrix (returns p×m). */
export function transpose(a: Float64Array, m: number, p: number): Float64Array {
  const t = new Float64Array(m * p);
  for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) t[j * m + i] = a[i * p + j]!;
  return t;
}

/**
 * The principal submatrix of a d×d matrix on the given indices (in that order).
 * @returns idx.length × idx.length row-major.
 */
export function principalSubmatrix(a: Float64Array, d: number, idx: readonly number[]): Float64Array {
  const m = idx.length;
  const s = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) s[i * m + j] = a[idx[i]! * d + idx[j]!]!;
  return s;
}

/** A + r·I for a d×d matrix (new array). */
export function addRidge(a: Float64Array, d: number, r: number): Float64Array {
  const out = Float64Array.from(a);
  for (let j = 0; j < d; j++) out[j * d + j]! += r;
  return out;
}

/** [0, 1, …, n−1] offset by `start`. */
export function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

/**
 * Log-determinants of the blocks of a joint covariance Σ of (X, Y), where X is
 * the first `dimX` coordinates and Y the next `dimY`: `{ x: log det Σ_XX,
 * y: log det Σ_YY, xy: log det Σ }`, or `undefined` if any block is not
 * positive definite.
 */
export function blockLogDets(
  cov: Float64Array,
  dimX: number,
  dimY: number,
): { x: number; y: number; xy: number } | undefined {
  const d = dimX + dimY;
  const xy = logDet(cov, d);
  const x = logDet(principalSubmatrix(cov, d, range(0, dimX)), dimX);
  const y = logDet(principalSubmatrix(cov, d, range(dimX, dimY)), dimY);
  if (xy === undefined || x === undefined || y === undefined) return undefined;
  return { x, y, xy };
}

/**
 * Mutual information of a jointly Gaussian (X, Y) with joint covariance `cov`
 * ((dimX+dimY)², X first), in nats:
 *
 *   I(X;Y) = ½ [log det Σ_XX + log det Σ_YY − log det Σ]
 *
 * (Cover & Thomas 2006, Elements of Information Theory 2nd ed., §8.4: the
 * entropy of a multivariate normal h(N(μ, Σ)) = ½ log((2πe)^d det Σ), combined
 * as I = h(X) + h(Y) − h(X,Y); Example 8.5.1 is the bivariate case −½ log(1 − ρ²)).
 * `undefined` when Σ (or a block) is not positive definite.
 */
export function gaussianMiFromCovariance(cov: Float64Array, dimX: number, dimY: number): number | undefined {
  const ld = blockLogDets(cov, dimX, dimY);
  return ld === undefined ? undefined : 0.5 * (ld.x + ld.y - ld.xy);
}

/**
 * The per-pair correlation ρ ≥ 0 such that m independent pairs (X_i, Y_i), each
 * bivariate normal with correlation ρ, carry `mi` nats in total:
 * −(m/2) log(1 − ρ²) = mi  ⇔  ρ = √(1 − e^{−2·mi/m}).
 */
export function correlationForMi(m: number, mi: number): number {
  if (!(m >= 1) || !(mi >= 0) || !Number.isFinite(mi)) throw new Error(`correlationForMi: need m ≥ 1 and finite mi ≥ 0, got ${m}, ${mi}`);
  // −expm1(−t) = 1 − e^{−t} without cancellation for small t.
  return Math.sqrt(-expm1((-2 * mi) / m));
}

/**
 * A joint covariance of (X, Y), dims dimX and dimY, whose Gaussian MI is
 * exactly `mi` nats: identity, except Cov(X_i, Y_i) = ρ for i < m = min(dimX, dimY),
 * with ρ = correlationForMi(m, mi). The m pairs are independent of each other
 * and of the remaining coordinates, so MI = m · (−½ log(1 − ρ²)) = mi (the
 * "sparse" interaction structure of bmi's benchmark tasks, Czyż et al. 2023).
 *
 * @returns (dimX+dimY)×(dimX+dimY) row-major, X coordinates first.
 */
export function covarianceWithMi(dimX: number, dimY: number, mi: number): Float64Array {
  const d = dimX + dimY;
  const m = Math.min(dimX, dimY);
  const rho = correlationForMi(m, mi);
  const c = new Float64Array(d * d);
  for (let j = 0; j < d; j++) c[j * d + j] = 1;
  for (let i = 0; i < m; i++) {
    c[i * d + (dimX + i)] = rho;
    c[(dimX + i) * d + i] = rho;
  }
  return c;
}

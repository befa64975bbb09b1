/**
 * Jointly Gaussian samplers: the oracle cases whose MI is a closed form,
 * I(X;Y) = ½ log(det Σ_XX · det Σ_YY / det Σ) (Cover & Thomas 2006, §8.4).
 */
import { MineError } from '../errors.js';
import type { Sampler } from '../interface.js';
import { log1p } from '../math/fdlibm.js';
import { cholesky, covarianceWithMi, gaussianMiFromCovariance } from '../math/linalg.js';
import type { Rng } from '../rng.js';
import { checkSampleSize, makeVariable } from './common.js';

/** A Gaussian sampler also exposes its joint covariance (row-major, X first). */
export interface GaussianSampler extends Sampler {
  /** (dimX+dimY)×(dimX+dimY) joint covariance, row-major, X coordinates first. */
  readonly covariance: Float64Array;
}

/** Options of `gaussian`. */
export interface GaussianOptions {
  /**
   * Joint covariance of (X, Y), X coordinates first: (dimX+dimY)² numbers
   * row-major, or an array of rows. Must be symmetric positive definite.
   */
  covariance: Float64Array | readonly number[] | readonly (readonly number[])[];
  dimX: number;
  dimY: number;
  /** Mean vector (length dimX+dimY). @default zeros */
  mean?: readonly number[];
  /** @default `gaussian-{dimX}x{dimY}` */
  name?: string;
}

function checkDim(v: number, field: string): void {
  if (!Number.isInteger(v) || v < 1) throw new MineError('INVALID_PARAMS', `'${field}' must be an integer ≥ 1, got ${v}`, { field });
}

function flatten(c: GaussianOptions['covariance'], d: number): Float64Array {
  if (c instanceof Float64Array) return Float64Array.from(c);
  const a = c as readonly unknown[];
  if (a.length > 0 && Array.isArray(a[0])) {
    const rows = c as readonly (readonly number[])[];
    if (rows.length !== d || rows.some((r) => r.length !== d)) {
      throw new MineError('INVALID_PARAMS', `'covariance' must be ${d}×${d} (dimX + dimY square)`, { field: 'covariance' });
    }
    return Float64Array.from(rows.flat());
  }
  return Float64Array.from(c as readonly number[]);
}

/**
 * X, Y jointly normal with the given joint covariance. Samples by Cholesky:
 * v = μ + L z with z ~ N(0, I), Σ = L Lᵀ. MI from the log-determinants.
 *
 * @throws MineError INVALID_PARAMS if the covariance has the wrong size, is not
 * symmetric or not positive definite.
 */
export function gaussian(options: GaussianOptions): GaussianSampler {
  const { dimX, dimY } = options;
  checkDim(dimX, 'dimX');
  checkDim(dimY, 'dimY');
  const d = dimX + dimY;
  const cov = flatten(options.covariance, d);
  if (cov.length !== d * d) {
    throw new MineError('INVALID_PARAMS', `'covariance' has ${cov.length} entries, expected ${d}×${d} = ${d * d}`, { field: 'covariance' });
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const a = cov[i * d + j]!;
      const b = cov[j * d + i]!;
      if (!Number.isFinite(a) || Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) {
        throw new MineError('INVALID_PARAMS', `'covariance' is not symmetric at (${i}, ${j}): ${a} vs ${b}`, { field: 'covariance' });
      }
    }
  }
  const ch = cholesky(cov, d);
  if (!ch.ok) {
    throw new MineError('INVALID_PARAMS', `'covariance' is not positive definite (pivot ${ch.pivot} at coordinate ${ch.index})`, {
      field: 'covariance',
    });
  }
  const L = ch.L;
  const mean = options.mean ? Float64Array.from(options.mean) : new Float64Array(d);
  if (mean.length !== d) throw new MineError('INVALID_PARAMS', `'mean' must have ${d} entries, got ${mean.length}`, { field: 'mean' });
  const mi = gaussianMiFromCovariance(cov, dimX, dimY);
  if (mi === undefined) throw new MineError('INVALID_PARAMS', `a diagonal block of 'covariance' is not positive definite`, { field: 'covariance' });
  return {
    name: options.name ?? `gaussian-${dimX}x${dimY}`,
    dimX,
    dimY,
    kinds: { x: 'continuous', y: 'continuous' },
    covariance: cov,
    sample(n: number, rng: Rng) {
      checkSampleSize(n);
      const xs = new Float64Array(n * dimX);
      const ys = new Float64Array(n * dimY);
      const z = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) z[j] = rng.normal();
        for (let r = 0; r < d; r++) {
          let v = mean[r]!;
          for (let k = 0; k <= r; k++) v += L[r * d + k]! * z[k]!;
          if (r < dimX) xs[i * dimX + r] = v;
          else ys[i * dimY + (r - dimX)] = v;
        }
      }
      return { x: makeVariable(xs, n, dimX, 'x'), y: makeVariable(ys, n, dimY, 'y') };
    },
    mutualInformation: () => mi,
  };
}

/**
 * A standard bivariate normal pair with correlation ρ ∈ (−1, 1).
 * MI = −½ log(1 − ρ²) nats (computed with log1p for accuracy near ρ = 0).
 */
export function bivariateGaussian(rho: number): GaussianSampler {
  if (!(Math.abs(rho) < 1)) throw new MineError('INVALID_PARAMS', `'rho' must be in (−1, 1), got ${rho}`, { field: 'rho' });
  const base = gaussian({ covariance: [1, rho, rho, 1], dimX: 1, dimY: 1, name: `gaussian-rho${rho}` });
  const mi = -0.5 * log1p(-rho * rho);
  return { ...base, mutualInformation: () => mi };
}

/** Options of `gaussianWithMi`. */
export interface GaussianWithMiOptions {
  dimX: number;
  dimY: number;
  /** Target MI in nats, ≥ 0. */
  mi: number;
  /** @default `gaussian-{dimX}x{dimY}-mi{mi}` */
  name?: string;
}

/**
 * A (dimX + dimY)-dimensional Gaussian with prescribed MI: X ~ N(0, I), Y ~ N(0, I),
 * Corr(X_i, Y_i) = ρ for i < m = min(dimX, dimY) and every other pair
 * uncorrelated, with ρ = √(1 − e^{−2·mi/m}) so that −(m/2) log(1 − ρ²) = mi
 * (see `covarianceWithMi`). `mutualInformation()` returns the log-det value of
 * that covariance, equal to `mi` up to rounding (~1e-15).
 */
export function gaussianWithMi(options: GaussianWithMiOptions): GaussianSampler {
  const { dimX, dimY, mi } = options;
  checkDim(dimX, 'dimX');
  checkDim(dimY, 'dimY');
  if (!(mi >= 0) || !Number.isFinite(mi)) throw new MineError('INVALID_PARAMS', `'mi' must be a finite number ≥ 0, got ${mi}`, { field: 'mi' });
  return gaussian({ covariance: covarianceWithMi(dimX, dimY, mi), dimX, dimY, name: options.name ?? `gaussian-${dimX}x${dimY}-mi${mi}` });
}

/** Independent standard normal X (dimX) and Y (dimY): MI = 0. */
export function independentGaussian(dimX = 1, dimY = 1): GaussianSampler {
  const s = gaussianWithMi({ dimX, dimY, mi: 0, name: `independent-${dimX}x${dimY}` });
  return { ...s, mutualInformation: () => 0 };
}

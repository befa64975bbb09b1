/**
 * Multivariate Student-t (X, Y): heavy tails and a dependence that correlation
 * does not see (with an identity dispersion X and Y are uncorrelated yet
 * dependent through the shared scale). bmi's `SplitStudentT` (Czyż et al. 2023).
 */
import { MineError } from '../errors.js';
import type { Sampler } from '../interface.js';
import { log } from '../math/fdlibm.js';
import { cholesky, covarianceWithMi, gaussianMiFromCovariance } from '../math/linalg.js';
import { digamma, lgamma } from '../math/special.js';
import type { Rng } from '../rng.js';
import { checkSampleSize, gammaDraw, makeVariable } from './common.js';

/**
 * Differential entropy (nats) of a d-dimensional Student-t with ν degrees of
 * freedom and dispersion (scale) matrix Σ, given log det Σ:
 *
 *   h = ½ log det Σ + (d/2) log(νπ) + log Γ(ν/2) − log Γ((ν+d)/2)
 *       + ((ν+d)/2) [ψ((ν+d)/2) − ψ(ν/2)]
 *
 * (Arellano-Valle, Contreras-Reyes & Genton 2013, "Shannon entropy and mutual
 * information for multivariate skew-elliptical distributions", Scand. J. Stat.
 * 40:42–62, eq. 7, with the ½ log det Σ term added). Derivation: the
 * density is f(x) = C (1 + δ/ν)^{−(ν+d)/2} with δ = xᵀΣ⁻¹x and
 * C = Γ((ν+d)/2) / (Γ(ν/2) (νπ)^{d/2} det Σ^{½}), so h = −log C + ((ν+d)/2)·E log(1 + δ/ν).
 * Writing T = Z / √(W/ν) with Z ~ N(0, I_d), W ~ χ²_ν: δ/ν = |Z|²/W = G_d / G_ν
 * with independent G_d ~ Gamma(d/2), G_ν ~ Gamma(ν/2); 1 + δ/ν = 1/B with
 * B = G_ν/(G_d + G_ν) ~ Beta(ν/2, d/2), and E log B = ψ(ν/2) − ψ((ν+d)/2).
 * Checked against radial quadrature for d = 1, 2, 3 in samplers.test.ts.
 */
export function studentTEntropy(dof: number, d: number, logDetScale = 0): number {
  const a = (dof + d) / 2;
  return (
    0.5 * logDetScale +
    (d / 2) * log(dof * Math.PI) +
    lgamma(dof / 2) -
    lgamma(a) +
    a * (digamma(a) - digamma(dof / 2))
  );
}

/**
 * The non-Gaussian part of the MI of a multivariate t:
 * I(X;Y) = I_Gauss(Σ) + c(ν, dx, dy), with
 *
 *   c = g(dx) + g(dy) − g(dx+dy),  g(d) = studentTEntropy(ν, d, 0)
 *
 * because the marginals of a multivariate t are t with the same ν and the
 * sub-blocks of Σ (X = Z_X / √(W/ν) uses the same W), so the ½ log det terms
 * of h(X) + h(Y) − h(X,Y) form the Gaussian MI and the rest is c (the
 * (d/2) log(νπ) terms cancel). c > 0 and c → 0 as ν → ∞. We combine the
 * entropies rather than use the paper's closed MI expression, which bmi notes
 * is slightly wrong (bmi `SplitStudentT`, Czyż et al. 2023, does the same).
 */
export function studentTMiCorrection(dof: number, dimX: number, dimY: number): number {
  return studentTEntropy(dof, dimX) + studentTEntropy(dof, dimY) - studentTEntropy(dof, dimX + dimY);
}

/** Options of `studentT`. */
export interface StudentTOptions {
  dimX: number;
  dimY: number;
  /** Degrees of freedom ν > 0 (heavier tails for smaller ν; variance finite for ν > 2). */
  dof: number;
  /**
   * Joint dispersion matrix Σ ((dimX+dimY)², row-major, X first; symmetric
   * positive definite). Overrides `gaussianMi`.
   */
  dispersion?: Float64Array | readonly number[];
  /**
   * Builds Σ = covarianceWithMi(dimX, dimY, gaussianMi) (paired correlations)
   * when no `dispersion` is given. @default 0 (Σ = I: uncorrelated, still dependent)
   */
  gaussianMi?: number;
  /** @default `student-t-{dimX}x{dimY}-dof{ν}` (plus `-gmi{gaussianMi}` when non-zero) */
  name?: string;
}

/**
 * (X, Y) = Z / √(W/ν) with Z ~ N(0, Σ), W ~ χ²_ν = 2·Gamma(ν/2) independent.
 * MI = ½ log(det Σ_XX det Σ_YY / det Σ) + studentTMiCorrection(ν, dimX, dimY).
 */
export function studentT(options: StudentTOptions): Sampler {
  const { dimX, dimY, dof } = options;
  for (const [f, v] of [
    ['dimX', dimX],
    ['dimY', dimY],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new MineError('INVALID_PARAMS', `'${f}' must be an integer ≥ 1, got ${v}`, { field: f });
  }
  if (!(dof > 0) || !Number.isFinite(dof)) throw new MineError('INVALID_PARAMS', `'dof' must be a finite number > 0, got ${dof}`, { field: 'dof' });
  const d = dimX + dimY;
  const gmi = options.gaussianMi ?? 0;
  const disp = options.dispersion ? Float64Array.from(options.dispersion) : covarianceWithMi(dimX, dimY, gmi);
  if (disp.length !== d * d) {
    throw new MineError('INVALID_PARAMS', `'dispersion' must have ${d * d} entries, got ${disp.length}`, { field: 'dispersion' });
  }
  const ch = cholesky(disp, d);
  const gaussPart = gaussianMiFromCovariance(disp, dimX, dimY);
  if (!ch.ok || gaussPart === undefined) {
    throw new MineError('INVALID_PARAMS', `'dispersion' is not positive definite`, { field: 'dispersion' });
  }
  const L = ch.L;
  const mi = gaussPart + studentTMiCorrection(dof, dimX, dimY);
  const defaultName = `student-t-${dimX}x${dimY}-dof${dof}` + (options.dispersion || gmi === 0 ? '' : `-gmi${gmi}`);
  return {
    name: options.name ?? defaultName,
    dimX,
    dimY,
    kinds: { x: 'continuous', y: 'continuous' },
    sample(n: number, rng: Rng) {
      checkSampleSize(n);
      const xs = new Float64Array(n * dimX);
      const ys = new Float64Array(n * dimY);
      const z = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) z[j] = rng.normal();
        const w = 2 * gammaDraw(rng, dof / 2);
        const s = 1 / Math.sqrt(w / dof);
        for (let r = 0; r < d; r++) {
          let v = 0;
          for (let k = 0; k <= r; k++) v += L[r * d + k]! * z[k]!;
          v *= s;
          if (r < dimX) xs[i * dimX + r] = v;
          else ys[i * dimY + (r - dimX)] = v;
        }
      }
      return { x: makeVariable(xs, n, dimX, 'x'), y: makeVariable(ys, n, dimY, 'y') };
    },
    mutualInformation: () => mi,
  };
}

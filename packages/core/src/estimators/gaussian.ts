/**
 * The Gaussian (parametric, log-determinant) MI estimator: fit one joint normal
 * to (X, Y) and report its MI. Exact for jointly Gaussian data. For other data
 * it reports the MI of the Gaussian with the same correlation matrix, which
 * captures only linear dependence and is neither an upper nor a lower bound on
 * the true MI in general (its rank-based cousin in copula.ts is a lower bound
 * for one-dimensional X and Y).
 */
import { z } from 'zod';
import { MineError } from '../errors.js';
import type { Diagnostic, Variable } from '../interface.js';
import { addRidge, cholesky, principalSubmatrix, range, toCorrelation, covarianceMatrix } from '../math/linalg.js';
import { digamma } from '../math/special.js';
import { commonParams } from '../params.js';
import type { EstimatorDefinition, RawEstimate } from '../registry.js';
import { hstack, standardize } from '../variable.js';

/** Parameters of `gaussian` (and, with the same fields, `copula`). */
export const gaussianParams = commonParams
  .extend({
    /**
     * Shrinkage λ ∈ [0, 1] of the correlation matrix toward the identity:
     * R_λ = (1 − λ) R + λ I (ridge toward the diagonal, as in Ledoit & Wolf
     * 2004, J. Multivariate Anal. 88:365, but with a fixed λ rather than their
     * data-driven one). λ > 0 keeps R well conditioned when n is not much larger
     * than dx + dy, at the price of pulling the estimate toward 0.
     * @default 0
     */
    shrinkage: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('shrink the correlation matrix toward the identity: (1-λ)R + λI; 0 = none'),
    /**
     * Subtract the exact finite-sample bias of the plug-in log-determinants
     * under Gaussianity (Misra, Singh & Demchuk 2005, J. Multivariate Anal.
     * 92:324; the `biascorrect` option of Ince et al.'s gcmi). The plug-in
     * estimate is biased upward by ≈ dx·dy / (2n) nats; the corrected one is
     * unbiased for Gaussian data (and so is negative about half the time on
     * independent data). Exact only with shrinkage 0.
     * @default false
     */
    biasCorrection: z
      .boolean()
      .default(false)
      .describe('subtract the finite-sample bias of the log-determinants (unbiased for Gaussian data)'),
  })
  .strict();

export type GaussianParams = z.output<typeof gaussianParams>;

/**
 * Squared Cholesky pivots (conditional variances of a correlation matrix, in
 * (0, 1]) below this count as ill-conditioned. The entries of a sample
 * correlation carry rounding error of order n·ε ≈ 1e-12 at n = 5000, so a
 * pivot of 1e-10 is already only ~1% accurate.
 */
const PIVOT_TOLERANCE = 1e-10;
/**
 * First ridge added to the diagonal of the correlation matrix when it is ill
 * conditioned (then ×10 until the factorisations succeed). Any exactly
 * collinear direction then contributes log(ridge) to the log-dets instead of −∞.
 */
const FIRST_RIDGE = 1e-8;

/** What `gaussianMiFromData` computed, all in nats. */
export interface GaussianMiResult {
  /** The MI estimate (after bias correction, when asked). */
  value: number;
  /** log det of the X, Y and joint blocks of the (shrunk, ridged) correlation matrix. */
  logDetX: number;
  logDetY: number;
  logDetXY: number;
  /** Ridge added to the diagonal; 0 when the correlation matrix was well conditioned. */
  ridge: number;
  /** Smallest squared Cholesky pivot of the joint correlation matrix before any ridge (0 if it failed). */
  minPivot: number;
  /** The bias subtracted (0 unless `biasCorrection`). */
  biasCorrection: number;
}

/**
 * The Gaussian MI formula applied to data:
 *
 *   Î = ½ [log det R_X + log det R_Y − log det R]
 *
 * with R the sample correlation matrix of the standardised joint data [X, Y]
 * (maximum-likelihood fit of a joint normal; the formula is Cover & Thomas
 * 2006, §8.4: h(N(μ,Σ)) = ½ log((2πe)^d |Σ|), combined as h(X) + h(Y) − h(X,Y);
 * Example 8.5.1 is the bivariate −½ log(1 − ρ²)).
 * Using correlations rather than covariances changes nothing mathematically
 * (the ratio of determinants is invariant to per-column scaling) but makes the
 * conditioning test scale free.
 *
 * When a factorisation fails or a pivot is below 1e-10 (collinear columns), a
 * ridge r·I is added to R (r = 1e-8, ×10 until it factorises) and `ridge` says
 * so. Collinearity *within* X (or within Y) leaves MI finite and the ridge
 * cancels to first order; a column of X that is a linear function of columns of
 * Y makes the Gaussian MI infinite in theory, and the ridged value (≈ ½ log(1/r)
 * per such direction) is then only a large finite stand-in.
 *
 * Shapes: x is n×dx, y is n×dy (same n, n ≥ dx + dy + 2). Inputs are not mutated.
 */
export function gaussianMiFromData(
  x: Variable,
  y: Variable,
  options: { shrinkage?: number; biasCorrection?: boolean } = {},
): GaussianMiResult {
  const { n } = x;
  const dx = x.d;
  const dy = y.d;
  const d = dx + dy;
  const lambda = options.shrinkage ?? 0;
  const joint = standardize(hstack(x, y));
  // ddof 0 after standardising: the diagonal is 1 up to rounding; toCorrelation makes it exact.
  let r = toCorrelation(covarianceMatrix(joint.data, n, d, 0), d);
  if (lambda > 0) {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) r[i * d + j]! *= 1 - lambda;
  }
  const xIdx = range(0, dx);
  const yIdx = range(dx, dy);

  const factor = (m: Float64Array) => {
    const cj = cholesky(m, d);
    const cx = cholesky(principalSubmatrix(m, d, xIdx), dx);
    const cy = cholesky(principalSubmatrix(m, d, yIdx), dy);
    return { cj, cx, cy };
  };
  let f = factor(r);
  const minPivot = f.cj.ok ? f.cj.minPivot : 0;
  let ridge = 0;
  const bad = (g: typeof f) =>
    !g.cj.ok || !g.cx.ok || !g.cy.ok || g.cj.minPivot < PIVOT_TOLERANCE || g.cx.minPivot < PIVOT_TOLERANCE || g.cy.minPivot < PIVOT_TOLERANCE;
  if (bad(f)) {
    const base = r;
    ridge = FIRST_RIDGE;
    for (;;) {
      r = addRidge(base, d, ridge);
      f = factor(r);
      if (f.cj.ok && f.cx.ok && f.cy.ok) break;
      if (ridge >= 1) throw new Error('gaussianMiFromData: correlation matrix does not factorise even with ridge 1');
      ridge *= 10;
    }
  }
  const { cj, cx, cy } = f;
  if (!cj.ok || !cx.ok || !cy.ok) throw new Error('unreachable');
  let bias = 0;
  if (options.biasCorrection) bias = logDetBiasMi(n, dx, dy);
  const value = 0.5 * (cx.logDet + cy.logDet - cj.logDet) - bias;
  return { value, logDetX: cx.logDet, logDetY: cy.logDet, logDetXY: cj.logDet, ridge, minPivot, biasCorrection: bias };
}

/**
 * Bias of the plug-in Gaussian MI at n samples, dims dx and dy, for Gaussian data:
 *
 *   E[Î] − I = ½ [S(dx) + S(dy) − S(dx + dy)],  S(p) = Σ_{i=1}^{p} ψ((n − i)/2)
 *
 * From E[log det Ŝ] = log det Σ + Σ_{i=1}^{p} ψ((ν−i+1)/2) + p log(2/ν) for a
 * sample covariance Ŝ with ν = n − 1 degrees of freedom (Wishart; Misra, Singh &
 * Demchuk 2005); the p log(2/ν) terms cancel in the MI combination.
 * For large n it is ≈ dx·dy / (2(n−1)), the mean of χ²(dx·dy)/(2n) (Wilks).
 * Requires n > dx + dy.
 */
export function logDetBiasMi(n: number, dx: number, dy: number): number {
  const s = (p: number) => {
    let t = 0;
    for (let i = 1; i <= p; i++) t += digamma((n - i) / 2);
    return t;
  };
  return 0.5 * (s(dx) + s(dy) - s(dx + dy));
}

/**
 * Throws TOO_FEW_ROWS unless n ≥ dx + dy + 2: with fewer rows the centred
 * (dx+dy)-column sample covariance is singular (rank ≤ n − 1) or has no
 * degrees of freedom left, and the log-determinant is −∞.
 */
export function assertEnoughRowsForCovariance(id: string, n: number, dx: number, dy: number): void {
  const need = dx + dy + 2;
  if (n < need) {
    throw new MineError(
      'TOO_FEW_ROWS',
      `${id} needs at least dx + dy + 2 = ${need} rows for ${dx} x column(s) and ${dy} y column(s), got ${n}`,
      { hint: 'provide more rows or select fewer columns' },
    );
  }
}

/**
 * The diagnostics and details shared by `gaussian` and `copula` for one
 * `gaussianMiFromData` result.
 */
export function gaussianRawEstimate(res: GaussianMiResult, extra: Diagnostic[] = []): RawEstimate {
  const diagnostics: Diagnostic[] = [...extra];
  if (res.ridge > 0) {
    diagnostics.push({
      code: 'ILL_CONDITIONED',
      severity: 'warning',
      message:
        `the correlation matrix is singular or nearly so (smallest conditional variance ${res.minPivot.toExponential(2)}); ` +
        `a ridge of ${res.ridge} was added to its diagonal. Columns that are linear combinations of others within x or ` +
        `within y are redundant (MI stays finite); a column of x that is a linear function of columns of y makes the ` +
        `Gaussian MI infinite in theory, and the value reported is then only a large finite stand-in`,
      data: { ridge: res.ridge, minPivot: res.minPivot },
    });
  }
  const details: Record<string, number> = { logDetX: res.logDetX, logDetY: res.logDetY, logDetXY: res.logDetXY };
  if (res.biasCorrection !== 0) details['biasCorrection'] = res.biasCorrection;
  return { value: res.value, diagnostics, details };
}

/**
 * `gaussian`: MI of a joint normal fitted to (X, Y), in nats. Deterministic,
 * O(n·(dx+dy)² + (dx+dy)³). Exact (consistent, bias ≈ dx·dy/(2n)) for jointly
 * Gaussian data; for other data it sees only linear correlation, so it misses
 * non-linear dependence and is not invariant to monotone transforms (use
 * `copula` for that).
 */
export const gaussianEstimator: EstimatorDefinition<typeof gaussianParams> = {
  id: 'gaussian',
  title: 'Gaussian (log-determinant)',
  description:
    'Fits a joint normal distribution and reports ½ log(det Σx · det Σy / det Σ). Exact for Gaussian data; sees only linear dependence.',
  reference: 'Cover & Thomas (2006), Elements of Information Theory, 2nd ed., §8.4 (entropy of a multivariate normal) and Example 8.5.1',
  kind: 'point',
  schema: gaussianParams,
  capabilities: {
    x: ['continuous'],
    y: ['continuous'],
    multivariate: true,
    deterministic: true,
    needsTraining: false,
    // dx + dy + 2 for one column each; more columns need more rows (checked in run).
    minSamples: 4,
    symmetric: true,
  },
  run(x, y, p) {
    assertEnoughRowsForCovariance('gaussian', x.n, x.d, y.d);
    return gaussianRawEstimate(gaussianMiFromData(x, y, { shrinkage: p.shrinkage, biasCorrection: p.biasCorrection }));
  },
};

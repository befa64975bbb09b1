/**
 * Normalized and adjusted mutual information (NMI, AMI) for comparing two
 * labelings of the same rows (e.g. a clustering against ground-truth classes),
 * following scikit-learn's `normalized_mutual_info_score` and
 * `adjusted_mutual_info_score`, including their conventions for degenerate
 * labelings.
 *
 * Units: these are unitless scores (`kind: 'score'`): the result's `value`,
 * `bits` and `valueInUnits` all hold the score, `units` is `'unitless'`, and the
 * raw plug-in MI in nats is in `details.mi`. `units: 'bits'` is rejected for
 * these two estimators rather than silently ignored.
 */
import { z } from 'zod';
import { MineError, throwIfAborted } from '../errors.js';
import type { Diagnostic } from '../interface.js';
import { log } from '../math/fdlibm.js';
import { commonParams } from '../params.js';
import type { EstimatorDefinition } from '../registry.js';
import { encodeLabels, encodeSymbols, hasManySymbols, jointSymbols, type SymbolCodes } from './discrete.js';

/**
 * How MI is normalized: by the arithmetic mean (H(U)+H(V))/2, the geometric
 * mean √(H(U)H(V)), min(H(U), H(V)) or max(H(U), H(V)) of the two labelings'
 * entropies (Vinh, Epps & Bailey 2010, Table 2; scikit-learn's `average_method`).
 */
export type Normalization = 'arithmetic' | 'geometric' | 'min' | 'max';

const NORMALIZATIONS = ['arithmetic', 'geometric', 'min', 'max'] as const;

/** The sparse contingency table of two labelings. */
export interface Contingency {
  /** Number of rows N. */
  n: number;
  /** Cluster sizes a_i of the first labeling (length R), in order of first appearance. */
  rowSums: Float64Array;
  /** Cluster sizes b_j of the second labeling (length C). */
  colSums: Float64Array;
  /** Occupied cells: cell k is (cellRow[k], cellCol[k]) with count cellCount[k] > 0. */
  cellRow: Int32Array;
  cellCol: Int32Array;
  cellCount: Float64Array;
}

function tableOf(ca: SymbolCodes, cb: SymbolCodes): Contingency {
  const n = ca.codes.length;
  const joint = jointSymbols(ca, cb);
  const rowSums = new Float64Array(ca.cardinality);
  const colSums = new Float64Array(cb.cardinality);
  const cellRow = new Int32Array(joint.cardinality);
  const cellCol = new Int32Array(joint.cardinality);
  const cellCount = new Float64Array(joint.cardinality);
  for (let i = 0; i < n; i++) {
    const r = ca.codes[i]!;
    const c = cb.codes[i]!;
    const k = joint.codes[i]!;
    rowSums[r]!++;
    colSums[c]!++;
    if (cellCount[k] === 0) {
      cellRow[k] = r;
      cellCol[k] = c;
    }
    cellCount[k]!++;
  }
  return { n, rowSums, colSums, cellRow, cellCol, cellCount };
}

/**
 * Contingency table of two labelings (each distinct value is a label).
 *
 * @param a N labels; @param b N labels, paired with `a` row by row.
 */
export function contingencyTable(a: ArrayLike<number>, b: ArrayLike<number>): Contingency {
  if (a.length !== b.length) {
    throw new MineError('LENGTH_MISMATCH', `the two labelings have ${a.length} and ${b.length} labels; they must label the same rows`);
  }
  return tableOf(encodeLabels(a), encodeLabels(b));
}

function sumCLogC(c: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) {
    const v = c[i]!;
    if (v > 0) s += v * log(v);
  }
  return s;
}

/** Plug-in H(U), H(V) and MI(U;V) in nats from a table, via H = log N − (1/N) Σ c log c. */
function infoOfTable(t: Contingency): { hX: number; hY: number; mi: number } {
  const { n } = t;
  const logN = log(n);
  const sa = sumCLogC(t.rowSums);
  const sb = sumCLogC(t.colSums);
  const sab = sumCLogC(t.cellCount);
  // A single cluster has H = 0 exactly, and then MI = 0 exactly (MI ≤ min
  // entropy); the formulas would leave rounding ulps of either sign.
  const oneX = t.rowSums.length <= 1;
  const oneY = t.colSums.length <= 1;
  const hX = oneX ? 0 : logN - sa / n;
  const hY = oneY ? 0 : logN - sb / n;
  if (oneX || oneY) return { hX, hY, mi: 0 };
  // MI = H(U) + H(V) − H(U,V) with the log N terms cancelled. For identical
  // labelings sab = sa = sb, so this is bit-for-bit hX and NMI is exactly 1.
  let mi = (sab - sa - sb) / n + logN;
  // Plug-in MI is a KL divergence, ≥ 0 exactly: anything within a few ulps of
  // 0 is rounding (scikit-learn likewise zeroes |terms| < eps and clips at 0).
  if (mi <= 8 * Number.EPSILON * (hX + hY)) mi = 0;
  return { hX, hY, mi };
}

/** The generalized mean of two entropies used as the normalizer (scikit-learn `_generalized_average`). */
function normalizer(hX: number, hY: number, how: Normalization): number {
  switch (how) {
    case 'arithmetic':
      return (hX + hY) / 2;
    case 'geometric':
      return Math.sqrt(hX * hY);
    case 'min':
      return Math.min(hX, hY);
    case 'max':
      return Math.max(hX, hY);
  }
}

function checkNormalization(how: string): asserts how is Normalization {
  if (!(NORMALIZATIONS as readonly string[]).includes(how)) {
    throw new MineError('INVALID_PARAMS', `normalization must be one of ${NORMALIZATIONS.join(', ')}, got '${how}'`, {
      field: 'normalization',
    });
  }
}

// Below this a hypergeometric weight (relative to its mode, which is ≥ 1/(N+1)
// of the total) adds nothing a double can hold to a sum of O(log N) terms.
const NEGLIGIBLE = 1e-300;

/**
 * Exact expected mutual information, in nats, of two labelings with the given
 * cluster sizes under the permutation (hypergeometric) model: both labelings'
 * cluster sizes fixed, rows matched at random (Vinh, Epps & Bailey 2010, JMLR
 * 11, eq. 24a):
 *
 *     E[MI] = Σ_i Σ_j Σ_{k = max(1, a_i + b_j − N)}^{min(a_i, b_j)} (k/N) log(N k / (a_i b_j)) · P(k; N, a_i, b_j),
 *
 * P the hypergeometric pmf a_i! b_j! (N−a_i)! (N−b_j)! / [N! k! (a_i−k)! (b_j−k)! (N−a_i−b_j+k)!].
 *
 * Computation (why it is fast and accurate):
 * - cells with equal (a_i, b_j) contribute equally, so the double sum runs over
 *   distinct sizes with multiplicities (N singleton clusters cost one term);
 * - each pmf is built by the ratio recurrence P(k+1)/P(k) = (a−k)(b−k) / ((k+1)(N−a−b+k+1))
 *   outward from its mode ⌊(a+1)(b+1)/(N+2)⌋, and divided by its own sum over the
 *   support. That equals the factorial formula (the pmf sums to 1) without the
 *   cancellation of log-factorials of size N log N (a relative error near
 *   1e-10 at N = 10^5 when taken directly);
 * - a walk stops once weights fall below 1e-300 of the mode (the pmf is
 *   unimodal and near-Gaussian, so that is about 37 standard deviations out),
 *   so a cell costs O(sd) steps rather than O(min(a, b)).
 *
 * The literal log-factorial form of eq. 24a (as scikit-learn computes it) is
 * the independent reference in labels.test.ts.
 *
 * @param rowSums cluster sizes of the first labeling (non-negative integers; zeros are ignored).
 * @param colSums cluster sizes of the second labeling, with the same total N.
 * @returns E[MI] in nats; 0 when either labeling has a single cluster.
 */
export function expectedMutualInformation(rowSums: ArrayLike<number>, colSums: ArrayLike<number>): number {
  const rows = sizeMultiplicities(rowSums, 'rowSums');
  const cols = sizeMultiplicities(colSums, 'colSums');
  if (rows.total !== cols.total) {
    throw new MineError('INVALID_INPUT', `rowSums total ${rows.total} but colSums total ${cols.total}; both must count the same N rows`);
  }
  const n = rows.total;
  // A labeling with one cluster has zero entropy, so every table has MI = 0.
  if (rows.clusters <= 1 || cols.clusters <= 1) return 0;
  const logN = log(n);
  let emi = 0;
  for (const [a, ma] of rows.sizes) {
    const logA = log(a);
    for (const [b, mb] of cols.sizes) {
      emi += ma * mb * expectedCellTerm(n, a, b, logN - logA - log(b));
    }
  }
  return emi;
}

/**
 * Σ_{k ≥ 1} (k/N) log(N k/(a b)) P(k) for one cell; `logNab` = log(N/(a b)).
 */
function expectedCellTerm(n: number, a: number, b: number, logNab: number): number {
  const lo0 = Math.max(0, a + b - n); // support of the hypergeometric
  const hi = Math.min(a, b);
  const c = n - a - b; // N − a − b, so the last factorial is (c + k)!
  let mode = Math.floor(((a + 1) * (b + 1)) / (n + 2));
  if (mode < lo0) mode = lo0;
  if (mode > hi) mode = hi;
  // Weights w(k) = P(k)/P(mode); w(mode) = 1.
  let total = 1;
  let acc = mode >= 1 ? (mode / n) * (logNab + log(mode)) : 0;
  let w = 1;
  for (let k = mode; k < hi; k++) {
    w *= ((a - k) * (b - k)) / ((k + 1) * (c + k + 1));
    if (w < NEGLIGIBLE) break;
    const k1 = k + 1;
    total += w;
    acc += w * (k1 / n) * (logNab + log(k1));
  }
  w = 1;
  for (let k = mode; k > lo0; k--) {
    w *= (k * (c + k)) / ((a - k + 1) * (b - k + 1));
    if (w < NEGLIGIBLE) break;
    const k1 = k - 1;
    total += w;
    if (k1 >= 1) acc += w * (k1 / n) * (logNab + log(k1));
  }
  return acc / total;
}

function sizeMultiplicities(sums: ArrayLike<number>, what: string): { sizes: Map<number, number>; total: number; clusters: number } {
  const sizes = new Map<number, number>();
  let total = 0;
  let clusters = 0;
  for (let i = 0; i < sums.length; i++) {
    const s = sums[i]!;
    if (!(Number.isInteger(s) && s >= 0)) {
      throw new MineError('INVALID_INPUT', `${what}[${i}] must be a non-negative integer count, got ${s}`);
    }
    if (s === 0) continue;
    sizes.set(s, (sizes.get(s) ?? 0) + 1);
    total += s;
    clusters++;
  }
  if (total === 0) throw new MineError('INVALID_INPUT', `${what} has no rows (all counts are 0)`);
  return { sizes, total, clusters };
}

/** What `scoreLabels` computes; entropies and MI in nats. */
interface LabelScore {
  score: number;
  mi: number;
  hX: number;
  hY: number;
  symbolsX: number;
  symbolsY: number;
  expectedMI?: number;
}

function scoreLabels(ca: SymbolCodes, cb: SymbolCodes, how: Normalization, adjusted: boolean): LabelScore {
  const t = tableOf(ca, cb);
  const { hX, hY, mi } = infoOfTable(t);
  const base = { mi, hX, hY, symbolsX: ca.cardinality, symbolsY: cb.cardinality };
  // Both labelings a single cluster: the data are not split at all, which
  // scikit-learn counts as a perfect match (and AMI would be 0/0).
  if (ca.cardinality === 1 && cb.cardinality === 1) {
    return adjusted ? { ...base, score: 1, expectedMI: 0 } : { ...base, score: 1 };
  }
  if (!adjusted) {
    // With the case above excluded, MI = 0 cannot be a match (one side constant,
    // or independent): NMI = 0, also where the normalizer is 0 ('min', 'geometric').
    return { ...base, score: mi === 0 ? 0 : mi / normalizer(hX, hY, how) };
  }
  const emi = expectedMutualInformation(t.rowSums, t.colSums);
  // normalizer ≥ E[MI] in exact arithmetic; when they meet (e.g. one side
  // constant with 'min') scikit-learn replaces the denominator by ±eps keeping
  // its sign, and so do we, so such cases give (MI − E[MI])/eps, usually 0.
  let den = normalizer(hX, hY, how) - emi;
  den = den < 0 ? Math.min(den, -Number.EPSILON) : Math.max(den, Number.EPSILON);
  return { ...base, score: (mi - emi) / den, expectedMI: emi };
}

/**
 * Normalized mutual information of two labelings, in [0, 1]:
 * NMI = MI(U;V) / mean(H(U), H(V)), with the mean chosen by `normalization`
 * (Strehl & Ghosh 2002; Vinh, Epps & Bailey 2010). Label values are names
 * only: renaming clusters leaves it unchanged, and it is symmetric.
 *
 * Degenerate cases as scikit-learn: both labelings a single cluster → 1; one
 * a single cluster and the other not → 0.
 *
 * NMI is not corrected for chance: two random labelings with many clusters
 * relative to N score well above 0. Use `adjustedMutualInformation` for that.
 *
 * @param a N labels (any numbers; each distinct value is a cluster).
 * @param b N labels of the same rows.
 * @param normalization @default 'arithmetic' (scikit-learn's default)
 */
export function normalizedMutualInformation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  normalization: Normalization = 'arithmetic',
): number {
  checkNormalization(normalization);
  checkPaired(a, b);
  return scoreLabels(encodeLabels(a), encodeLabels(b), normalization, false).score;
}

/**
 * Adjusted mutual information of two labelings (Vinh, Epps & Bailey 2010,
 * JMLR 11, eq. 24 with the normalizers of their Table 2):
 *
 *     AMI = (MI − E[MI]) / (mean(H(U), H(V)) − E[MI]),
 *
 * E[MI] the exact expectation under random matching of rows with the cluster
 * sizes held fixed (`expectedMutualInformation`). AMI is 1 for identical
 * labelings (up to renaming), ≈ 0 on average for independent ones, and can be
 * negative (less agreement than chance). Symmetric.
 *
 * Degenerate cases as scikit-learn: both single clusters → 1; a denominator
 * within ±eps of 0 is replaced by ±eps (sign kept).
 *
 * @param a N labels; @param b N labels of the same rows.
 * @param normalization @default 'arithmetic'
 */
export function adjustedMutualInformation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  normalization: Normalization = 'arithmetic',
): number {
  checkNormalization(normalization);
  checkPaired(a, b);
  return scoreLabels(encodeLabels(a), encodeLabels(b), normalization, true).score;
}

function checkPaired(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new MineError('LENGTH_MISMATCH', `the two labelings have ${a.length} and ${b.length} labels; they must label the same rows`);
  }
  if (a.length === 0) throw new MineError('TOO_FEW_ROWS', 'cannot compare empty labelings; give at least one row');
}

const normalizationParam = z
  .enum(NORMALIZATIONS)
  .default('arithmetic')
  .describe("mean of H(U) and H(V) that normalizes MI: 'arithmetic' (scikit-learn's default), 'geometric', 'min' or 'max'");

// A score has no units: converting it to "bits" would print NMI/ln 2.
// A literal (not a refined enum) so the JSON Schema that forms read offers only 'nats'.
const scoreUnits = z
  .literal('nats', { error: "must be 'nats': NMI and AMI are unitless scores; the raw MI in details.mi is in nats" })
  .default('nats')
  .describe("units do not apply to a score; only 'nats' (the default) is accepted");

/** Parameters of `nmi`: the common ones plus `normalization`. `units` must stay 'nats' (see the module doc). */
export const nmiParams = commonParams.extend({ units: scoreUnits, normalization: normalizationParam }).strict();

/** Parameters of `ami`: the common ones plus `normalization`. `units` must stay 'nats'. */
export const amiParams = commonParams.extend({ units: scoreUnits, normalization: normalizationParam }).strict();

const labelCapabilities = {
  x: ['discrete'],
  y: ['discrete'],
  multivariate: true,
  deterministic: true,
  needsTraining: false,
  minSamples: 2,
  symmetric: true,
} as const;

/**
 * `nmi`: normalized mutual information between two labelings. `value` is the
 * unitless NMI in [0, 1] (not nats); `details`: mi (plug-in MI, nats), hX, hY
 * (nats), symbolsX, symbolsY (clusters). Multi-column sides are joint labels.
 * Diagnostic MANY_SYMBOLS when a side has more than max(10, n/5) clusters,
 * where chance agreement inflates NMI (use `ami`).
 */
export const nmiEstimator: EstimatorDefinition<typeof nmiParams> = {
  id: 'nmi',
  title: 'Normalized mutual information (labelings)',
  description:
    'Compares two labelings (clusterings) of the same rows: plug-in MI divided by a mean of the two entropies. The value is a unitless score in [0, 1]; the MI in nats is in details.mi.',
  reference:
    'Strehl, A., Ghosh, J. (2002). Cluster ensembles. JMLR 3, 583–617. Vinh, N. X., Epps, J., Bailey, J. (2010). Information theoretic measures for clusterings comparison. JMLR 11, 2837–2854.',
  kind: 'score',
  schema: nmiParams,
  capabilities: labelCapabilities,
  // A single cluster is a legitimate labeling (scored by convention, above).
  rejectConstant: false,
  run(x, y, params, ctx) {
    const ca = encodeSymbols(x);
    const cb = encodeSymbols(y);
    throwIfAborted(ctx.signal);
    const s = scoreLabels(ca, cb, params.normalization, false);
    const diagnostics: Diagnostic[] = [];
    for (const [side, k] of [
      ['x', s.symbolsX],
      ['y', s.symbolsY],
    ] as const) {
      if (!hasManySymbols(k, x.n)) continue;
      diagnostics.push({
        code: 'MANY_SYMBOLS',
        severity: 'warning',
        message: `${side} has ${k} clusters for ${x.n} rows (more than max(10, n/5)): NMI is inflated by chance agreement at this ratio; use 'ami', which subtracts the expected MI.`,
        data: { side, symbols: k, n: x.n },
      });
    }
    return {
      value: s.score,
      diagnostics,
      details: { mi: s.mi, hX: s.hX, hY: s.hY, symbolsX: s.symbolsX, symbolsY: s.symbolsY },
    };
  },
};

/**
 * `ami`: adjusted mutual information between two labelings, with the exact
 * expected MI of Vinh, Epps & Bailey (2010). `value` is the unitless AMI (≤ 1,
 * ≈ 0 for unrelated labelings, may be negative), not nats; `details`: mi,
 * expectedMI, hX, hY (nats), symbolsX, symbolsY.
 */
export const amiEstimator: EstimatorDefinition<typeof amiParams> = {
  id: 'ami',
  title: 'Adjusted mutual information (labelings)',
  description:
    'Compares two labelings (clusterings) of the same rows, corrected for chance: (MI − E[MI]) / (mean entropy − E[MI]) with the exact expected MI under random matching. The value is a unitless score (1 = identical, ≈ 0 = unrelated); the MI in nats is in details.mi.',
  reference:
    'Vinh, N. X., Epps, J., Bailey, J. (2010). Information theoretic measures for clusterings comparison: variants, properties, normalization and correction for chance. JMLR 11, 2837–2854 (eq. 24a).',
  kind: 'score',
  schema: amiParams,
  capabilities: labelCapabilities,
  rejectConstant: false,
  run(x, y, params, ctx) {
    const ca = encodeSymbols(x);
    const cb = encodeSymbols(y);
    throwIfAborted(ctx.signal);
    const s = scoreLabels(ca, cb, params.normalization, true);
    const diagnostics: Diagnostic[] = [];
    if (s.score < 0) {
      // Pre-empts the registry's generic message, which speaks of MI ≥ 0: a
      // negative AMI is a legitimate score (agreement below chance).
      diagnostics.push({
        code: 'NEGATIVE_ESTIMATE',
        severity: 'info',
        message: `AMI is ${s.score.toPrecision(3)}: the labelings agree less than random labelings with the same cluster sizes would on average (AMI is ≈ 0 for unrelated labelings).`,
        data: { value: s.score },
      });
    }
    return {
      value: s.score,
      diagnostics,
      details: {
        mi: s.mi,
        expectedMI: s.expectedMI ?? 0,
        hX: s.hX,
        hY: s.hY,
        symbolsX: s.symbolsX,
        symbolsY: s.symbolsY,
      },
    };
  },
};

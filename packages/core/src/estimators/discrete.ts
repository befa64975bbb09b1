/**
 * Plug-in (maximum-likelihood) entropy and mutual information of discrete
 * variables, with the optional Miller–Madow bias correction, and the
 * `discrete` estimator built on them.
 *
 * Everything here is in nats. Probabilities are the empirical frequencies
 * p_i = c_i / N of a contingency table of counts c_i, and entropies are computed
 * from the counts as
 *
 *     Ĥ = −Σ p_i log p_i = log N − (1/N) Σ c_i log c_i,
 *
 * which sums N-weighted integers' logs instead of many small p log p terms and
 * so loses less to rounding (and makes H(X) and the MI of X with itself come
 * out bit-for-bit equal).
 */
import { z } from 'zod';
import { MineError, throwIfAborted } from '../errors.js';
import type { Diagnostic, Variable } from '../interface.js';
import { log } from '../math/fdlibm.js';
import { commonParams } from '../params.js';
import type { EstimatorDefinition } from '../registry.js';
import { assertFinite } from '../variable.js';

/** Dense symbol codes: `codes[i]` ∈ 0..cardinality−1 is the symbol of row i, numbered in order of first appearance. */
export interface SymbolCodes {
  codes: Int32Array;
  /** Number of distinct symbols K (every code 0..K−1 occurs at least once). */
  cardinality: number;
}

/** Options of the entropy functions. */
export interface EntropyOptions {
  /**
   * Add the Miller–Madow correction (m − 1)/(2N) to every entropy, m = number
   * of symbols (cells) with a nonzero count (Miller 1955).
   * @default false
   */
  millerMadow?: boolean;
}

// Largest lookup table (entries) we allocate to encode small non-negative
// integers without a Map: beyond this, a Map is cheaper than the memory.
const MAX_TABLE = 1 << 22;

/**
 * Dense codes for `n` values read at `values[offset + i*stride]`: each distinct
 * value (compared with SameValueZero, so 0 and −0 are one symbol) gets the next
 * code in order of first appearance.
 */
function densify(values: ArrayLike<number>, n: number, stride = 1, offset = 0): SymbolCodes {
  const codes = new Int32Array(n);
  // Fast path: small non-negative integers (the usual category codes) index a
  // table directly instead of hashing.
  let small = true;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = values[offset + i * stride]!;
    if (!(v >= 0 && Number.isInteger(v) && v < MAX_TABLE)) {
      small = false;
      break;
    }
    if (v > max) max = v;
  }
  let k = 0;
  if (small && max <= 4 * n + 1024) {
    const table = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      const v = values[offset + i * stride]!;
      let c = table[v]!;
      if (c < 0) table[v] = c = k++;
      codes[i] = c;
    }
    return { codes, cardinality: k };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = values[offset + i * stride]!;
    let c = map.get(v);
    if (c === undefined) map.set(v, (c = k++));
    codes[i] = c;
  }
  return { codes, cardinality: k };
}

/**
 * Dense codes of a 1-D array of labels: each distinct value is a symbol
 * (integers or not; 0 and −0 are the same symbol, as are all NaNs).
 *
 * @param values n labels.
 * @returns codes (length n) numbered 0..K−1 in order of first appearance, and K.
 */
export function encodeLabels(values: ArrayLike<number>): SymbolCodes {
  return densify(values, values.length);
}

/**
 * The joint symbol of two code arrays: row i gets one code per distinct pair
 * (a[i], b[i]), numbered in order of first appearance.
 *
 * Pairs are keyed as a·K_b + b, an exact integer below K_a·K_b ≤ n² < 2^53 for
 * any n below 9·10^7, so no string keys are needed.
 *
 * @param a dense codes 0..ka−1 (length n), e.g. from `encodeLabels`.
 * @param b dense codes 0..kb−1 (length n).
 */
export function jointSymbols(a: SymbolCodes, b: SymbolCodes): SymbolCodes {
  const n = a.codes.length;
  if (b.codes.length !== n) {
    throw new MineError('LENGTH_MISMATCH', `joint symbols need paired rows: got ${n} and ${b.codes.length}`);
  }
  const kb = b.cardinality;
  const cells = a.cardinality * kb;
  const codes = new Int32Array(n);
  let k = 0;
  if (cells <= MAX_TABLE && cells <= 4 * n + 1024) {
    const table = new Int32Array(cells).fill(-1);
    for (let i = 0; i < n; i++) {
      const key = a.codes[i]! * kb + b.codes[i]!;
      let c = table[key]!;
      if (c < 0) table[key] = c = k++;
      codes[i] = c;
    }
    return { codes, cardinality: k };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = a.codes[i]! * kb + b.codes[i]!;
    let c = map.get(key);
    if (c === undefined) map.set(key, (c = k++));
    codes[i] = c;
  }
  return { codes, cardinality: k };
}

/**
 * Maps each row's value tuple (all d columns of the variable) to a dense
 * joint-symbol code, so a d-column discrete variable is treated as one
 * variable over the observed tuples. Two binary columns (a, b) give the same
 * codes, up to renaming, as the single column 2a + b.
 *
 * Each column is first encoded on its own (one Map on the number itself), then
 * columns are folded in pairwise with `jointSymbols`. Any finite value is a
 * symbol; non-integers are allowed (each distinct double is its own symbol).
 *
 * @param v n×d variable (row-major).
 * @returns codes (length n) in 0..K−1, numbered in order of first appearance, and K.
 */
export function encodeSymbols(v: Variable): SymbolCodes {
  const { n, d, data } = v;
  let acc = densify(data, n, d, 0);
  for (let j = 1; j < d; j++) acc = jointSymbols(acc, densify(data, n, d, j));
  return acc;
}

/** Counts of each code 0..k−1. */
function countCodes(s: SymbolCodes): Float64Array {
  const counts = new Float64Array(s.cardinality);
  const { codes } = s;
  for (let i = 0; i < codes.length; i++) counts[codes[i]!]!++;
  return counts;
}

/**
 * Plug-in entropy of a table of counts, Ĥ = log N − (1/N) Σ c log c, plus the
 * Miller–Madow term (m − 1)/(2N) when asked (m = nonzero cells).
 */
function entropyOfCounts(counts: ArrayLike<number>, n: number, millerMadow: boolean): { h: number; cells: number } {
  let s = 0;
  let m = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0) {
      s += c * log(c);
      m++;
    }
  }
  // One symbol: H = 0 exactly (log N − N log N / N would leave a rounding ulp).
  let h = m <= 1 ? 0 : log(n) - s / n;
  if (millerMadow) h += (m - 1) / (2 * n);
  return { h, cells: m };
}

/** Entropy of dense codes (length N ≥ 1). */
function entropyOfCodes(s: SymbolCodes, millerMadow: boolean): { h: number; cells: number } {
  return entropyOfCounts(countCodes(s), s.codes.length, millerMadow);
}

function requireRows(n: number, what: string): void {
  if (n === 0) throw new MineError('TOO_FEW_ROWS', `${what} of an empty sample is undefined; give at least one row`);
}

function requirePaired(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) {
    throw new MineError('LENGTH_MISMATCH', `${what}: the two arrays have ${a.length} and ${b.length} values; they must be paired row by row`);
  }
  requireRows(a.length, what);
}

/**
 * Plug-in entropy Ĥ(A) of a sample of symbols, in nats:
 * Ĥ = log N − (1/N) Σ_i c_i log c_i, c_i the count of symbol i.
 *
 * With `millerMadow`, returns Ĥ + (m − 1)/(2N), m = number of distinct symbols
 * seen (Miller 1955). The plug-in entropy is biased downward by about
 * (m − 1)/(2N); the correction removes that first-order term.
 *
 * @param codes N symbols (any numbers; each distinct value is a symbol). N ≥ 1.
 */
export function entropy(codes: ArrayLike<number>, opts: EntropyOptions = {}): number {
  requireRows(codes.length, 'entropy');
  return entropyOfCodes(encodeLabels(codes), opts.millerMadow ?? false).h;
}

/**
 * Plug-in joint entropy Ĥ(A, B) in nats, the entropy of the pairs (a_i, b_i).
 * With `millerMadow`, m is the number of distinct pairs seen.
 *
 * @param a N symbols; @param b N symbols, paired with `a` row by row.
 */
export function jointEntropy(a: ArrayLike<number>, b: ArrayLike<number>, opts: EntropyOptions = {}): number {
  requirePaired(a, b, 'jointEntropy');
  return entropyOfCodes(jointSymbols(encodeLabels(a), encodeLabels(b)), opts.millerMadow ?? false).h;
}

/**
 * Conditional entropy Ĥ(A | B) = Ĥ(A, B) − Ĥ(B), in nats (each term
 * Miller–Madow corrected when asked).
 *
 * @param a N symbols; @param given N symbols of the conditioning variable B.
 */
export function conditionalEntropy(a: ArrayLike<number>, given: ArrayLike<number>, opts: EntropyOptions = {}): number {
  requirePaired(a, given, 'conditionalEntropy');
  const mm = opts.millerMadow ?? false;
  const ca = encodeLabels(a);
  const cb = encodeLabels(given);
  return entropyOfCodes(jointSymbols(ca, cb), mm).h - entropyOfCodes(cb, mm).h;
}

/**
 * Plug-in mutual information Î(A; B) = Ĥ(A) + Ĥ(B) − Ĥ(A, B), in nats.
 *
 * With `millerMadow` each entropy is corrected, which adds
 * (m_A + m_B − m_AB − 1)/(2N) to the plug-in MI (m = nonzero cells). On data
 * whose joint table fills many cells (independent or weakly dependent) that
 * term is negative and removes the plug-in's upward bias, so the corrected MI
 * can be negative; on a sparse, strongly dependent table (A = B) it is positive
 * (for A = B it is (m − 1)/(2N), keeping Î(A;A) = Ĥ_MM(A)).
 *
 * @param a N symbols; @param b N symbols, paired with `a` row by row.
 */
export function mutualInformationFromCodes(a: ArrayLike<number>, b: ArrayLike<number>, opts: EntropyOptions = {}): number {
  requirePaired(a, b, 'mutualInformationFromCodes');
  return infoFromCodes(encodeLabels(a), encodeLabels(b), opts.millerMadow ?? false).mi;
}

/** Every entropy and the MI of two encoded variables, from one pass of counting each. */
interface InfoSummary {
  hX: number;
  hY: number;
  hXY: number;
  mi: number;
  /** Plug-in MI (no correction), whatever `millerMadow` says. */
  miPlugin: number;
  symbolsX: number;
  symbolsY: number;
  symbolsXY: number;
}

function infoFromCodes(cx: SymbolCodes, cy: SymbolCodes, millerMadow: boolean): InfoSummary {
  const n = cx.codes.length;
  const ex = entropyOfCodes(cx, false);
  const ey = entropyOfCodes(cy, false);
  const exy = entropyOfCodes(jointSymbols(cx, cy), false);
  let miPlugin = ex.h + ey.h - exy.h;
  // The plug-in MI is a KL divergence, ≥ 0 exactly; a result within a few ulps
  // of the entropies around 0 is rounding (e.g. an exactly independent table),
  // so it is reported as 0 rather than as a spurious "negative estimate".
  if (Math.abs(miPlugin) <= 8 * Number.EPSILON * (ex.h + ey.h)) miPlugin = 0;
  if (!millerMadow) {
    return { hX: ex.h, hY: ey.h, hXY: exy.h, mi: miPlugin, miPlugin, symbolsX: ex.cells, symbolsY: ey.cells, symbolsXY: exy.cells };
  }
  const mm = (m: number): number => (m - 1) / (2 * n);
  return {
    hX: ex.h + mm(ex.cells),
    hY: ey.h + mm(ey.cells),
    hXY: exy.h + mm(exy.cells),
    // = H_MM(X) + H_MM(Y) − H_MM(X,Y), written as plug-in + correction so the
    // correction is exactly (m_x + m_y − m_xy − 1)/(2N).
    mi: miPlugin + (ex.cells + ey.cells - exy.cells - 1) / (2 * n),
    miPlugin,
    symbolsX: ex.cells,
    symbolsY: ey.cells,
    symbolsXY: exy.cells,
  };
}

/** What `entropies` returns; all in nats. Fields about Y are present only when Y was given. */
export interface EntropyReport {
  /** Number of rows N. */
  n: number;
  /** Ĥ(X). */
  hX: number;
  /** Distinct values (joint tuples when X has several columns) of X. */
  symbolsX: number;
  /** Ĥ(Y). */
  hY?: number;
  symbolsY?: number;
  /** Ĥ(X, Y). */
  hXY?: number;
  symbolsXY?: number;
  /** Ĥ(X | Y) = Ĥ(X, Y) − Ĥ(Y). */
  hXgivenY?: number;
  /** Ĥ(Y | X) = Ĥ(X, Y) − Ĥ(X). */
  hYgivenX?: number;
  /** Î(X; Y) = Ĥ(X) + Ĥ(Y) − Ĥ(X, Y). */
  mi?: number;
}

/**
 * Entropies of a discrete variable X, and when Y is given, the joint and
 * conditional entropies and the MI, in nats (for the `mine entropy` command).
 * Multi-column variables are joint symbols (see `encodeSymbols`).
 *
 * @param x n×d_x variable; values must be finite.
 * @param y optional n×d_y variable paired with x.
 * @param opts `millerMadow` corrects every entropy by (m − 1)/(2N). @default false
 */
export function entropies(x: Variable, y?: Variable, opts: EntropyOptions = {}): EntropyReport {
  const mm = opts.millerMadow ?? false;
  requireRows(x.n, 'entropies');
  assertFinite(x);
  const cx = encodeSymbols(x);
  if (!y) {
    const ex = entropyOfCodes(cx, mm);
    return { n: x.n, hX: ex.h, symbolsX: ex.cells };
  }
  if (y.n !== x.n) {
    throw new MineError('LENGTH_MISMATCH', `x has ${x.n} rows but y has ${y.n}; they must be paired row by row`);
  }
  assertFinite(y);
  const s = infoFromCodes(cx, encodeSymbols(y), mm);
  return {
    n: x.n,
    hX: s.hX,
    symbolsX: s.symbolsX,
    hY: s.hY,
    symbolsY: s.symbolsY,
    hXY: s.hXY,
    symbolsXY: s.symbolsXY,
    hXgivenY: s.hXY - s.hY,
    hYgivenX: s.hXY - s.hX,
    mi: s.mi,
  };
}

/**
 * Rule for MANY_SYMBOLS: a side with K distinct values where K > max(10, n/5),
 * i.e. fewer than 5 rows per symbol on average, and more symbols than any
 * small categorical variable has. Such a column is usually continuous data
 * (every value its own symbol), where plug-in MI just measures log n.
 */
export function hasManySymbols(symbols: number, n: number): boolean {
  return symbols > Math.max(10, n / 5);
}

/**
 * Rule for UNDERSAMPLED: more than n/5 occupied joint cells, i.e. fewer than 5
 * rows per cell on average, where the (m − 1)/(2N) bias terms stop being small.
 */
export function isUndersampled(cellsXY: number, n: number): boolean {
  return cellsXY > n / 5;
}

function countNonIntegers(v: Variable): number {
  let k = 0;
  for (let i = 0; i < v.data.length; i++) if (!Number.isInteger(v.data[i]!)) k++;
  return k;
}

/** Parameters of `discrete`: the common ones plus `millerMadow`. */
export const discreteParams = commonParams
  .extend({
    /** Apply the Miller–Madow bias correction to every entropy. @default false */
    millerMadow: z
      .boolean()
      .default(false)
      .describe('add the Miller–Madow correction (m − 1)/(2N) to each entropy; reduces the upward bias of plug-in MI'),
  })
  .strict();

/**
 * Plug-in MI of discrete (categorical or integer-coded) X and Y:
 * Î = Ĥ(X) + Ĥ(Y) − Ĥ(X, Y) from the contingency table of the observed symbols.
 * Multi-column sides are joint symbols (each distinct row tuple is a symbol).
 *
 * Bias: with m_x, m_y, m_xy occupied cells, the plug-in MI overestimates by
 * about (m_xy − m_x − m_y + 1)/(2N) (Miller 1955; e.g. 0.081 nats for
 * independent 10×10 symbols at N = 500). `millerMadow: true` subtracts that
 * term; the corrected value is no longer ≥ 0 and may be negative on independent
 * data (reported, never clipped).
 *
 * `details`: hX, hY, hXY (nats; Miller–Madow corrected when asked), symbolsX,
 * symbolsY, symbolsXY (occupied cells), and miPlugin (uncorrected MI, nats).
 *
 * Diagnostics: MANY_SYMBOLS (K > max(10, n/5) on a side: the data look
 * continuous), UNDERSAMPLED (m_xy > n/5; data.bias is the estimated upward
 * bias of the plug-in MI in nats).
 */
export const discreteEstimator: EstimatorDefinition<typeof discreteParams> = {
  id: 'discrete',
  title: 'Plug-in (discrete)',
  description:
    'Plug-in entropy-based MI of discrete variables from the contingency table of observed symbols, optionally Miller–Madow bias-corrected. Multi-column sides are joint symbols.',
  reference:
    'Miller, G. A. (1955). Note on the bias of information estimates. In H. Quastler (Ed.), Information Theory in Psychology, 95–100. Paninski, L. (2003). Estimation of entropy and mutual information. Neural Computation 15(6), 1191–1253.',
  kind: 'point',
  schema: discreteParams,
  capabilities: {
    x: ['discrete'],
    y: ['discrete'],
    multivariate: true,
    deterministic: true,
    needsTraining: false,
    minSamples: 2,
    symmetric: true,
  },
  // One symbol is a legitimate discrete variable: H = 0 and MI = 0.
  rejectConstant: false,
  run(x, y, params, ctx) {
    const n = x.n;
    const cx = encodeSymbols(x);
    throwIfAborted(ctx.signal);
    const cy = encodeSymbols(y);
    throwIfAborted(ctx.signal);
    const s = infoFromCodes(cx, cy, params.millerMadow);
    const diagnostics: Diagnostic[] = [];
    for (const [side, v, k] of [
      ['x', x, s.symbolsX],
      ['y', y, s.symbolsY],
    ] as const) {
      if (!hasManySymbols(k, n)) continue;
      const nonInteger = countNonIntegers(v);
      diagnostics.push({
        code: 'MANY_SYMBOLS',
        severity: 'warning',
        message:
          `${side} has ${k} distinct values in ${n} rows (more than max(10, n/5)${nonInteger > 0 ? `, and ${nonInteger} non-integer values` : ''}): ` +
          `it looks continuous, and plug-in MI of nearly unique symbols measures the sample size, not dependence. ` +
          `Use 'ksg' for continuous data, or 'mixed' when one side is discrete.`,
        data: { side, symbols: k, n, symbolsPerRow: k / n, nonInteger },
      });
    }
    if (isUndersampled(s.symbolsXY, n)) {
      // First-order bias of the plug-in MI (Miller 1955), with observed cell
      // counts standing in for the true support sizes.
      const bias = (s.symbolsXY - s.symbolsX - s.symbolsY + 1) / (2 * n);
      const head = `${s.symbolsXY} occupied joint cells for ${n} rows (more than n/5): `;
      const body =
        bias > 0
          ? `the plug-in MI is biased upward by about (m_xy − m_x − m_y + 1)/(2N) = ${bias.toPrecision(3)} nats` +
            (params.millerMadow
              ? '; Miller–Madow removed that first-order term, but higher-order bias and variance remain large.'
              : '; set millerMadow: true to subtract it, or collect more rows.')
          : `the first-order bias formula (m_xy − m_x − m_y + 1)/(2N) = ${bias.toPrecision(3)} nats is not positive, ` +
            'which happens when the joint table is no fuller than its margins (e.g. nearly unique symbols); the estimate is unreliable, collect more rows.';
      diagnostics.push({
        code: 'UNDERSAMPLED',
        severity: 'warning',
        message: head + body,
        data: { cellsXY: s.symbolsXY, cellsX: s.symbolsX, cellsY: s.symbolsY, n, bias, millerMadow: params.millerMadow },
      });
    }
    return {
      value: s.mi,
      diagnostics,
      details: {
        hX: s.hX,
        hY: s.hY,
        hXY: s.hXY,
        symbolsX: s.symbolsX,
        symbolsY: s.symbolsY,
        symbolsXY: s.symbolsXY,
        miPlugin: s.miPlugin,
      },
    };
  },
};

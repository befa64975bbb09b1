import { z } from 'zod';
import { runCooperatively, runToEnd } from '../cooperative.js';
import { MineError, throwIfAborted } from '../errors.js';
import type { Diagnostic, Variable } from '../interface.js';
import { KdTree, SortedAxis } from '../math/kdtree.js';
import { digammaInt } from '../math/special.js';
import { commonParams } from '../params.js';
import type { EstimatorDefinition } from '../registry.js';
import { Rng } from '../rng.js';
import { standardize } from '../variable.js';

/**
 * Parameters of the KSG estimator.
 *
 * - `k`: neighbours in the joint space. Larger k: less variance, more bias
 *   (toward 0 for strong dependence). @default 3
 * - `algorithm`: 1 or 2 of Kraskov et al. (2004), eq. (8) or (9). @default 1
 * - `jitter`: scale of the Gaussian noise added to every (standardized) value to
 *   break ties, relative to max(1, mean |column|), as scikit-learn's
 *   `mutual_info_regression` does (it uses 1e-10). 0 turns it off. @default 1e-10
 * - `standardize`: scale each column to mean 0, variance 1 first, so the
 *   max-norm weighs columns equally. @default true
 */
export const ksgParams = commonParams
  .extend({
    k: z.number().int().min(1).default(3).describe('number of nearest neighbours in the joint space'),
    algorithm: z
      .union([z.literal(1), z.literal(2)])
      .default(1)
      .describe('Kraskov et al. (2004) algorithm: 1 (eq. 8) or 2 (eq. 9)'),
    jitter: z
      .number()
      .min(0)
      .default(1e-10)
      .describe('tie-breaking noise, relative to the standardized column scale (0 = none)'),
    standardize: z.boolean().default(true).describe('standardize each column to mean 0, variance 1 first'),
  })
  .strict();

export type KsgParams = z.output<typeof ksgParams>;

/** How many points to process between abort checks (one `yield` of the core). */
const CHUNK = 2048;

// ---------------------------------------------------------------------------
// Preprocessing (shared with the mixed estimator)

/** Summary of one column's repeated values, computed before any jitter. */
export interface ColumnTies {
  /** Column name. */
  name: string;
  /** Number of distinct values. */
  distinct: number;
  /** Fraction of rows whose value occurs in at least one other row (0 = no ties). */
  tiedFraction: number;
}

/** Distinct values and tied fraction of each column of `v`. O(n log n) per column. */
export function columnTies(v: Variable): ColumnTies[] {
  const { n, d } = v;
  const out: ColumnTies[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) col[i] = v.data[i * d + j]!;
    col.sort();
    let distinct = 0;
    let tied = 0;
    let i = 0;
    while (i < n) {
      let e = i + 1;
      while (e < n && col[e] === col[i]) e++;
      distinct++;
      if (e - i > 1) tied += e - i;
      i = e;
    }
    out.push({ name: v.names[j] ?? `column ${j + 1}`, distinct, tiedFraction: n > 0 ? tied / n : 0 });
  }
  return out;
}

/**
 * Rule for LOOKS_DISCRETE: a column "looks discrete" when it has at most
 * max(10, n/100) distinct values and, on average, each value occurs at least
 * twice (distinct ≤ n/2). The first part catches labels and counts with a
 * handful of levels, and at large n any column with ≥ 100 rows per value; the
 * second keeps a tiny sample (say 12 rows, 10 values) from being flagged.
 * A continuous value rounded to 1 decimal (≈ 70 levels for a standard normal)
 * is flagged from n ≈ 7000 on: by then KSG's neighbours are mostly exact ties
 * separated only by jitter, and a discrete or mixed estimator is the better tool.
 */
export function looksDiscrete(distinct: number, n: number): boolean {
  return distinct <= Math.max(10, n / 100) && distinct <= n / 2;
}

/**
 * Standardizes (optionally) and jitters one variable into a new Variable (the
 * input is not touched). The noise is drawn row by row, column by column, one
 * `rng.normal()` per value, with sd `jitter · max(1, mean_i |v_ij|)` for column j
 * (scikit-learn's rule in `_estimate_mi`, applied after scaling).
 */
function scaleAndJitter(v: Variable, doStandardize: boolean, jitter: number, rng: Rng | null): Variable {
  const s = doStandardize ? standardize(v) : { ...v, data: Float64Array.from(v.data) };
  if (jitter > 0 && rng) {
    const { n, d, data } = s;
    const scale = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += Math.abs(data[i * d + j]!);
      scale[j] = jitter * Math.max(1, m / n);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) data[i * d + j] = data[i * d + j]! + scale[j]! * rng.normal();
    }
  }
  return s;
}

/**
 * Diagnostics about the continuous columns of a nearest-neighbour estimator:
 * TIES (repeated values; with `jitter > 0` also JITTER_ADDED) and LOOKS_DISCRETE.
 */
/** Tied fraction (rows sharing their value, worst column) above which TIES is a warning rather than info: 1%. */
export const TIES_WARNING_FRACTION = 0.01;

export function continuousDiagnostics(ties: readonly ColumnTies[], n: number, jitter: number, categorical: readonly boolean[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const tied = ties.filter((t) => t.tiedFraction > 0);
  if (tied.length > 0) {
    const worst = tied.reduce((a, b) => (b.tiedFraction > a.tiedFraction ? b : a));
    const list = tied
      .slice(0, 5)
      .map((t) => `'${t.name}' ${(100 * t.tiedFraction).toFixed(1)}%`)
      .join(', ');
    out.push({
      code: 'TIES',
      // A handful of exact repeats (rounded data) is harmless once jittered; a
      // sizeable tied fraction means the data are partly discrete and the
      // estimate is biased whatever the jitter.
      severity: worst.tiedFraction > TIES_WARNING_FRACTION ? 'warning' : 'info',
      message:
        `repeated values in ${tied.length} continuous column(s) (rows sharing their value: ${list}${tied.length > 5 ? ', …' : ''}); ` +
        'nearest-neighbour distances of 0 bias KSG-type estimates',
      data: { tiedFraction: worst.tiedFraction, column: worst.name, columns: tied.length },
    });
    if (jitter > 0) {
      out.push({
        code: 'JITTER_ADDED',
        severity: 'info',
        message: `ties were broken by Gaussian noise of relative scale ${jitter} (seeded); the estimate depends slightly on the seed`,
        data: { jitter },
      });
    }
  }
  const discrete = ties.filter((t, j) => categorical[j] === true || looksDiscrete(t.distinct, n));
  if (discrete.length > 0) {
    out.push({
      code: 'LOOKS_DISCRETE',
      severity: 'warning',
      message:
        `column(s) ${discrete
          .slice(0, 5)
          .map((t) => `'${t.name}' (${t.distinct} distinct values)`)
          .join(', ')}${discrete.length > 5 ? ', …' : ''} look discrete; ` +
        "consider the 'discrete' or 'mixed' estimator",
      data: { column: discrete[0]!.name, distinct: discrete[0]!.distinct, columns: discrete.length },
    });
  }
  return out;
}

/**
 * Prepares a continuous variable for a nearest-neighbour estimator: detects
 * ties on the raw values (unless given), then standardizes and adds seeded jitter.
 * @internal shared by `ksgPrepare` and the mixed estimator.
 */
export function prepareContinuous(
  v: Variable,
  opts: { standardize: boolean; jitter: number },
  rng: Rng | null,
  ties: ColumnTies[] = columnTies(v),
): { v: Variable; ties: ColumnTies[] } {
  return { v: scaleAndJitter(v, opts.standardize, opts.jitter, rng), ties };
}

/**
 * KSG preprocessing, exactly as `ksgEstimator` does it: tie detection on the raw
 * columns, then (if `standardize`) mean 0 / variance 1 per column, then (if
 * `jitter > 0`) Gaussian noise of sd `jitter · max(1, mean|column|)` from
 * `new Rng(seed)`, drawn for x row-major first, then for y.
 *
 * Jitter is added whether or not there are ties (as scikit-learn does): it also
 * breaks coincidences that tie detection cannot see, such as equal distances.
 *
 * @returns new variables (inputs untouched) and the TIES / JITTER_ADDED / LOOKS_DISCRETE diagnostics.
 */
export function ksgPrepare(
  x: Variable,
  y: Variable,
  params: { seed: number; jitter: number; standardize: boolean },
): { x: Variable; y: Variable; diagnostics: Diagnostic[] } {
  const rng = params.jitter > 0 ? new Rng(params.seed) : null;
  const px = prepareContinuous(x, params, rng);
  const py = prepareContinuous(y, params, rng);
  const diagnostics = continuousDiagnostics(
    [...px.ties, ...py.ties],
    x.n,
    params.jitter,
    [...x.categorical, ...y.categorical],
  );
  return { x: px.v, y: py.v, diagnostics };
}

// ---------------------------------------------------------------------------
// The estimator core

/**
 * For every row i, n_i = #{j ≠ i : ‖v_j − v_i‖∞ < r_i} (strict) or ≤ r_i:
 * two binary searches in a sorted array when v is 1-D, else a kd-tree queried
 * in its own tree order (nearby rows one after another: cache-friendly).
 * Yields every CHUNK rows so the caller can check for aborts.
 */
function* countAll(v: Variable, radius: Float64Array, strict: boolean, out: Int32Array): Generator<void, void, void> {
  const { n, d, data } = v;
  if (d === 1) {
    const axis = new SortedAxis(data);
    for (let i = 0; i < n; i++) {
      const r = radius[i]!;
      // Row i itself is at distance 0: counted unless strict with r = 0.
      out[i] = axis.countWithin(data[i]!, r, strict) - (strict && !(r > 0) ? 0 : 1);
      if ((i + 1) % CHUNK === 0) yield;
    }
    return;
  }
  const tree = new KdTree(data, n, d);
  const order = tree.rowsInTreeOrder();
  for (let p = 0; p < n; p++) {
    const i = order[p]!;
    const r = radius[i]!;
    out[i] = tree.countWithin(data, i * d, r, strict) - (strict && !(r > 0) ? 0 : 1);
    if ((p + 1) % CHUNK === 0) yield;
  }
}

/**
 * The KSG estimate in three passes — joint k-NN radii, then x counts, then y
 * counts (one index in cache at a time: at n = 1e5 in 5-D, together with
 * tree-order queries, this took the time from ≈ 65 s to ≈ 37 s against
 * interleaving them per point) — then the sum in row order. It is a
 * generator that yields between chunks of work, so the estimator can check
 * for aborts while `ksgFromPrepared` simply runs it to the end; both give the
 * same bits as the brute-force reference, which sums the same terms in the same order.
 */
function* ksgSteps(x: Variable, y: Variable, k: number, algorithm: 1 | 2): Generator<void, KsgCoreResult, void> {
  const n = x.n;
  if (y.n !== n) throw new MineError('LENGTH_MISMATCH', `x has ${n} rows but y has ${y.n}`);
  if (!Number.isInteger(k) || k < 1) throw new MineError('INVALID_PARAMS', `k must be a positive integer, got ${k}`, { field: 'k' });
  if (n <= k) {
    throw new MineError('TOO_FEW_ROWS', `KSG with k=${k} needs at least ${k + 1} rows, got ${n}`, {
      hint: 'provide more rows or a smaller k',
    });
  }
  const dx = x.d;
  const dy = y.d;
  const D = dx + dy;
  const xd = x.data;
  const yd = y.data;
  const joint = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dx; c++) joint[i * D + c] = xd[i * dx + c]!;
    for (let c = 0; c < dy; c++) joint[i * D + dx + c] = yd[i * dy + c]!;
  }
  // Pass 1: radii. Algorithm 1: ε_i, the joint max-norm distance to the k-th
  // neighbour, for both margins. Algorithm 2: ε_x,i and ε_y,i, the largest x-
  // and y-distances among the k nearest joint neighbours.
  const rx = new Float64Array(n);
  const ry = algorithm === 1 ? rx : new Float64Array(n);
  {
    const tree = new KdTree(joint, n, D);
    const order = tree.rowsInTreeOrder();
    const nbRow = new Int32Array(k);
    const nbDist = new Float64Array(k);
    for (let p = 0; p < n; p++) {
      const i = order[p]!;
      const eps = tree.knn(joint, i * D, k, i, nbRow, nbDist);
      if (algorithm === 1) {
        rx[i] = eps;
      } else {
        let ex = 0;
        let ey = 0;
        for (let t = 0; t < k; t++) {
          const j = nbRow[t]!;
          for (let c = 0; c < dx; c++) {
            let diff = xd[j * dx + c]! - xd[i * dx + c]!;
            if (diff < 0) diff = -diff;
            if (diff > ex) ex = diff;
          }
          for (let c = 0; c < dy; c++) {
            let diff = yd[j * dy + c]! - yd[i * dy + c]!;
            if (diff < 0) diff = -diff;
            if (diff > ey) ey = diff;
          }
        }
        rx[i] = ex;
        ry[i] = ey;
      }
      if ((p + 1) % CHUNK === 0) yield;
    }
  }
  // Passes 2 and 3: eq. (8) counts strictly inside ε_i; eq. (9) counts with ≤.
  const strict = algorithm === 1;
  const nx = new Int32Array(n);
  const ny = new Int32Array(n);
  yield* countAll(x, rx, strict, nx);
  yield* countAll(y, ry, strict, ny);
  // Row order, term by term, as the reference does.
  let sum = 0;
  let sumNx = 0;
  let sumNy = 0;
  for (let i = 0; i < n; i++) {
    const a = nx[i]!;
    const b = ny[i]!;
    // Algorithm 2: the k neighbours are inside their own extents, so n_x, n_y ≥ k ≥ 1 and ψ is defined.
    sum += algorithm === 1 ? digammaInt(a + 1) + digammaInt(b + 1) : digammaInt(a) + digammaInt(b);
    sumNx += a;
    sumNy += b;
  }
  const base = algorithm === 1 ? digammaInt(k) : digammaInt(k) - 1 / k;
  return { value: base + digammaInt(n) - sum / n, meanNx: sumNx / n, meanNy: sumNy / n };
}

interface KsgCoreResult {
  /** nats */
  value: number;
  /** Average marginal neighbour counts ⟨n_x⟩, ⟨n_y⟩. */
  meanNx: number;
  meanNy: number;
}

/**
 * The KSG estimate of I(X;Y) in nats on already prepared data (no standardizing,
 * no jitter): Kraskov, Stögbauer & Grassberger (2004), "Estimating mutual
 * information", Phys. Rev. E 69, 066138.
 *
 * - algorithm 1, eq. (8): I = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩, where ε_i
 *   is the max-norm distance from point i to its k-th nearest neighbour in the
 *   joint space (max of the x- and y-block max-norms) and
 *   n_x(i) = #{j ≠ i : ‖x_j − x_i‖∞ < ε_i} (likewise n_y).
 * - algorithm 2, eq. (9): I = ψ(k) − 1/k + ψ(N) − ⟨ψ(n_x) + ψ(n_y)⟩, where
 *   ε_x,i and ε_y,i are the largest x- and y-distances from i among its k nearest
 *   joint neighbours and n_x(i) = #{j ≠ i : ‖x_j − x_i‖∞ ≤ ε_x,i}.
 *
 * Ties: the k nearest neighbours are ranked by (distance, row index), so with
 * ties at the k-th distance algorithm 2 uses the lower-indexed points; the
 * distance ε itself (all that algorithm 1 uses) does not depend on that choice.
 * Ties make the estimate biased either way; `ksgPrepare` jitters them away.
 *
 * Cost: a kd-tree over the joint space, O(n log n) to build, about O(log n) per
 * query at low dimension; marginal counts by binary search when a side is 1-D,
 * else by a kd-tree. Trees prune poorly in high dimension: at n = 1e5 the 1-D +
 * 1-D case takes ≈ 0.3 s and 5-D + 5-D ≈ 36 s (bench/ksg.mjs), still ≈ 20×
 * faster than the O(n²) reference.
 *
 * Symmetry: with no jitter, swapping x and y gives the same bits. `ksgPrepare`
 * draws x's jitter before y's, so on tied data a swap changes the jitter
 * realisation (and the estimate, within its seed-to-seed spread).
 *
 * @param x n×dx, y n×dy (same n > k).
 * @returns the estimate in nats (may be slightly negative; not clipped).
 */
export function ksgFromPrepared(x: Variable, y: Variable, k: number, algorithm: 1 | 2): number {
  return runToEnd(ksgSteps(x, y, k, algorithm)).value;
}

/**
 * Kraskov–Stögbauer–Grassberger k-nearest-neighbour estimator of I(X;Y) for
 * continuous X and Y of any dimension (max-norm), with standardization and
 * seeded jitter (`ksgPrepare`) and a kd-tree core (`ksgFromPrepared`).
 *
 * Diagnostics: TIES (with the largest tied fraction), JITTER_ADDED, LOOKS_DISCRETE.
 * Details: `meanNx`, `meanNy`, the average marginal neighbour counts (small
 * averages mean a noisy estimate). Needs n ≥ k + 1.
 */
export const ksgEstimator: EstimatorDefinition<typeof ksgParams> = {
  id: 'ksg',
  title: 'KSG (Kraskov k-nearest neighbours)',
  description:
    'k-nearest-neighbour estimator for continuous X and Y of any dimension (max-norm, standardized columns, seeded tie-breaking jitter).',
  reference:
    'Kraskov, Stögbauer & Grassberger (2004), Estimating mutual information, Phys. Rev. E 69, 066138, eq. (8) and (9)',
  kind: 'point',
  schema: ksgParams,
  capabilities: {
    x: ['continuous'],
    y: ['continuous'],
    multivariate: true,
    // Only the seeded jitter makes it seed-dependent; the same seed gives the same bits.
    deterministic: false,
    needsTraining: false,
    minSamples: 4,
    symmetric: true,
  },
  minSamples: (p) => p.k + 1,
  async run(x, y, params, ctx) {
    throwIfAborted(ctx.signal);
    const prepared = ksgPrepare(x, y, params);
    throwIfAborted(ctx.signal);
    const core = await runCooperatively(ksgSteps(prepared.x, prepared.y, params.k, params.algorithm), ctx.signal);
    return {
      value: core.value,
      diagnostics: prepared.diagnostics,
      details: { meanNx: core.meanNx, meanNy: core.meanNy },
    };
  },
};

import { z } from 'zod';
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

/** How many points to process between abort checks. */
const CHUNK = 2048;
/** With a signal, yield to the event loop after this many ms of work so an abort can be delivered. */
const YIELD_MS = 100;

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
 * Standardizes (optionally) and jitters one variable in place order: values are
 * visited row by row, column by column, drawing one `rng.normal()` each.
 * Noise sd for column j: `jitter · max(1, mean_i |v_ij|)` (scikit-learn's rule,
 * applied after scaling). Returns a new Variable; the input is not touched.
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
      severity: 'warning',
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
 * ties on the raw values, then standardizes and adds seeded jitter.
 * @internal shared by `ksgPrepare` and the mixed estimator.
 */
export function prepareContinuous(
  v: Variable,
  opts: { standardize: boolean; jitter: number },
  rng: Rng | null,
): { v: Variable; ties: ColumnTies[] } {
  const ties = columnTies(v);
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

/** Counting in one marginal space: a sorted array in 1-D, else a kd-tree. */
interface MarginalIndex {
  /** #{j ≠ i : ‖v_j − v_i‖∞ < r} (strict) or ≤ r. */
  countOthers(i: number, r: number, strict: boolean): number;
}

function marginalIndex(v: Variable): MarginalIndex {
  const { n, d, data } = v;
  if (d === 1) {
    const axis = new SortedAxis(data);
    // Row i itself is at distance 0: inside unless strict with r ≤ 0.
    return {
      countOthers: (i, r, strict) => axis.countWithin(data[i]!, r, strict) - (strict && !(r > 0) ? 0 : 1),
    };
  }
  const tree = new KdTree(data, n, d);
  return {
    countOthers: (i, r, strict) => tree.countWithin(data, i * d, r, strict) - (strict && !(r > 0) ? 0 : 1),
  };
}

/**
 * The KSG sum, point by point, so the estimator can check for aborts between
 * chunks while `ksgFromPrepared` runs it in one go: both add the same terms in
 * the same order, so they return the same bits.
 */
function ksgCore(x: Variable, y: Variable, k: number, algorithm: 1 | 2) {
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
  const joint = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dx; c++) joint[i * D + c] = x.data[i * dx + c]!;
    for (let c = 0; c < dy; c++) joint[i * D + dx + c] = y.data[i * dy + c]!;
  }
  const tree = new KdTree(joint, n, D);
  // Queries go in tree order (nearby points one after another: cache-friendly);
  // each point's term is stored by row and summed in row order, so the result
  // does not depend on the traversal and matches the brute-force reference.
  const order = tree.rowsInTreeOrder();
  const mx = marginalIndex(x);
  const my = marginalIndex(y);
  const nbRow = new Int32Array(k);
  const nbDist = new Float64Array(k);
  const xd = x.data;
  const yd = y.data;
  const terms = new Float64Array(n);
  let sumNx = 0;
  let sumNy = 0;

  /** Computes the terms of the points at tree positions [p0, p1). */
  function step(p0: number, p1: number): void {
    for (let p = p0; p < p1; p++) {
      const i = order[p]!;
      const eps = tree.knn(joint, i * D, k, i, nbRow, nbDist);
      if (algorithm === 1) {
        // Eq. (8): n_x = #{j ≠ i : ‖x_j − x_i‖∞ < ε_i}, ε_i = joint max-norm distance to the k-th neighbour.
        const nx = mx.countOthers(i, eps, true);
        const ny = my.countOthers(i, eps, true);
        terms[i] = digammaInt(nx + 1) + digammaInt(ny + 1);
        sumNx += nx;
        sumNy += ny;
      } else {
        // Eq. (9): ε_x,i / ε_y,i = marginal extents of the k nearest joint neighbours; counts with ≤.
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
        // The k neighbours themselves are inside, so n_x, n_y ≥ k ≥ 1 and ψ is defined.
        const nx = mx.countOthers(i, ex, false);
        const ny = my.countOthers(i, ey, false);
        terms[i] = digammaInt(nx) + digammaInt(ny);
        sumNx += nx;
        sumNy += ny;
      }
    }
  }

  function value(): number {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += terms[i]!;
    const base = algorithm === 1 ? digammaInt(k) : digammaInt(k) - 1 / k;
    return base + digammaInt(n) - sum / n;
  }

  return { n, step, value, meanNx: () => sumNx / n, meanNy: () => sumNy / n };
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
 * query at low dimension; marginal counts by binary search when a side is 1-D.
 *
 * @param x n×dx, y n×dy (same n > k).
 * @returns the estimate in nats (may be slightly negative; not clipped).
 */
export function ksgFromPrepared(x: Variable, y: Variable, k: number, algorithm: 1 | 2): number {
  const core = ksgCore(x, y, k, algorithm);
  core.step(0, core.n);
  return core.value();
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

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
    const core = ksgCore(prepared.x, prepared.y, params.k, params.algorithm);
    let last = performance.now();
    for (let i0 = 0; i0 < core.n; i0 += CHUNK) {
      throwIfAborted(ctx.signal);
      core.step(i0, Math.min(core.n, i0 + CHUNK));
      // An abort can only arrive while we are not running: give it a chance now and then.
      if (ctx.signal && performance.now() - last > YIELD_MS) {
        await yieldToEventLoop();
        last = performance.now();
      }
    }
    throwIfAborted(ctx.signal);
    return {
      value: core.value(),
      diagnostics: prepared.diagnostics,
      details: { meanNx: core.meanNx(), meanNy: core.meanNy() },
    };
  },
};

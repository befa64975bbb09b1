import { z } from 'zod';
import { runCooperatively, runToEnd } from '../cooperative.js';
import { MineError, throwIfAborted } from '../errors.js';
import type { Diagnostic, Variable } from '../interface.js';
import { KdTree, SortedAxis } from '../math/kdtree.js';
import { digammaInt } from '../math/special.js';
import { commonParams } from '../params.js';
import type { EstimatorDefinition } from '../registry.js';
import { Rng } from '../rng.js';
import { assertNotConstant, takeRows } from '../variable.js';
import { encodeSymbols } from './discrete.js';
import { columnTies, continuousDiagnostics, looksDiscrete, prepareContinuous } from './ksg.js';

/**
 * Parameters of the mixed (discrete label × continuous vector) estimator.
 *
 * - `k`: neighbours within the point's own class; a class of N_c points uses
 *   min(k, N_c − 1). @default 3
 * - `discrete`: which side holds the discrete label. `'auto'` picks the side
 *   whose columns are all categorical, else the one side that is a single
 *   integer-valued column with few distinct values (≤ max(10, n/100)); when that
 *   does not single out one side it throws UNSUPPORTED_DATA. @default 'auto'
 */
export const mixedParams = commonParams
  .extend({
    k: z.number().int().min(1).default(3).describe('number of nearest neighbours within the same class'),
    discrete: z
      .enum(['x', 'y', 'auto'])
      .default('auto')
      .describe("which side is the discrete label: 'x', 'y', or 'auto' (the categorical / few-valued integer side)"),
  })
  .strict();

export type MixedParams = z.output<typeof mixedParams>;

/** Relative scale of the tie-breaking jitter on the continuous side, as KSG's default (scikit-learn's 1e-10). */
const JITTER = 1e-10;
/** Rows between abort checks. */
const CHUNK = 2048;

/** Result of `mixedFromPrepared`. */
export interface MixedCore {
  /** The estimate in nats (not clipped). */
  value: number;
  /** Rows used: those whose class has at least 2 members. */
  used: number;
  /** Rows left out because their class has a single member. */
  dropped: number;
  /** Number of classes among the used rows. */
  classes: number;
}

/** Per-point k-th-neighbour distance within a set of rows of `c` (1-D: sorted array; else kd-tree). */
function kthWithin(c: Variable, rows: Int32Array, k: number, out: Float64Array): void {
  const d = c.d;
  if (d === 1) {
    const vals = new Float64Array(rows.length);
    for (let t = 0; t < rows.length; t++) vals[t] = c.data[rows[t]!]!;
    const axis = new SortedAxis(vals);
    for (let t = 0; t < rows.length; t++) out[rows[t]!] = axis.kthDistance(t, k);
    return;
  }
  const sub = takeRows(c, rows);
  const tree = new KdTree(sub.data, rows.length, d);
  const nbRow = new Int32Array(k);
  const nbDist = new Float64Array(k);
  for (let t = 0; t < rows.length; t++) out[rows[t]!] = tree.knn(sub.data, t * d, k, t, nbRow, nbDist);
}

/**
 * Ross's estimator as a generator: it yields between chunks of work (so a
 * caller can check for aborts) and returns the result.
 */
function* mixedSteps(c: Variable, labels: ArrayLike<number>, k: number): Generator<void, MixedCore, void> {
  const n = c.n;
  if (labels.length !== n) throw new MineError('LENGTH_MISMATCH', `the label has ${labels.length} rows but the continuous side has ${n}`);
  if (!Number.isInteger(k) || k < 1) throw new MineError('INVALID_PARAMS', `k must be a positive integer, got ${k}`, { field: 'k' });
  // Class sizes, with labels recoded to 0..C−1.
  const codeOf = new Map<number, number>();
  const code = new Int32Array(n);
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    let cl = codeOf.get(labels[i]!);
    if (cl === undefined) {
      cl = codeOf.size;
      codeOf.set(labels[i]!, cl);
      sizes.push(0);
    }
    code[i] = cl;
    sizes[cl]!++;
  }
  // As scikit-learn's _compute_mi_cd does, points whose class has a single
  // member are left out entirely (N, the counts m_i and the averages are over
  // the rest): such a point has no within-class neighbour, so no radius.
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (sizes[code[i]!]! > 1) keep.push(i);
  const used = keep.length;
  if (used === 0) {
    throw new MineError('UNSUPPORTED_DATA', 'mixed: every label value occurs only once, so no point has a neighbour in its own class', {
      hint: "the discrete side looks continuous: set 'discrete' to the other side, or use the 'ksg' estimator",
    });
  }
  const keptRows = Int32Array.from(keep);
  const cc = used === n ? c : takeRows(c, keptRows);
  const kcode = new Int32Array(used);
  for (let t = 0; t < used; t++) kcode[t] = code[keptRows[t]!]!;
  // Rows of each class (positions among the kept rows).
  const C = sizes.length;
  const members: number[][] = Array.from({ length: C }, () => []);
  for (let t = 0; t < used; t++) members[kcode[t]!]!.push(t);
  let classes = 0;
  const radius = new Float64Array(used);
  let done = 0;
  for (let cl = 0; cl < C; cl++) {
    const rows = members[cl]!;
    if (rows.length < 2) continue;
    classes++;
    kthWithin(cc, Int32Array.from(rows), Math.min(k, rows.length - 1), radius);
    done += rows.length;
    if (done >= CHUNK) {
      done = 0;
      yield;
    }
  }
  // m_i = #{j ≠ i : ‖c_j − c_i‖∞ ≤ d_i} over all kept rows: Ross's count, which
  // includes the k'-th neighbour itself. scikit-learn queries radius
  // nextafter(d_i, 0) with "≤", which counts #{j : dist < d_i} with i itself
  // included; without distance ties at d_i the two are equal.
  const d = cc.d;
  const m = new Int32Array(used);
  if (d === 1) {
    const axis = new SortedAxis(cc.data);
    for (let t = 0; t < used; t++) {
      m[t] = axis.countWithin(cc.data[t]!, radius[t]!, false) - 1;
      if ((t + 1) % CHUNK === 0) yield;
    }
  } else {
    // Queried in tree order (cache-friendly), stored by row.
    const tree = new KdTree(cc.data, used, d);
    const order = tree.rowsInTreeOrder();
    for (let p = 0; p < used; p++) {
      const t = order[p]!;
      m[t] = tree.countWithin(cc.data, t * d, radius[t]!, false) - 1;
      if ((p + 1) % CHUNK === 0) yield;
    }
  }
  // Ross (2014), eq. (2): I = ψ(N) + ⟨ψ(k)⟩ − ⟨ψ(N_c)⟩ − ⟨ψ(m)⟩, with the
  // per-class k' = min(k, N_c − 1) inside the average; summed in row order.
  let sK = 0;
  let sNc = 0;
  let sM = 0;
  for (let t = 0; t < used; t++) {
    const nc = sizes[kcode[t]!]!;
    sK += digammaInt(Math.min(k, nc - 1));
    sNc += digammaInt(nc);
    // m ≥ k' ≥ 1: the k' within-class neighbours are inside the radius.
    sM += digammaInt(m[t]!);
  }
  const value = digammaInt(used) + (sK - sNc - sM) / used;
  return { value, used, dropped: n - used, classes };
}

/**
 * Ross's nearest-neighbour estimate of I(C; X) in nats between a discrete label
 * C and a continuous vector X, on prepared data (no standardizing or jitter):
 * Ross (2014), "Mutual information between discrete and continuous data sets",
 * PLoS ONE 9(2): e87357, eq. (2).
 *
 * For each point i with label c (class size N_c ≥ 2): k' = min(k, N_c − 1),
 * d_i = max-norm distance to its k'-th nearest neighbour within class c,
 * m_i = #{j ≠ i : ‖x_j − x_i‖∞ ≤ d_i} over the whole data set, and
 * I = ψ(N) + ⟨ψ(k')⟩ − ⟨ψ(N_c)⟩ − ⟨ψ(m_i)⟩. Points whose class has one member
 * are dropped first (scikit-learn's convention), so N counts the rest.
 *
 * @param c n×d continuous values (use standardized columns so the max-norm weighs them equally).
 * @param labels n class labels (any numbers; compared exactly).
 * @param k neighbours within the class, ≥ 1.
 */
export function mixedFromPrepared(c: Variable, labels: ArrayLike<number>, k: number): MixedCore {
  return runToEnd(mixedSteps(c, labels, k));
}

function isIntegerColumn(v: Variable): boolean {
  for (let i = 0; i < v.data.length; i++) if (!Number.isInteger(v.data[i]!)) return false;
  return true;
}

/**
 * Which side is the label under `discrete: 'auto'`: the side whose columns are
 * all categorical (if only one is), else the side that is one integer-valued
 * column with few distinct values (`looksDiscrete`), if only one is.
 */
function autoSide(x: Variable, y: Variable): { side: 'x' | 'y'; why: string } {
  const catX = x.categorical.length > 0 && x.categorical.every(Boolean);
  const catY = y.categorical.length > 0 && y.categorical.every(Boolean);
  if (catX !== catY) return { side: catX ? 'x' : 'y', why: 'its columns are categorical' };
  const few = (v: Variable): number | null => {
    if (v.d !== 1 || !isIntegerColumn(v)) return null;
    const distinct = columnTies(v)[0]!.distinct;
    return looksDiscrete(distinct, v.n) ? distinct : null;
  };
  const fx = catX ? null : few(x);
  const fy = catY ? null : few(y);
  if ((fx === null) !== (fy === null)) {
    const side = fx !== null ? 'x' : 'y';
    return { side, why: `it is one integer column with ${fx ?? fy} distinct values` };
  }
  const what = catX
    ? 'both sides are categorical'
    : fx !== null
      ? 'both sides are single integer columns with few distinct values'
      : 'neither side is categorical or a single integer column with few distinct values';
  throw new MineError('UNSUPPORTED_DATA', `mixed: cannot tell which side is the discrete label (${what}); set 'discrete' to 'x' or 'y'`, {
    field: 'discrete',
    hint: "pass { discrete: 'x' } or { discrete: 'y' }; for two discrete sides use the 'discrete' estimator",
  });
}

/**
 * Mutual information between a discrete label and a continuous (possibly
 * multivariate) variable, by Ross's (2014) k-nearest-neighbour estimator; the
 * label may be on either side (`discrete`), and a multi-column label is taken
 * as joint symbols. The continuous side is standardized, and jittered (seeded,
 * relative scale 1e-10) when it has ties.
 *
 * Diagnostics: AUTO_CHOICE (which side `auto` took), TIES / JITTER_ADDED /
 * LOOKS_DISCRETE on the continuous side, DROPPED_ROWS
 * when rows with a unique label were left out.
 * Details: `classes` (label values used), `droppedRows` (unique-label rows left out).
 */
export const mixedEstimator: EstimatorDefinition<typeof mixedParams> = {
  id: 'mixed',
  title: 'Mixed discrete–continuous (Ross)',
  description:
    'k-nearest-neighbour estimator between a discrete label and a continuous variable (either side; multivariate continuous side).',
  reference: 'Ross (2014), Mutual information between discrete and continuous data sets, PLoS ONE 9(2): e87357, eq. (2)',
  kind: 'point',
  schema: mixedParams,
  capabilities: {
    x: ['continuous', 'discrete'],
    y: ['continuous', 'discrete'],
    multivariate: true,
    // Seed-dependent only through the jitter added when the continuous side has ties.
    deterministic: false,
    needsTraining: false,
    minSamples: 4,
    symmetric: true,
  },
  // A constant label is fine (I = 0); a constant continuous column is checked in run.
  rejectConstant: false,
  async run(x, y, params, ctx) {
    throwIfAborted(ctx.signal);
    const diagnostics: Diagnostic[] = [];
    let side: 'x' | 'y';
    if (params.discrete === 'auto') {
      const choice = autoSide(x, y);
      side = choice.side;
      diagnostics.push({
        code: 'AUTO_CHOICE',
        severity: 'info',
        message: `treated ${side} as the discrete label because ${choice.why}; set 'discrete' to override`,
        data: { discrete: side },
      });
    } else {
      side = params.discrete;
    }
    const label = side === 'x' ? x : y;
    const cont = side === 'x' ? y : x;
    assertNotConstant(cont);
    const { codes } = encodeSymbols(label);
    const ties = columnTies(cont);
    const jitter = ties.some((t) => t.tiedFraction > 0) ? JITTER : 0;
    const prepared = prepareContinuous(cont, { standardize: true, jitter }, jitter > 0 ? new Rng(params.seed) : null, ties);
    diagnostics.push(...continuousDiagnostics(ties, cont.n, jitter, cont.categorical));

    const core = await runCooperatively(mixedSteps(prepared.v, codes, params.k), ctx.signal);
    if (core.dropped > 0) {
      const frac = core.dropped / cont.n;
      diagnostics.push({
        code: 'DROPPED_ROWS',
        severity: frac > 0.05 ? 'warning' : 'info',
        message: `${core.dropped} row(s) whose ${side} label occurs only once were left out (${(100 * frac).toFixed(1)}% of rows)`,
        data: { droppedRows: core.dropped, fraction: frac },
      });
    }
    return { value: core.value, diagnostics, details: { classes: core.classes, droppedRows: core.dropped } };
  },
};

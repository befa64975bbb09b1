/**
 * The estimation protocol of the neural estimators, written once against
 * `CriticTrainer` (so it is the same on every backend):
 *
 * 1. **Row order.** Rows are put in a canonical order (lexicographic on the
 *    values of x, then y) before anything random happens, so the estimate
 *    depends on the data as a set of rows and on the seed, never on the order
 *    the rows came in.
 * 2. **Split.** A seeded permutation sends round(validationFraction · n) rows to
 *    validation and the rest to training.
 * 3. **Standardize** (default on): each column is centred and scaled by the
 *    mean and population sd of the *training* rows only (the validation rows
 *    must not inform the fit); a column constant on the training rows is only
 *    centred. Then everything is converted to float32.
 * 4. **Train.** Each step takes the next batch of an epoch-wise shuffle of the
 *    training rows; marginal pairs are the same x rows with y taken from a
 *    seeded permutation (or derangement) of the batch; `trainer.step`.
 * 5. **Validate** every `evalEvery` steps (and before the first step) on the
 *    whole validation set. DV-type bounds (`mine`, `dv`, `nwj`, `smile`) use
 *    E_P[T] over all validation rows and the marginal term over all
 *    validation rows paired with `validationShuffles` fixed seeded
 *    permutations of y (by default enough for ≈ 32,768 pairs, 1 to 16: see
 *    `autoValidationShuffles`), as one pooled log-mean-exp over all those
 *    pairs (not an average of per-chunk values: log of a mean ≠ mean of logs).
 *    One permutation is not enough: log-mean-exp over N pairs is dominated by
 *    the few pairs where the critic extrapolates: on the cubic 20×20 task at
 *    2 nats (accuracy suite, seed 1) with 2,000 validation rows, ten
 *    permutations of the same rows gave bounds from 1.69 to 2.06 for one
 *    trained critic, and the one in use read 1.55. `infonce` averages the
 *    B×B bound of consecutive chunks of B = batchSize validation rows (a
 *    partial last chunk is left out), the same bound training computes on
 *    its batches, capped by log B; these values make the trace and decide
 *    early stopping. The *reported* InfoNCE value is then rescored with the
 *    critic it comes from on larger blocks (`validationBatch`; by default,
 *    for a separable critic, the validation rows in equal blocks of at most
 *    2,048): every block size gives a valid lower bound (Poole et al.
 *    2019, eq. 12), and the ceiling rises from log B to log(validationBatch).
 *    Measured (`pnpm bench:accuracy`, 20×20 Gaussian at 6 nats, separable
 *    [512] relu critic at lr 3e-4, batch 256, 2,000 validation rows, 3
 *    seeds): 4.405 on blocks of 256, 5.033 on one block of 2,000.
 * 6. **Learning rate and early stopping**, on the validation bound smoothed by
 *    an exponential moving average (`smoothing` = weight of the previous
 *    average) of the trained evaluations. After ⌈patience/2⌉ evaluations
 *    without a new maximum, lr is halved (at most `lrDecay` times; the count
 *    restarts), then training stops after `patience` evaluations without a new
 *    maximum. The halving is the plateau schedule of common practice (e.g.
 *    PyTorch's ReduceLROnPlateau); on the accuracy suite's 20×20 Gaussian at
 *    2 nats it raised the held-out bound of mine, dv and nwj from 1.785–1.799 to
 *    1.835–1.871 (3 seeds, `pnpm bench:accuracy`), while SMILE's stayed at 1.846.
 *    The reported value is the raw validation bound at the evaluation
 *    where the smoothed one peaked (with `earlyStop: false`, the last
 *    evaluation) — a held-out value, never a training-batch one. The untrained
 *    critic (step 0) is reported only when training never beat it and its value
 *    is a true bound (not SMILE's clipped estimate): see `reportedValue`.
 * 7. **Repeats** r > 1 rerun 1–6 with seeds seed, seed+1, … (new split, init,
 *    batches); value = mean, ci = mean ± t_{(1+level)/2, r−1} · sd/√r.
 */
import { yieldToEventLoop } from '../cooperative.js';
import { MineError, throwIfAborted } from '../errors.js';
import type { ConfidenceInterval, Diagnostic, EstimateOptions, TracePoint, Variable } from '../interface.js';
import type { RawEstimate } from '../registry.js';
import { Rng } from '../rng.js';
import { normalQuantile } from '../math/special.js';
import { createTrainer, wasmBackendAvailable } from './backends.js';
import { defaultInit, paramCount } from './critic.js';
import { boundCeiling, marginalEffectiveSize, pairObjective } from './objectives.js';
import { studentTQuantile } from './student-t.js';
import type { Activation, BackendName, CriticKind, CriticSpec, CriticTrainer, Objective, ObjectiveSpec, OptimizerSpec } from './types.js';

/** Everything the protocol needs (the validated estimator params plus the objective). */
export interface NeuralConfig {
  objective: Objective;
  backend: BackendName;
  critic: CriticKind;
  hidden: readonly number[];
  embedDim: number;
  activation: Activation;
  lr: number;
  batchSize: number;
  steps: number;
  evalEvery: number;
  validationFraction: number;
  earlyStop: boolean;
  patience: number;
  /** Halvings of lr allowed on a plateau of the smoothed validation bound (0 = constant lr). */
  lrDecay: number;
  smoothing: number;
  emaRate: number;
  clip: number;
  marginal: 'permute' | 'derangement';
  /** Fixed pairings of the validation y for the held-out marginal term (DV types); undefined = `autoValidationShuffles`. */
  validationShuffles: number | undefined;
  /** InfoNCE: rows per block of the reported held-out bound; undefined = `INFONCE_VALIDATION_BATCH` (separable) or batchSize (concat). */
  validationBatch?: number | undefined;
  repeats: number;
  ciLevel: number;
  preprocess: Preprocess;
  seed: number;
}

/**
 * How each column is transformed before it reaches the critic, with statistics
 * of the training rows only (validation rows are mapped through the same
 * functions, so the held-out bound stays honest):
 * - 'standardize': (v − mean) / sd;
 * - 'gaussianize': normal scores Φ⁻¹((rank + ½)/(n + 1)) against the sorted
 *   training values (mid-ranks for ties; a value between two training values
 *   gets the score between theirs). MI is invariant under a strictly
 *   increasing map of each column (Kraskov et al. 2004, §II), and this one
 *   removes heavy tails and skew, which otherwise let a few rows dominate the
 *   critic's gradients (heavy tails are where Czyż et al. 2023, "Beyond
 *   Normal", find neural estimators struggle; measured here: smile on the
 *   cubic 20×20 tasks at 2 and 6 nats went from 0.47 and 2.81 to 1.71 and
 *   6.31 nats with this and a [512] critic, bench/accuracy-results.md).
 *   Ties collapse to one score, so a column with very
 *   few distinct values loses nothing it had;
 * - 'none': raw values.
 */
export type Preprocess = 'standardize' | 'gaussianize' | 'none';

/** Adam's constants (Kingma & Ba 2015, §2 defaults). */
const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;
/** With a signal or progress callback, yield to the event loop after this much work (ms). */
const YIELD_MS = 50;
/** Minimum time between two progress events (ms). */
const PROGRESS_MS = 100;


/**
 * Most validation rows an evaluation during training uses. Every evaluation
 * (each `evalEvery` steps) scores its rows (1 + validationShuffles) times, so
 * with 200,000 validation rows (n = 10⁶) they would cost several times the
 * training steps between them; a random subset of 16,384 rows decides early
 * stopping, and the reported value is recomputed once on all validation rows
 * with the critic it comes from.
 */
export const EVALUATION_ROWS = 16_384;

/**
 * Default block of the reported InfoNCE value for a separable critic (see
 * step 5 of the module comment): ceiling log 2048 = 7.6 nats. The rescore
 * holds a 2048² score matrix (16 MB, and as much for its unused gradient in
 * the kernel trainer) once, at the end of a run; a concat critic would run
 * 2048² pairs through its MLP, so it keeps batchSize.
 */
export const INFONCE_VALIDATION_BATCH = 2048;

/** Equal blocks of at most `target` rows out of m: the block size (≥ 1; floor(m / size) blocks are scored, fewer than that many rows are left out). */
export function infonceBlockSize(m: number, target: number): number {
  return Math.max(1, Math.floor(m / Math.ceil(m / Math.max(1, Math.min(target, m)))));
}

/**
 * Below this effective sample size of the held-out marginal term
 * (`marginalEffectiveSize`), dv, mine and nwj get FEW_EFFECTIVE_PAIRS. At 100
 * the weighted mean behind the log term has a relative standard error of
 * about 1/√100 = 10 %, i.e. 0.1 nats, the accuracy table's tolerance, before
 * counting the tail its few heavy pairs stand for but cannot measure. Measured
 * (dv, 2 seeds each, n = 10,000, 32,000 marginal pairs): ≥ 677 on every
 * accuracy task up to 2 nats, which pass; 20–70 on the 20×20 Gaussian at
 * 6 nats (4.5–5.7) and 6–15 at 10 nats (5.6–6.2).
 */
export const MIN_MARGINAL_ESS = 100;

/** Marginal pairs the default number of validation permutations aims at. */
export const VALIDATION_PAIRS_TARGET = 32_768;

/**
 * Default number of fixed y permutations for the held-out marginal term:
 * ceil(32,768 / validation rows), between 1 and 16. Sixteen at the usual
 * 2,000 validation rows (n = 10,000); one from 32,768 validation rows on,
 * where one permutation already has that many pairs and more would make each
 * evaluation cost more than the training steps between two evaluations.
 */
export function autoValidationShuffles(validationRows: number): number {
  return Math.min(16, Math.max(1, Math.ceil(VALIDATION_PAIRS_TARGET / validationRows)));
}

/** Validation rows for a config: round(f · n), at least 1. */
export function validationRows(n: number, fraction: number): number {
  return Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
}

/** Result of one training run (one repeat). */
export interface TrainingRun {
  /** The reported validation bound (nats). */
  value: number;
  /** Step of the evaluation the value comes from. */
  bestStep: number;
  /** Steps actually run. */
  stepsRun: number;
  /** Mean training-batch bound over the last evaluation window. */
  trainBound: number;
  /** Raw validation bound at the last evaluation. */
  finalValidation: number;
  trace: TracePoint[];
  diagnostics: Diagnostic[];
  batchSize: number;
  trainRows: number;
  validationRows: number;
  /** Validation rows of the evaluations during training (all of them up to EVALUATION_ROWS). */
  evaluationRows: number;
  /** Permutations of the validation y in the held-out marginal term (0 for InfoNCE). */
  validationShuffles: number;
  /** Effective sample size of the reported critic's held-out marginal term (`marginalEffectiveSize`; NaN for InfoNCE). */
  marginalEss: number;
  /** InfoNCE: rows per block of the reported value (its ceiling is the log of this); 0 otherwise. */
  validationBatch: number;
  stepsPerSecond: number;
  backend: BackendName;
}

/** Row indices in canonical order: lexicographic on x's then y's values (ties keep no meaning: equal rows are interchangeable). */
export function canonicalOrder(x: Variable, y: Variable): Uint32Array {
  const idx = new Uint32Array(x.n);
  for (let i = 0; i < x.n; i++) idx[i] = i;
  const cmpSide = (v: Variable, a: number, b: number): number => {
    for (let j = 0; j < v.d; j++) {
      const d = v.data[a * v.d + j]! - v.data[b * v.d + j]!;
      if (d !== 0) return d;
    }
    return 0;
  };
  return idx.sort((a, b) => cmpSide(x, a, b) || cmpSide(y, a, b));
}

/** Column means and population sds of rows `rows` of v (sd 0 → 1, i.e. centre only). */
function columnScale(v: Variable, rows: ArrayLike<number>): { mean: Float64Array; inv: Float64Array } {
  const mean = new Float64Array(v.d);
  const inv = new Float64Array(v.d);
  for (let j = 0; j < v.d; j++) {
    let m = 0;
    for (let r = 0; r < rows.length; r++) m += v.data[rows[r]! * v.d + j]!;
    m /= rows.length;
    let ss = 0;
    for (let r = 0; r < rows.length; r++) {
      const c = v.data[rows[r]! * v.d + j]! - m;
      ss += c * c;
    }
    const sd = Math.sqrt(ss / rows.length);
    mean[j] = m;
    inv[j] = sd > 0 ? 1 / sd : 1;
  }
  return { mean, inv };
}

/** Per column, the sorted values of rows `rows` of v (the training rows), for normal scores. */
function columnSorted(v: Variable, rows: ArrayLike<number>): Float64Array[] {
  const out: Float64Array[] = [];
  for (let j = 0; j < v.d; j++) {
    const col = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) col[r] = v.data[rows[r]! * v.d + j]!;
    out.push(col.sort());
  }
  return out;
}

/** First index i with sorted[i] > value (upper) or ≥ value (lower), by bisection. */
function bound(sorted: Float64Array, value: number, upper: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (upper ? sorted[mid]! <= value : sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The normal score of `value` against the sorted training values (see `Preprocess`). */
function normalScore(sorted: Float64Array, value: number): number {
  const midRank = (bound(sorted, value, false) + bound(sorted, value, true)) / 2;
  return normalQuantile((midRank + 0.5) / (sorted.length + 1));
}

/** A column transform fitted on the training rows: see `Preprocess`. */
type ColumnMap = { kind: 'standardize'; mean: Float64Array; inv: Float64Array } | { kind: 'gaussianize'; sorted: Float64Array[] } | null;

function fitColumnMap(v: Variable, trainRows: ArrayLike<number>, preprocess: Preprocess): ColumnMap {
  if (preprocess === 'standardize') return { kind: 'standardize', ...columnScale(v, trainRows) };
  if (preprocess === 'gaussianize') return { kind: 'gaussianize', sorted: columnSorted(v, trainRows) };
  return null;
}

/** Rows `rows` of v as float32, through `map`. */
function toFloat32(v: Variable, rows: ArrayLike<number>, map: ColumnMap): Float32Array {
  const out = new Float32Array(rows.length * v.d);
  for (let r = 0; r < rows.length; r++) {
    for (let j = 0; j < v.d; j++) {
      const raw = v.data[rows[r]! * v.d + j]!;
      out[r * v.d + j] =
        map === null ? raw : map.kind === 'standardize' ? (raw - map.mean[j]!) * map.inv[j]! : normalScore(map.sorted[j]!, raw);
    }
  }
  return out;
}

/**
 * Shuffles `p` in place into a uniformly random permutation ('permute'), or a
 * uniformly random derangement (no fixed point: every marginal pair really
 * mixes two rows) by rejection: a uniform permutation is a derangement with
 * probability → 1/e, so ≈ 2.7 shuffles on average.
 */
export function shufflePairing(p: Uint32Array, rng: Rng, kind: 'permute' | 'derangement'): void {
  for (;;) {
    rng.shuffle(p);
    if (kind === 'permute' || p.length < 2) return;
    let fixed = false;
    for (let i = 0; i < p.length; i++) {
      if (p[i] === i) {
        fixed = true;
        break;
      }
    }
    if (!fixed) return;
  }
}

/** Progress bookkeeping shared by the repeats of one estimation. */
interface ProgressState {
  options: EstimateOptions;
  total: number;
  /** Progress units of the earlier repeats: each counts as its full budget (steps), finished early or not. */
  offset: number;
  /** Steps actually trained by the earlier repeats: the rate counts these, not the skipped budget. */
  trainedBefore: number;
  t0: number;
  lastEmit: number;
  lastYield: number;
}

/** What one run's evaluations were, for `reportedValue`. */
export interface EvaluationSummary {
  objective: Objective;
  earlyStop: boolean;
  /** Training stopped on a non-finite bound. */
  diverged: boolean;
  stepsRun: number;
  /** Held-out value of the untrained critic (step 0); NaN if it was not finite. */
  initial: number;
  /** The trained evaluation with the highest smoothed value (value NaN when there was none). */
  best: { smoothed: number; value: number; step: number };
  /** Raw held-out value at the last evaluation. */
  lastValidation: number;
}

/**
 * Which held-out value a run reports, and from which step.
 * - earlyStop (or divergence): the raw value where the smoothed one peaked;
 *   otherwise the last evaluation.
 * - With no trained evaluation (diverged before the first), the untrained critic's.
 * - When training never beat the untrained critic (`neverImproved`) and early
 *   stopping picks: the untrained critic's value where it is a lower bound
 *   (mine, dv, nwj, infonce), since a tighter valid bound is the better
 *   report; never for SMILE, whose clipped estimate of a random critic is no
 *   bound at all (it can read E_P[T] + τ, far above the truth).
 */
export function reportedValue(e: EvaluationSummary): { value: number; bestStep: number; neverImproved: boolean; initialIsBound: boolean } {
  const initialIsBound = e.objective !== 'smile';
  const trained = Number.isFinite(e.best.value);
  const neverImproved = e.stepsRun > 0 && trained && e.initial >= e.best.smoothed;
  if (!trained) return { value: e.initial, bestStep: 0, neverImproved, initialIsBound };
  if (e.earlyStop || e.diverged) {
    if (initialIsBound && neverImproved) return { value: e.initial, bestStep: 0, neverImproved, initialIsBound };
    return { value: e.best.value, bestStep: e.best.step, neverImproved, initialIsBound };
  }
  return { value: e.lastValidation, bestStep: e.stepsRun, neverImproved, initialIsBound };
}

/** One training run (one repeat) with seed `seed`. */
export async function trainOnce(x: Variable, y: Variable, order: Uint32Array, cfg: NeuralConfig, seed: number, progress: ProgressState): Promise<TrainingRun> {
  const { signal, onProgress } = progress.options;
  const cooperative = signal !== undefined || onProgress !== undefined;
  const diagnostics: Diagnostic[] = [];
  const rng = new Rng(seed);
  const n = x.n;

  // Split (on the canonical row order).
  const nVal = validationRows(n, cfg.validationFraction);
  const nTrain = n - nVal;
  const perm = rng.permutation(n);
  const valRows = new Uint32Array(nVal);
  const trainRows = new Uint32Array(nTrain);
  for (let i = 0; i < nVal; i++) valRows[i] = order[perm[i]!]!;
  for (let i = 0; i < nTrain; i++) trainRows[i] = order[perm[nVal + i]!]!;

  // Preprocess with the training rows' statistics.
  const sx = fitColumnMap(x, trainRows, cfg.preprocess);
  const sy = fitColumnMap(y, trainRows, cfg.preprocess);
  const xTr = toFloat32(x, trainRows, sx);
  const yTr = toFloat32(y, trainRows, sy);
  const xVa = toFloat32(x, valRows, sx);
  const yVa = toFloat32(y, valRows, sy);
  const dx = x.d;
  const dy = y.d;

  // Fixed marginal pairings of the validation set: K seeded permutations of y
  // (InfoNCE scores its chunks' B×B matrices instead and needs none). Only the
  // permutations are kept; each evaluation scores x against one permuted copy
  // of y at a time, so memory stays O(nVal·dy + K·nVal) for any K.
  const drawPairs = (m: number, k: number): Uint32Array => {
    const pairs = new Uint32Array(k * m);
    for (let j = 0; j < k; j++) {
      const p = pairs.subarray(j * m, (j + 1) * m);
      for (let i = 0; i < m; i++) p[i] = i;
      shufflePairing(p, rng, cfg.marginal);
    }
    return pairs;
  };
  const shuffles = (m: number): number => (cfg.objective === 'infonce' ? 0 : (cfg.validationShuffles ?? autoValidationShuffles(m)));
  const K = shuffles(nVal);
  const valPairs = drawPairs(nVal, K);
  // The evaluations during training (early stopping, the trace) use the first
  // nEval validation rows, a random subset (the split is a random permutation);
  // the reported value is then recomputed on all validation rows with the
  // critic it comes from. Below EVALUATION_ROWS validation rows both are the same.
  const nEval = Math.min(nVal, EVALUATION_ROWS);
  const KEval = nEval < nVal ? shuffles(nEval) : K;
  const evalPairs = nEval < nVal ? drawPairs(nEval, KEval) : valPairs;
  const yVaM = new Float32Array(K > 0 ? nVal * dy : 0);
  const margScores = new Float32Array(Math.max(K * nVal, KEval * nEval));

  const B = Math.min(cfg.batchSize, nTrain);
  if (B < cfg.batchSize) {
    diagnostics.push({
      code: 'AUTO_CHOICE',
      severity: 'info',
      message: `batchSize ${cfg.batchSize} is more than the ${nTrain} training rows; used batches of ${B}`,
      data: { batchSize: B, trainRows: nTrain },
    });
  }
  const isInfonce = cfg.objective === 'infonce';
  const evalBatch = Math.min(B, nVal);
  // The reported InfoNCE value's blocks (module comment, step 5).
  // An explicit validationBatch is taken as given (clamped to the validation
  // rows; a partial last block is left out, as in the evaluations during
  // training); the separable default splits the rows into equal blocks of at
  // most INFONCE_VALIDATION_BATCH, so none is left out.
  const wideBatch = !isInfonce
    ? 0
    : cfg.validationBatch !== undefined
      ? Math.min(cfg.validationBatch, nVal)
      : cfg.critic === 'separable'
        ? infonceBlockSize(nVal, INFONCE_VALIDATION_BATCH)
        : evalBatch;
  if (isInfonce && cfg.validationBatch !== undefined && cfg.validationBatch > nVal) {
    diagnostics.push({
      code: 'AUTO_CHOICE',
      severity: 'info',
      message: `validationBatch ${cfg.validationBatch} is more than the ${nVal} validation rows; the reported bound scored them in one block`,
      data: { validationBatch: wideBatch, validationRows: nVal },
    });
  }

  let backend = cfg.backend;
  if (backend === 'wasm-fma' && !wasmBackendAvailable('wasm-fma')) {
    backend = 'wasm';
    diagnostics.push({
      code: 'AUTO_CHOICE',
      severity: 'info',
      message:
        "WebAssembly relaxed SIMD is not available here (Node 20 needs --experimental-wasm-relaxed-simd); used the 'wasm' backend (no fused multiply-add: slower, and its rounding differs slightly)",
      data: { backend: 'wasm' },
    });
  }
  if (backend === 'wasm' && !wasmBackendAvailable()) {
    backend = 'js';
    diagnostics.push({
      code: 'AUTO_CHOICE',
      severity: 'info',
      message: "WebAssembly SIMD is not available here; used the 'js' backend (same results, slower)",
      data: { backend: 'js' },
    });
  }
  const criticSpec: CriticSpec = {
    dx,
    dy,
    kind: cfg.critic,
    hidden: [...cfg.hidden],
    embedDim: cfg.embedDim,
    activation: cfg.activation,
    init: defaultInit(cfg.activation),
    seed: rng.nextUint32(),
  };
  const optimizer: OptimizerSpec = { lr: cfg.lr, ...ADAM };
  const objective: ObjectiveSpec = { objective: cfg.objective, emaRate: cfg.emaRate, clip: cfg.clip };
  const batchRng = rng.fork();

  const trainer: CriticTrainer = await createTrainer(backend, criticSpec, optimizer, objective, { capacity: Math.max(B, evalBatch) });
  try {
    // Per-run buffers, reused by every step.
    const bx = new Float32Array(B * dx);
    const by = new Float32Array(B * dy);
    const bym = new Float32Array(B * dy);
    const epoch = rng.permutation(nTrain);
    let pos = 0;
    const pairing = new Uint32Array(B);
    for (let i = 0; i < B; i++) pairing[i] = i;
    const needsMarginalBatch = cfg.critic === 'concat' && !isInfonce;

    const nextBatch = (): void => {
      if (pos + B > nTrain) {
        batchRng.shuffle(epoch);
        pos = 0;
      }
      for (let i = 0; i < B; i++) {
        const r = epoch[pos + i]!;
        for (let c = 0; c < dx; c++) bx[i * dx + c] = xTr[r * dx + c]!;
        for (let c = 0; c < dy; c++) by[i * dy + c] = yTr[r * dy + c]!;
      }
      pos += B;
      if (needsMarginalBatch) {
        shufflePairing(pairing, batchRng, cfg.marginal);
        for (let i = 0; i < B; i++) {
          const src = pairing[i]! * dy;
          for (let c = 0; c < dy; c++) bym[i * dy + c] = by[src + c]!;
        }
      }
    };

    /**
     * The last held-out evaluation's marginal scores (a view of margScores;
     * null for InfoNCE). Their effective sample size is computed only for the
     * evaluations a run may report from (step 0, each new best, the last).
     */
    let lastMarginal: Float32Array | null = null;
    const lastEss = (): number => (lastMarginal ? marginalEffectiveSize(objective, lastMarginal) : NaN);
    /** The held-out bound on the first m validation rows, against `pairs` (k permutations of m). */
    /** InfoNCE: the mean bound of the floor(m / block) consecutive blocks of `block` validation rows. */
    const heldOutInfonce = (m: number, block: number): number => {
      const chunks = Math.floor(m / block);
      let s = 0;
      for (let c = 0; c < chunks; c++) {
        const xs = xVa.subarray(c * block * dx, (c + 1) * block * dx);
        const ys = yVa.subarray(c * block * dy, (c + 1) * block * dy);
        s += trainer.evaluate(xs, ys, ys, block);
      }
      return s / chunks;
    };
    const heldOut = (m: number, pairs: Uint32Array, k: number): number => {
      if (isInfonce) return heldOutInfonce(m, evalBatch);
      const xs = xVa.subarray(0, m * dx);
      const joint = trainer.scores(xs, yVa, m);
      for (let j = 0; j < k; j++) {
        const p = pairs.subarray(j * m, (j + 1) * m);
        for (let i = 0; i < m; i++) yVaM.set(yVa.subarray(p[i]! * dy, p[i]! * dy + dy), i * dy);
        margScores.set(trainer.scores(xs, yVaM, m), j * m);
      }
      lastMarginal = margScores.subarray(0, k * m);
      return pairObjective(objective, joint, lastMarginal);
    };
    const validate = (): number => heldOut(nEval, evalPairs, KEval);
    // With an evaluation subset, or an InfoNCE rescore on other blocks, the
    // critics a run may report from are kept: the untrained one and the one
    // at the best smoothed evaluation.
    const subset = nEval < nVal;
    const rescoreInfonce = isInfonce && wideBatch !== evalBatch;
    const keepCritics = subset || rescoreInfonce;
    const initialParams = keepCritics ? trainer.getParams() : null;
    let bestParams: Float32Array | null = null;

    const trace: TracePoint[] = [];
    let smoothed = NaN;
    const smoothedHistory: number[] = [];
    let best = { smoothed: -Infinity, value: NaN, step: 0 };
    let sinceBest = 0;
    let windowSum = 0;
    let windowCount = 0;
    let lastTrain = NaN;
    let lastValidation = NaN;
    let stepsRun = 0;
    let stoppedEarly = false;
    let diverged: { step: number; where: string } | null = null;
    const tStart = performance.now();

    // The untrained critic's held-out value, kept apart: the smoothed series
    // (early stopping) starts at the first trained evaluation, so a step-0 value
    // far from the rest cannot drag the average for the next evaluations.
    let initial = NaN;
    let initialEss = NaN;
    let bestEss = NaN;
    let halvings = 0;
    const decayAfter = Math.ceil(cfg.patience / 2);
    const record = (step: number, train: number): boolean => {
      const v = validate();
      lastValidation = v;
      if (!Number.isFinite(v)) {
        diverged = { step, where: 'validation bound' };
        return false;
      }
      if (Number.isFinite(train)) trace.push({ step, train, validation: v });
      if (step === 0) {
        initial = v;
        initialEss = lastEss();
        return true;
      }
      smoothed = Number.isNaN(smoothed) ? v : cfg.smoothing * smoothed + (1 - cfg.smoothing) * v;
      smoothedHistory.push(smoothed);
      if (smoothed > best.smoothed) {
        best = { smoothed, value: v, step };
        bestEss = lastEss();
        if (keepCritics) bestParams = trainer.getParams();
        sinceBest = 0;
      } else {
        sinceBest++;
      }
      return true;
    };

    const emit = (step: number, force: boolean): void => {
      if (!onProgress) return;
      const done = progress.offset + step;
      // The last step of the last repeat is reported once, by estimateNeural's
      // final event (with the reported value); emitting it here too would send
      // `done = total` twice whenever the throttle happens to allow it.
      if (done >= progress.total) return;
      const now = performance.now();
      if (!force && now - progress.lastEmit < PROGRESS_MS) return;
      progress.lastEmit = now;
      const elapsed = (now - progress.t0) / 1000;
      // Steps per second actually trained (an early-stopped repeat's unused budget is not work).
      const rate = elapsed > 0 ? (progress.trainedBefore + step) / elapsed : 0;
      const values: Record<string, number> = {};
      if (Number.isFinite(lastTrain)) values['train'] = lastTrain;
      if (Number.isFinite(lastValidation)) values['validation'] = lastValidation;
      if (Number.isFinite(best.value)) values['best'] = best.value;
      onProgress({
        done,
        total: progress.total,
        unit: 'steps',
        values,
        rate,
        etaSeconds: rate > 0 ? (progress.total - done) / rate : 0,
      });
    };

    // Step 0: the untrained critic. Its held-out value is a valid lower bound for
    // mine, dv, nwj and infonce, so it stays a candidate for the reported value
    // there; SMILE's clipped estimate is not a bound (a random critic with joint
    // scores high and marginal ones below −τ reads E_P[T] + τ: a [512] separable
    // critic under the former, unscaled init read 7.5 nats on a 2-nat task), so
    // SMILE reports a trained critic.
    nextBatch();
    const train0 = isInfonce || cfg.critic === 'separable' ? trainer.evaluate(bx, by, by, B) : trainer.evaluate(bx, by, bym, B);
    lastTrain = train0;
    pos -= B; // the first step trains on this same batch
    if (record(0, train0)) {
      for (let step = 1; step <= cfg.steps; step++) {
        throwIfAborted(signal);
        if (cooperative && performance.now() - progress.lastYield > YIELD_MS) {
          await yieldToEventLoop();
          progress.lastYield = performance.now();
          throwIfAborted(signal);
        }
        nextBatch();
        const value = trainer.step(bx, by, bym, B);
        stepsRun = step;
        if (!Number.isFinite(value)) {
          diverged = { step, where: 'training bound' };
          break;
        }
        windowSum += value;
        windowCount++;
        if (step % cfg.evalEvery === 0 || step === cfg.steps) {
          lastTrain = windowSum / windowCount;
          windowSum = 0;
          windowCount = 0;
          if (!record(step, lastTrain)) break;
          emit(step, false);
          // Plateau: halve lr (up to lrDecay times) after ⌈patience/2⌉ evaluations
          // without a new best, and give early stopping a fresh count.
          if (halvings < cfg.lrDecay && sinceBest >= decayAfter) {
            halvings++;
            trainer.setLearningRate(cfg.lr / 2 ** halvings);
            sinceBest = 0;
          }
          if (cfg.earlyStop && halvings >= cfg.lrDecay && sinceBest >= cfg.patience) {
            stoppedEarly = true;
            break;
          }
        }
      }
    }
    const seconds = (performance.now() - tStart) / 1000;

    const chosen = reportedValue({
      objective: cfg.objective,
      earlyStop: cfg.earlyStop,
      diverged: diverged !== null,
      stepsRun,
      initial,
      best,
      lastValidation,
    });
    const { bestStep, neverImproved, initialIsBound } = chosen;
    let value = chosen.value;
    if (keepCritics && Number.isFinite(value)) {
      // The chosen critic on every validation row (and the full set's
      // pairings; InfoNCE: on the reported value's blocks).
      const params = bestStep === 0 ? initialParams : bestStep === best.step ? bestParams : null;
      if (params) trainer.setParams(params);
      const full = isInfonce ? heldOutInfonce(nVal, wideBatch) : heldOut(nVal, valPairs, K);
      if (Number.isFinite(full)) value = full;
    }
    // ESS of the reported critic's marginal term (margScores holds the last
    // evaluation's scores, or the full rescore's).
    const ess = subset || bestStep === stepsRun ? lastEss() : bestStep === 0 ? initialEss : bestEss;
    const trainBound = lastTrain;
    if (!Number.isFinite(value)) {
      // Not even the untrained critic gave a finite bound: nothing honest to report.
      throw new MineError('UNSUPPORTED_DATA', `${cfg.objective}: the bound is not finite even before training (scores overflow); the data's scale is likely extreme`, {
        hint: "use preprocess: 'gaussianize' or 'standardize', or rescale the columns",
      });
    }

    if (diverged !== null) {
      const d = diverged as { step: number; where: string };
      diagnostics.push({
        code: 'DIVERGED',
        severity: 'warning',
        message: `training diverged at step ${d.step} (the ${d.where} became ${Number.isNaN(lastValidation) ? 'NaN' : 'non-finite'}); reporting the best validation bound before it (step ${bestStep}). Try a smaller lr, or preprocess: 'gaussianize'`,
        data: { step: d.step, bestStep },
      });
    } else {
      // NOT_CONVERGED: steps ran out while the smoothed validation bound was still
      // rising: its maximum over the last quarter of the evaluations beats the maximum
      // before by a margin above evaluation noise (maxima, not endpoints, so one noisy
      // dip or spike does not decide).
      const k = smoothedHistory.length;
      if (neverImproved) {
        // Nothing training did beat the untrained critic on held-out rows: the
        // value is a valid bound but says nothing about the data (an exploding
        // NWJ/DV critic ends here, with a hugely negative bound).
        const which = initialIsBound
          ? "the value is the untrained critic's and is likely far too low"
          : `the untrained critic's clipped estimate (${initial.toFixed(3)}) is not a bound and is not reported; the value is the best trained critic's`;
        diagnostics.push({
          code: 'NOT_CONVERGED',
          severity: 'warning',
          message: `training never improved the held-out bound over the untrained critic (${stepsRun} steps); ${which}: try a smaller lr, another objective (smile) or a concat critic`,
          data: { steps: stepsRun, bestStep, initial },
        });
      } else if (!stoppedEarly && k >= 5) {
        const cut = Math.floor(0.75 * k);
        const before = Math.max(...smoothedHistory.slice(0, cut));
        const recent = Math.max(...smoothedHistory.slice(cut));
        const rise = recent - before;
        const noticeable = Math.max(0.02, 0.03 * Math.abs(recent));
        if (rise > noticeable) {
          diagnostics.push({
            code: 'NOT_CONVERGED',
            severity: 'warning',
            message: `the validation bound was still rising when the ${cfg.steps} steps ran out (+${rise.toFixed(3)} nats in the last quarter of training); the estimate is likely low: raise steps (or lr)`,
            data: { rise, steps: cfg.steps },
          });
        }
      }
      // OVERFITTING: the critic scores its training batches far above held-out
      // data (by max(0.1 nats, 25%)). Judged at the reported step: a gap that
      // opens only after it (training goes on past the best point while the
      // learning rate decays and patience runs out) does not touch the reported
      // value. Except when the best point is the first trained evaluation and
      // the gap opens after it: the critic overfits from the start, and the
      // value comes from a barely trained one (a separable InfoNCE critic on
      // 8,000 rows of 20×20 data peaks at step 50, then only memorises).
      const far = (train: number, validation: number): boolean =>
        train - validation > Math.max(0.1, 0.25 * Math.max(Math.abs(train), Math.abs(validation)));
      const at = trace.find((p) => p.step === bestStep);
      const trainAt = at ? at.train : trainBound;
      const validationAt = at ? at.validation! : lastValidation;
      const firstTrained = trace.find((p) => p.step > 0)?.step;
      if (far(trainAt, validationAt)) {
        diagnostics.push({
          code: 'OVERFITTING',
          severity: 'warning',
          message: `at step ${bestStep}, where the reported value comes from, the bound on training batches (${trainAt.toFixed(3)}) is far above the held-out bound (${validationAt.toFixed(3)}): the critic overfits, so the held-out value is likely low. More data, a smaller critic or fewer steps help`,
          data: { train: trainAt, validation: validationAt, step: bestStep },
        });
      } else if (bestStep === firstTrained && bestStep < stepsRun && far(trainBound, lastValidation)) {
        diagnostics.push({
          code: 'OVERFITTING',
          severity: 'warning',
          message: `the held-out bound peaked at the first evaluation (step ${bestStep}) and training only overfitted after it (at the end: ${trainBound.toFixed(3)} on training batches, ${lastValidation.toFixed(3)} held out): the value comes from a barely trained critic and is likely low. A smaller lr or critic, or more data, help`,
          data: { train: trainBound, validation: lastValidation, step: bestStep },
        });
      }
    }
    if ((cfg.objective === 'dv' || cfg.objective === 'mine' || cfg.objective === 'nwj') && ess < MIN_MARGINAL_ESS) {
      const pairs = K * nVal;
      diagnostics.push({
        code: 'FEW_EFFECTIVE_PAIRS',
        severity: 'warning',
        message: `the held-out marginal term rests on about ${Math.max(1, Math.round(ess))} of its ${pairs} marginal pairs (effective sample size): ${cfg.objective} estimates are unreliable here, typically far below the truth when the MI is high (their variance grows like e^MI / pairs); smile is built for this regime, or use more rows`,
        data: { effectiveSize: ess, pairs },
      });
    }
    if (isInfonce && Number.isFinite(value)) {
      const ceiling = boundCeiling('infonce', wideBatch);
      if (value >= 0.9 * ceiling) {
        diagnostics.push({
          code: 'NEAR_CEILING',
          severity: 'warning',
          message: `InfoNCE cannot exceed log(validationBatch) = log ${wideBatch} = ${ceiling.toFixed(3)} nats and the estimate (${value.toFixed(3)}) is within 10% of it: the true MI may be higher; use a larger batchSize and validationBatch (a separable critic), more rows, or smile`,
          data: { ceiling, validationBatch: wideBatch },
        });
      }
    }
    return {
      value,
      bestStep,
      stepsRun,
      trainBound,
      finalValidation: lastValidation,
      trace,
      diagnostics,
      batchSize: B,
      trainRows: nTrain,
      validationRows: nVal,
      evaluationRows: nEval,
      validationShuffles: K,
      marginalEss: ess,
      validationBatch: wideBatch,
      stepsPerSecond: seconds > 0 ? stepsRun / seconds : 0,
      backend,
    };
  } finally {
    trainer.dispose();
  }
}

/** The last progress event's values: the reported (held-out) value and the mean last training-batch bound over repeats, when finite. */
function finalValues(value: number, runs: readonly TrainingRun[]): Record<string, number> {
  const values: Record<string, number> = {};
  if (Number.isFinite(value)) values['validation'] = value;
  const train = runs.reduce((s, r) => s + r.trainBound, 0) / runs.length;
  if (Number.isFinite(train)) values['train'] = train;
  return values;
}

/** The `t-over-repeats` interval: mean ± t_{(1+level)/2, r−1} · sd/√r (sd with r − 1 in the denominator). */
export function tInterval(values: readonly number[], level: number): ConfidenceInterval & { mean: number; sd: number } {
  const r = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / r;
  const sd = r > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (r - 1)) : 0;
  const half = r > 1 ? studentTQuantile((1 + level) / 2, r - 1) * (sd / Math.sqrt(r)) : 0;
  return { lower: mean - half, upper: mean + half, level, method: 't-over-repeats', mean, sd };
}

/**
 * The whole protocol (module comment): repeats × (split, standardize, train,
 * validate, early-stop), merged into a RawEstimate with the trace of the first
 * repeat, diagnostics of all repeats (one per code), and details.
 */
export async function estimateNeural(x: Variable, y: Variable, cfg: NeuralConfig, options: EstimateOptions): Promise<RawEstimate> {
  throwIfAborted(options.signal);
  const order = canonicalOrder(x, y);
  const now = performance.now();
  const progress: ProgressState = { options, total: cfg.steps * cfg.repeats, offset: 0, trainedBefore: 0, t0: now, lastEmit: -Infinity, lastYield: now };
  const runs: TrainingRun[] = [];
  for (let r = 0; r < cfg.repeats; r++) {
    progress.offset = r * cfg.steps;
    const run = await trainOnce(x, y, order, cfg, (cfg.seed + r) % 4294967296, progress);
    progress.trainedBefore += run.stepsRun;
    runs.push(run);
  }
  throwIfAborted(options.signal);
  const first = runs[0]!;
  const values = runs.map((r) => r.value);

  // Diagnostics: one per code; with repeats, say in how many runs it occurred.
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, { d: Diagnostic; count: number }>();
  for (const run of runs) {
    for (const d of run.diagnostics) {
      const e = seen.get(d.code);
      if (e) e.count++;
      else seen.set(d.code, { d: { ...d, data: { ...d.data } }, count: 1 });
    }
  }
  for (const { d, count } of seen.values()) {
    if (cfg.repeats > 1) {
      d.message = `${d.message} (in ${count} of ${cfg.repeats} repeats; numbers from the first)`;
      d.data = { ...d.data, repeats: count };
    }
    diagnostics.push(d);
  }

  const details: Record<string, number> = {
    bestStep: first.bestStep,
    steps: first.stepsRun,
    trainBound: first.trainBound,
    validationBound: first.finalValidation,
    batchSize: first.batchSize,
    trainRows: first.trainRows,
    validationRows: first.validationRows,
    parameters: paramCount({
      dx: x.d,
      dy: y.d,
      kind: cfg.critic,
      hidden: cfg.hidden,
      embedDim: cfg.embedDim,
      activation: cfg.activation,
      init: defaultInit(cfg.activation),
      seed: 0,
    }),
  };
  // Timings (steps/s) stay out of `details` so that the same seed gives an identical result
  // apart from `seconds`; throughput is reported by onProgress's `rate`.
  for (const k of Object.keys(details)) if (!Number.isFinite(details[k])) delete details[k];
  if (first.validationShuffles > 0) details['validationShuffles'] = first.validationShuffles;
  if (Number.isFinite(first.marginalEss)) details['marginalEss'] = first.marginalEss;
  if (first.evaluationRows < first.validationRows) details['evaluationRows'] = first.evaluationRows;
  if (cfg.objective === 'infonce') {
    details['validationBatch'] = first.validationBatch;
    details['ceiling'] = boundCeiling('infonce', first.validationBatch);
  }

  const out: RawEstimate = { value: values[0]!, diagnostics, trace: first.trace, details };
  if (cfg.repeats > 1) {
    const ci = tInterval(values, cfg.ciLevel);
    out.value = ci.mean;
    out.ci = { lower: ci.lower, upper: ci.upper, level: ci.level, method: ci.method };
    values.forEach((v, i) => {
      if (Number.isFinite(v)) details[`repeat${i}`] = v;
    });
    if (Number.isFinite(ci.sd)) details['sd'] = ci.sd;
  }
  if (options.onProgress) {
    const elapsed = (performance.now() - progress.t0) / 1000;
    const done = runs.reduce((s, r) => s + r.stepsRun, 0);
    options.onProgress({
      done: progress.total,
      total: progress.total,
      unit: 'steps',
      values: finalValues(out.value, runs),
      rate: elapsed > 0 ? done / elapsed : 0,
      etaSeconds: 0,
    });
  }
  return out;
}

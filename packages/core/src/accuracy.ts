/**
 * The accuracy suite: every estimator that takes continuous X and Y, on
 * samplers whose MI is known in closed form. One definition serves
 * `pnpm bench:accuracy` (bench/accuracy.mjs), `mine bench` and anyone who wants
 * to check a new estimator against the same cells.
 *
 * Tasks (truth in nats): Gaussian pairs at ρ = 0.5 and 0.9; a 5×5 Gaussian at
 * 2 nats; 20×20 Gaussians at 2, 6 and 10 nats (bmi's "sparse" paired
 * correlations, Czyż et al. 2023); the coordinate-wise cubic of the 20×20 at 2
 * and 6 nats (same MI, since MI is invariant under invertible maps of each
 * side, but non-Gaussian marginals); a 2×2 Student-t (ν = 3, Gaussian part
 * 1 nat); X ~ U(0,1), Y = X + U(−0.1, 0.1); independent 3×3 Gaussians.
 */
import { throwIfAborted } from './errors.js';
import type { EstimateOptions, Sampler } from './interface.js';
import { estimate, listEstimators } from './registry.js';
import { Rng } from './rng.js';
import {
  additiveUniformNoise,
  bivariateGaussian,
  cubic,
  gaussianWithMi,
  independentGaussian,
  studentT,
  transformed,
} from './samplers/index.js';

/** One task of the suite. */
export interface AccuracyTask {
  /** The sampler's name, e.g. `gaussian-20x20-mi6`. */
  name: string;
  sampler: Sampler;
  /** True I(X;Y), nats. */
  truth: number;
  /** dim X + dim Y. */
  dims: number;
  /** Part of the quick suite (`--quick`). */
  quick: boolean;
}

/** Neural estimators: they get the training budget of `accuracyParams`. */
export const NEURAL_ESTIMATORS: readonly string[] = ['mine', 'dv', 'nwj', 'infonce', 'smile'];

/**
 * The tasks, in table order.
 * @param options.quick only the quick subset (7 tasks, every kind of case once).
 * @param options.names only these sampler names (after `quick`).
 */
export function accuracyTasks(options: { quick?: boolean; names?: readonly string[] } = {}): AccuracyTask[] {
  const all: Array<[Sampler, boolean]> = [
    [bivariateGaussian(0.5), true],
    [bivariateGaussian(0.9), true],
    [gaussianWithMi({ dimX: 5, dimY: 5, mi: 2 }), true],
    [gaussianWithMi({ dimX: 20, dimY: 20, mi: 2 }), false],
    [gaussianWithMi({ dimX: 20, dimY: 20, mi: 6 }), true],
    [gaussianWithMi({ dimX: 20, dimY: 20, mi: 10 }), false],
    [transformed(gaussianWithMi({ dimX: 20, dimY: 20, mi: 2 }), cubic, 'cubic'), false],
    [transformed(gaussianWithMi({ dimX: 20, dimY: 20, mi: 6 }), cubic, 'cubic'), true],
    [studentT({ dimX: 2, dimY: 2, dof: 3, gaussianMi: 1 }), false],
    [additiveUniformNoise(0.1), true],
    [independentGaussian(3, 3), true],
  ];
  return all
    .map(([sampler, quick]) => ({
      name: sampler.name,
      sampler,
      truth: sampler.mutualInformation(),
      dims: sampler.dimX + sampler.dimY,
      quick,
    }))
    .filter((t) => (options.quick ? t.quick : true) && (!options.names || options.names.includes(t.name)));
}

/**
 * Estimators the suite runs: those registered whose capabilities accept
 * continuous data on both sides, minus `mixed` (it needs one discrete side;
 * it lists both kinds only because either side may be the discrete one).
 */
export function accuracyEstimators(): string[] {
  return listEstimators()
    .filter((e) => e.capabilities.x.includes('continuous') && e.capabilities.y.includes('continuous') && e.id !== 'mixed')
    .map((e) => e.id);
}

/**
 * Parameters the suite passes to an estimator on a task of `dims` input
 * dimensions. Neural: at most `steps` (default 3000) Adam steps at the
 * estimator's default lr (1e-3), batch 256, early stopping on the held-out bound, the default 'gaussianize'
 * preprocessing; a [100, 100] MLP below 20 input dimensions and one wide
 * layer [512] from 20 on (on the 20×20 Gaussians at 2 nats, smile, 8,000
 * training rows, seed 1: [512] 1.67, [256, 256] 1.52–1.64 over settings,
 * [64, 64] 1.39, [16, 8] at lr 1e-2 0.52; over 3 seeds [512] gives 1.84, see
 * bench/accuracy-results.md); backend wasm. Others: their defaults.
 */
export function accuracyParams(estimator: string, dims: number, options: { steps?: number } = {}): Record<string, unknown> {
  if (!NEURAL_ESTIMATORS.includes(estimator)) return {};
  return {
    steps: options.steps ?? 3000,
    batchSize: 256,
    hidden: dims >= 20 ? [512] : [100, 100],
    backend: 'wasm',
  };
}

/** The pass rule: |mean − truth| ≤ max(0.1 nats, 10% of truth). A bound above the truth fails too. */
export function accuracyPass(mean: number, truth: number): boolean {
  return Number.isFinite(mean) && Math.abs(mean - truth) <= Math.max(0.1, 0.1 * truth);
}

/** One (task, estimator) cell over all seeds. */
export interface AccuracyRow {
  task: string;
  /** nats */
  truth: number;
  estimator: string;
  /** One estimate per seed that finished, nats. */
  values: number[];
  /** Mean of `values` (NaN when none finished), nats. */
  mean: number;
  /** Sample standard deviation over seeds (NaN below 2 values), nats. */
  sd: number;
  /** Every seed finished and `accuracyPass(mean, truth)`. */
  pass: boolean;
  /** Mean seconds per run. */
  seconds: number;
  /** Warning diagnostics, `auto`'s choice (`→ ksg`), or `error: CODE message` for a run that threw. */
  notes: string[];
}

/** Options of `runAccuracyCell`. */
export interface AccuracyCellOptions extends EstimateOptions {
  /** Rows per draw. @default 10000 */
  n?: number;
  /** Seeds 1..seeds; each draws new data and seeds the estimator. @default 3 */
  seeds?: number;
  /** Step budget of the neural estimators. @default 3000 */
  steps?: number;
}

/**
 * Runs one cell: for seed s = 1..seeds, draws n rows from the task's sampler
 * with `Rng(1000·s + taskIndex)` (so the data depend only on task and seed,
 * never on the estimator) and estimates with `seed: s`.
 *
 * @param taskIndex position of the task in the full `accuracyTasks()` list; it
 *   seeds the data, so a cell reproduces whatever subset is run.
 */
export async function runAccuracyCell(
  task: AccuracyTask,
  taskIndex: number,
  estimator: string,
  options: AccuracyCellOptions = {},
): Promise<AccuracyRow> {
  const n = options.n ?? 10_000;
  const seeds = options.seeds ?? 3;
  const values: number[] = [];
  const seconds: number[] = [];
  const notes = new Set<string>();
  for (let s = 1; s <= seeds; s++) {
    throwIfAborted(options.signal);
    const { x, y } = task.sampler.sample(n, new Rng(1000 * s + taskIndex));
    const config = { estimator, seed: s, ...accuracyParams(estimator, task.dims, options.steps === undefined ? {} : { steps: options.steps }) };
    try {
      const runOptions: EstimateOptions = {};
      if (options.signal) runOptions.signal = options.signal;
      if (options.onProgress) runOptions.onProgress = options.onProgress;
      const r = await estimate(x, y, config, runOptions);
      values.push(r.value);
      seconds.push(r.seconds);
      for (const d of r.diagnostics) {
        if (d.code === 'AUTO_CHOICE') notes.add(`→ ${String(d.data?.['chosen'] ?? '?')}`);
        else if (d.severity !== 'info') notes.add(d.code);
      }
    } catch (e) {
      const err = e as { code?: string; message?: string };
      // An abort ends the whole cell; any other failure is a result of the cell.
      if (err.code === 'ABORTED') throw e;
      notes.add(`error: ${err.code ?? ''} ${err.message ?? String(e)}`.slice(0, 80));
    }
  }
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : NaN;
  return {
    task: task.name,
    truth: task.truth,
    estimator,
    values,
    mean,
    sd,
    pass: values.length === seeds && accuracyPass(mean, task.truth),
    seconds: seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : NaN,
    notes: [...notes],
  };
}

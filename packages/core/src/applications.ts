import type { Dataset } from './data/dataset.js';
import { MineError, throwIfAborted } from './errors.js';
import type { EstimateOptions, EstimateResult, VariableInput } from './interface.js';
import { estimate, type EstimateConfig } from './registry.js';
import { Rng } from './rng.js';
import { takeRows, toVariable } from './variable.js';

/** Options of `permutationTest`. */
export interface PermutationTestOptions extends EstimateOptions {
  /**
   * Number of shuffles of Y. The smallest attainable p-value is 1/(B+1).
   * @default 199
   */
  permutations?: number;
  /** Seed of the shuffles (independent of the estimator's own `seed`). @default 0 */
  seed?: number;
}

/**
 * Tests H0: X and Y independent, by comparing the estimate with its
 * distribution over B random re-pairings (Y's rows shuffled, X fixed).
 *
 * p = (1 + #{b : I_b ≥ I_obs}) / (B + 1), the exact-size permutation p-value
 * that is never 0 (Phipson & Smyth 2010, Stat. Appl. Genet. Mol. Biol. 9(1)).
 *
 * Returns the observed estimate with `pValue` set and the null distribution's
 * mean and sd in `details` (`nullMean`, `nullSd`, `permutations`): the null
 * mean is the estimator's bias at this n, a useful correction in itself.
 */
export async function permutationTest(
  x: VariableInput,
  y: VariableInput,
  config: EstimateConfig = {},
  options: PermutationTestOptions = {},
): Promise<EstimateResult> {
  const B = options.permutations ?? 199;
  if (!Number.isInteger(B) || B < 1) {
    throw new MineError('INVALID_PARAMS', `permutations must be a positive integer, got ${B}`, { field: 'permutations' });
  }
  const { signal, onProgress } = options;
  const runtime: EstimateOptions = signal ? { signal } : {};
  const xv = toVariable(x, 'x');
  const yv = toVariable(y, 'y');
  const t0 = performance.now();
  const observed = await estimate(xv, yv, config, runtime);
  const rng = new Rng(options.seed ?? 0);
  let atLeast = 0;
  let sum = 0;
  let sum2 = 0;
  for (let b = 0; b < B; b++) {
    throwIfAborted(signal);
    const r = await estimate(xv, takeRows(yv, rng.permutation(yv.n)), config, runtime);
    if (r.value >= observed.value) atLeast++;
    sum += r.value;
    sum2 += r.value * r.value;
    onProgress?.({ done: b + 1, total: B, unit: 'permutations' });
  }
  const nullMean = sum / B;
  const nullSd = B > 1 ? Math.sqrt(Math.max(0, (sum2 - B * nullMean * nullMean) / (B - 1))) : 0;
  return {
    ...observed,
    pValue: (1 + atLeast) / (B + 1),
    seconds: (performance.now() - t0) / 1000,
    details: { ...observed.details, permutations: B, nullMean, nullSd },
  };
}

/** One row of `rankFeatures`: a feature and its estimate of I(feature; target). */
export interface FeatureScore {
  feature: string;
  result: EstimateResult;
}

/**
 * The columns `rankFeatures` would use: the one target column and the
 * features (the selection, or every other column), target excluded. Frontends
 * that run the features themselves (in worker threads, in jobs) call it to
 * resolve and check the same selection.
 *
 * @throws MineError INVALID_INPUT if `target` does not select exactly one
 *   column, EMPTY_SELECTION if no feature remains, or the selection's own
 *   error (unknown column, glob matching nothing).
 */
export function selectRanking(
  ds: Dataset,
  target: string,
  features?: string | readonly string[],
): { target: string; features: string[] } {
  const sel = ds.select(target);
  const [targetName] = sel;
  if (targetName === undefined || sel.length !== 1) {
    throw new MineError('INVALID_INPUT', `the target must be exactly one column, '${target}' selects ${sel.length}`, {
      field: 'target',
    });
  }
  const names = (features === undefined ? [...ds.names] : ds.select(features)).filter((f) => f !== targetName);
  if (names.length === 0) throw new MineError('EMPTY_SELECTION', 'no feature columns to rank besides the target');
  return { target: targetName, features: names };
}

/**
 * Estimates I(feature; target) for each feature column and sorts them, most
 * informative first (ties keep the dataset's column order).
 *
 * @param features column selection (comma list/globs); default every column but the target.
 * @param config estimator id and parameters, as for `estimate`.
 */
export async function rankFeatures(
  ds: Dataset,
  target: string,
  features: string | readonly string[] | undefined,
  config: EstimateConfig = {},
  options: EstimateOptions = {},
): Promise<FeatureScore[]> {
  const { target: targetName, features: names } = selectRanking(ds, target, features);
  const y = ds.variable([targetName]);
  const out: FeatureScore[] = [];
  for (const [i, feature] of names.entries()) {
    throwIfAborted(options.signal);
    const result = await estimate(ds.variable([feature]), y, config, options.signal ? { signal: options.signal } : {});
    out.push({ feature, result });
    options.onProgress?.({ done: i + 1, total: names.length, unit: 'features' });
  }
  return out.sort((a, b) => b.result.value - a.result.value);
}

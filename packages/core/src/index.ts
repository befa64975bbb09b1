/**
 * @mine/core: mutual-information estimators, data ingestion and a seeded RNG.
 * Pure TypeScript; runs in Node and in browsers.
 *
 * ```ts
 * import { Dataset, selectXY, estimate } from '@mine/core';
 * const ds = Dataset.parse(csvText);
 * const { x, y } = selectXY(ds, 'x*', 'target');
 * const r = await estimate(x, y, { estimator: 'ksg', k: 3, seed: 1 });
 * console.log(r.value, r.units, r.diagnostics);
 * ```
 */
import { BUILTIN_ESTIMATORS } from './estimators/index.js';
import { registerEstimator } from './registry.js';

for (const def of BUILTIN_ESTIMATORS) registerEstimator(def);

export type * from './interface.js';
export { MineError, isMineError, type MineErrorCode, type ErrorLocation } from './errors.js';
export { Rng } from './rng.js';
export { commonParams, type CommonParams } from './params.js';
export {
  estimate,
  runEstimator,
  validateEstimate,
  registerEstimator,
  getEstimator,
  listEstimators,
  toUnits,
  type EstimateConfig,
  type EstimatorDefinition,
  type RawEstimate,
  type RunContext,
} from './registry.js';
export { toVariable, standardize, column, fromColumns, hstack, takeRows } from './variable.js';
export * from './estimators/index.js';
export { ksgParams } from './estimators/ksg.js';
export { mixedParams } from './estimators/mixed.js';
export { gaussianParams } from './estimators/gaussian.js';
export { copulaParams } from './estimators/copula.js';
export {
  discreteParams,
  entropy,
  jointEntropy,
  conditionalEntropy,
  entropies,
  encodeSymbols,
  mutualInformationFromCodes,
} from './estimators/discrete.js';
export {
  nmiParams,
  amiParams,
  normalizedMutualInformation,
  adjustedMutualInformation,
  expectedMutualInformation,
} from './estimators/labels.js';
export {
  Dataset,
  selectXY,
  DESCRIBE_DISTINCT_CAP,
  type Column,
  type ColumnInput,
  type ColumnSummary,
  type PreviewCell,
  type ParseOptions,
} from './data/dataset.js';
export * as samplers from './samplers/index.js';
export { digamma, lgamma, normalQuantile, normalCdf } from './math/special.js';
export {
  permutationTest,
  rankFeatures,
  selectRanking,
  type PermutationTestOptions,
  type FeatureScore,
} from './applications.js';
export { estimateResultSchema, diagnosticSchema } from './result-schema.js';
export {
  accuracyTasks,
  accuracyEstimators,
  accuracyParams,
  accuracyPass,
  runAccuracyCell,
  NEURAL_ESTIMATORS,
  type AccuracyTask,
  type AccuracyRow,
  type AccuracyCellOptions,
} from './accuracy.js';
export {
  mineParams,
  dvParams,
  nwjParams,
  infonceParams,
  smileParams,
  autoParams,
  neuralParamsSchema,
  autoChoice,
  AUTO_KSG_MAX_DIMS,
  type NeuralParams,
} from './neural/estimators.js';
export { createTrainer, wasmBackendAvailable, type CreateTrainerOptions } from './neural/backends.js';
export { initParams, paramShapes, paramCount, criticLayout, type ParamShape } from './neural/critic.js';
export { pairObjective, matrixObjective, boundCeiling } from './neural/objectives.js';
export { studentTQuantile, studentTCdf } from './neural/student-t.js';
export type * from './neural/types.js';
export { configureTfjs, type TfjsConfig, type TfjsWasmPaths } from './neural/backends/tfjs.js';

import type { EstimatorDefinition } from '../registry.js';
import { copulaEstimator } from './copula.js';
import { discreteEstimator } from './discrete.js';
import { gaussianEstimator } from './gaussian.js';
import { ksgEstimator } from './ksg.js';
import { amiEstimator, nmiEstimator } from './labels.js';
import { mixedEstimator } from './mixed.js';
import {
  autoEstimator,
  dvEstimator,
  infonceEstimator,
  mineEstimator,
  nwjEstimator,
  smileEstimator,
} from '../neural/estimators.js';

/** The estimators @mine/core registers on import, in catalogue order. */
export const BUILTIN_ESTIMATORS: readonly EstimatorDefinition[] = [
  ksgEstimator,
  gaussianEstimator,
  copulaEstimator,
  discreteEstimator,
  nmiEstimator,
  amiEstimator,
  mixedEstimator,
  mineEstimator,
  dvEstimator,
  nwjEstimator,
  infonceEstimator,
  smileEstimator,
  autoEstimator,
] as unknown as readonly EstimatorDefinition[];

export { copulaEstimator, discreteEstimator, gaussianEstimator, ksgEstimator, amiEstimator, nmiEstimator, mixedEstimator };
export { mineEstimator, dvEstimator, nwjEstimator, infonceEstimator, smileEstimator, autoEstimator };

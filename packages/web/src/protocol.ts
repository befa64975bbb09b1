/**
 * Messages between the page and the estimation worker. Everything is
 * structured-clone safe (plain objects, strings, numbers): results are
 * core's JSON-safe EstimateResult, errors are UserErrors.
 */
import type { EstimateResult, ProgressEvent } from '@mine/core';
import type { UserError } from './errors.js';
import type { TableFormat } from './load.js';

/** Estimator id plus its validated-by-the-form parameters, as `estimate()` takes them. */
export type RunConfig = { estimator: string } & Record<string, unknown>;

/** The table as text: the worker parses it with the same core code as the page (cheap next to estimating). */
interface TableSource {
  text: string;
  format: TableFormat;
}

/** Estimate I(X;Y) for the chosen columns. */
export interface EstimateRequest extends TableSource {
  type: 'estimate';
  id: number;
  x: string[];
  y: string[];
  config: RunConfig;
}

/** Rank features by I(feature; target) with core's `rankFeatures`. */
export interface RankRequest extends TableSource {
  type: 'rank';
  id: number;
  target: string;
  features: string[];
  config: RunConfig;
}

/** Page → worker. `cancel` aborts the run `id` through its AbortController. */
export type ToWorker = EstimateRequest | RankRequest | { type: 'cancel'; id: number };

/** One ranked feature (core's FeatureScore). */
export interface RankedFeature {
  feature: string;
  result: EstimateResult;
}

/** Worker → page. Exactly one of result / ranking / error / cancelled ends a run. */
export type FromWorker =
  | { type: 'progress'; id: number; event: ProgressEvent }
  | { type: 'result'; id: number; result: EstimateResult }
  | { type: 'ranking'; id: number; ranking: RankedFeature[] }
  | { type: 'error'; id: number; error: UserError }
  | { type: 'cancelled'; id: number };

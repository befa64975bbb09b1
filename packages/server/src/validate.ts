/**
 * Submission-time checks: everything that can be wrong with a request is
 * found here, in the HTTP thread, before a job is queued, so a client gets
 * `400` naming the field instead of a job that fails later. All checks are
 * core's own (Dataset parsing, selections, the estimator's zod schema, its
 * data checks); nothing here knows an estimator's rules.
 */
import {
  Dataset,
  MineError,
  getEstimator,
  isMineError,
  validateEstimate,
  type EstimateConfig,
  type EstimatorDefinition,
  type Variable,
} from '@mine/core';
import { ApiError, InputError } from './errors.js';
import type { EstimateRequest, RankingRequest } from './schemas.js';

/** The data of a request as it is stored and sent to a worker (the body's `data`, unchanged). */
export type DataInput = EstimateRequest['data'];

/**
 * A validated job request, as stored in the jobs table and handed to a
 * worker. Selections are resolved to column names, and `config` is the
 * estimator id plus the raw params (the worker's `estimate` parses them again,
 * with the same schema, so defaults are filled in by core).
 */
export type JobRequest =
  | { type: 'estimate'; data: DataInput; x: string[]; y: string[]; config: EstimateConfig }
  | { type: 'ranking'; data: DataInput; target: string; features: string[]; config: EstimateConfig };

/** Size limits applied after parsing. */
export interface DataLimits {
  maxRows: number;
  maxCells: number;
}

/**
 * Builds core's Dataset from a request's `data`: CSV/TSV text, records, or
 * `{columns}`. Used by the HTTP thread (to validate) and by workers (to run).
 */
export function buildDataset(data: DataInput): Dataset {
  if (typeof data === 'string') return Dataset.parse(data);
  if (Array.isArray(data)) return Dataset.fromRecords(data);
  return Dataset.fromColumns(data.columns);
}

function parseData(data: DataInput, limits: DataLimits): Dataset {
  let ds: Dataset;
  try {
    ds = buildDataset(data);
  } catch (e) {
    throw new InputError(e, 'data');
  }
  if (ds.nRows > limits.maxRows) {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `data has ${ds.nRows} rows; this service accepts at most ${limits.maxRows}`, {
      field: 'data',
    });
  }
  const cells = ds.nRows * ds.names.length;
  if (cells > limits.maxCells) {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `data has ${cells} cells; this service accepts at most ${limits.maxCells}`, {
      field: 'data',
    });
  }
  return ds;
}

function select(ds: Dataset, sel: string | readonly string[], field: string): string[] {
  try {
    const names = ds.select(sel);
    if (names.length === 0) throw new MineError('EMPTY_SELECTION', `no columns selected for ${field}`);
    return names;
  } catch (e) {
    throw new InputError(e, field);
  }
}

function variable(ds: Dataset, names: readonly string[]): Variable {
  try {
    return ds.variable(names);
  } catch (e) {
    throw new InputError(e, 'data');
  }
}

function resolveEstimator(id: string | undefined): EstimatorDefinition {
  try {
    return getEstimator(id ?? 'ksg');
  } catch (e) {
    throw new InputError(e, 'estimator');
  }
}

/** The estimator's params: the body's `params` with `units` folded in. */
function paramsOf(body: { params?: Record<string, unknown> | undefined; units?: 'nats' | 'bits' | undefined }): Record<string, unknown> {
  const params = { ...(body.params ?? {}) };
  if (body.units !== undefined) params['units'] = body.units;
  return params;
}

/**
 * Core's own validation of one estimation (params schema, paired lengths,
 * dimensions, minimum rows, finite and non-constant columns, the estimator's
 * cross-field check), without estimating, so bad input is a 400 and never a
 * queued job that fails.
 */
function dryRun(def: EstimatorDefinition, x: Variable, y: Variable, params: Record<string, unknown>): void {
  try {
    validateEstimate(def, x, y, params);
  } catch (e) {
    if (!isMineError(e)) throw e;
    if (e.code === 'INVALID_PARAMS') {
      throw new InputError(e, e.field !== undefined && e.field !== '' ? `params.${e.field}` : 'params');
    }
    throw new InputError(e, 'data');
  }
}

/** Validates a `POST /v1/estimates` body (already shape-checked by zod). Throws ApiError. */
export async function prepareEstimate(body: EstimateRequest, limits: DataLimits): Promise<JobRequest> {
  const def = resolveEstimator(body.estimator);
  const ds = parseData(body.data, limits);
  const x = select(ds, body.x, 'x');
  const y = select(ds, body.y, 'y');
  const shared = x.filter((n) => y.includes(n));
  if (shared.length > 0) {
    throw new ApiError(400, 'OVERLAPPING_SELECTION', `column '${shared[0]}' is selected for both x and y`, {
      field: 'y',
      hint: 'x and y must be disjoint sets of columns',
    });
  }
  const params = paramsOf(body);
  dryRun(def, variable(ds, x), variable(ds, y), params);
  return { type: 'estimate', data: body.data, x, y, config: { ...params, estimator: def.id } };
}

/** Validates a `POST /v1/rankings` body (already shape-checked by zod). Throws ApiError. */
export async function prepareRanking(body: RankingRequest, limits: DataLimits): Promise<JobRequest> {
  const def = resolveEstimator(body.estimator);
  const ds = parseData(body.data, limits);
  const targets = select(ds, body.target, 'target');
  if (targets.length !== 1) {
    throw new ApiError(400, 'INVALID_INPUT', `the target must be exactly one column; '${body.target}' selects ${targets.length}`, {
      field: 'target',
    });
  }
  const target = targets[0]!;
  const features = (body.features === undefined ? [...ds.names] : select(ds, body.features, 'features')).filter((f) => f !== target);
  if (features.length === 0) {
    throw new ApiError(400, 'EMPTY_SELECTION', 'no feature columns to rank besides the target', { field: 'features' });
  }
  const params = paramsOf(body);
  const y = variable(ds, [target]);
  for (const f of features) dryRun(def, variable(ds, [f]), y, params);
  return { type: 'ranking', data: body.data, target, features, config: { ...params, estimator: def.id } };
}

import { z } from 'zod';
import { MineError, throwIfAborted } from './errors.js';
import type {
  Capabilities,
  Diagnostic,
  EstimateOptions,
  EstimateResult,
  EstimatorInfo,
  TracePoint,
  Variable,
  VariableInput,
  ConfidenceInterval,
} from './interface.js';
import { parseParams, type CommonParams } from './params.js';
import { assertFinite, assertNotConstant, toVariable } from './variable.js';

/** What an estimator's `run` returns; `estimate()` wraps it into an EstimateResult. */
export interface RawEstimate {
  /** nats */
  value: number;
  diagnostics?: Diagnostic[];
  ci?: ConfidenceInterval;
  pValue?: number;
  trace?: TracePoint[];
  details?: Record<string, number>;
  /** Overrides the definition's `kind` for this result (e.g. `auto` reports the kind of what it chose). */
  kind?: EstimateResult['kind'];
}

/** Context handed to `run`: runtime concerns only. */
export interface RunContext extends EstimateOptions {
  /** Adds a diagnostic to the result. */
  warn(d: Diagnostic): void;
}

/**
 * An estimator, as a plain config object (tfjs's KernelConfig style): an id,
 * a parameter schema, capabilities as data, and a `run` that receives validated
 * inputs. Building one stores nothing; validation happens on every `estimate`.
 */
export interface EstimatorDefinition<S extends z.ZodType<CommonParams & object> = z.ZodType<CommonParams & object>> {
  id: string;
  title: string;
  description: string;
  reference?: string;
  kind: EstimateResult['kind'];
  schema: S;
  capabilities: Capabilities;
  /** Samples needed for these params (defaults to capabilities.minSamples), e.g. k + 1 for KSG. */
  minSamples?(params: z.output<S>): number;
  /**
   * Whether constant columns are an error. Continuous estimators say yes (they
   * cannot be standardised); discrete ones accept a single symbol (H = 0).
   * @default true
   */
  rejectConstant?: boolean;
  /**
   * Checks across parameters and data that the schema cannot express (e.g. a
   * critic/batch combination); throws a MineError. Runs in `validateEstimate`,
   * so frontends reject such input before queueing or training.
   */
  check?(x: Variable, y: Variable, params: z.output<S>): void;
  run(x: Variable, y: Variable, params: z.output<S>, ctx: RunContext): RawEstimate | Promise<RawEstimate>;
}

// The registry is data: one map from id to definition.
const registry = new Map<string, EstimatorDefinition>();

/** Adds an estimator to the registry (replacing one of the same id). */
export function registerEstimator<S extends z.ZodType<CommonParams & object>>(def: EstimatorDefinition<S>): void {
  registry.set(def.id, def as unknown as EstimatorDefinition);
}

/** The definition registered under `id`; throws UNKNOWN_ESTIMATOR listing the known ids. */
export function getEstimator(id: string): EstimatorDefinition {
  const def = registry.get(id);
  if (!def) {
    throw new MineError('UNKNOWN_ESTIMATOR', `unknown estimator '${id}'; available: ${[...registry.keys()].join(', ')}`, {
      field: 'estimator',
    });
  }
  return def;
}

/** Every registered estimator, with capabilities and a JSON Schema of its parameters. */
export function listEstimators(): EstimatorInfo[] {
  return [...registry.values()].map((d) => {
    const info: EstimatorInfo = {
      id: d.id,
      title: d.title,
      description: d.description,
      capabilities: d.capabilities,
      paramsJsonSchema: z.toJSONSchema(d.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    };
    if (d.reference !== undefined) info.reference = d.reference;
    return info;
  });
}

/** Config for the top-level `estimate`: the estimator id plus its parameters. */
export type EstimateConfig = { estimator?: string } & Record<string, unknown>;

/**
 * Estimates I(X;Y) with a registered estimator.
 *
 * ```ts
 * const r = await estimate(x, y, { estimator: 'ksg', k: 5, seed: 1 });
 * r.value // nats
 * ```
 *
 * @param x n samples of X: number[], number[][] (rows), a typed array or a Variable.
 * @param y n samples of Y, same n.
 * @param config `estimator` id (default `'ksg'`) and that estimator's parameters.
 * @param options runtime concerns: `signal`, `onProgress`.
 */
export async function estimate(
  x: VariableInput,
  y: VariableInput,
  config: EstimateConfig = {},
  options: EstimateOptions = {},
): Promise<EstimateResult> {
  const { estimator = 'ksg', ...params } = config;
  return runEstimator(getEstimator(estimator), x, y, params, options);
}

/**
 * Runs one definition: validates params and data, times the run, adds the
 * shared diagnostics (negative value) and converts units.
 */
/**
 * Everything `runEstimator` checks before it estimates, without estimating:
 * the params against the estimator's schema (unknown, missing or out-of-range
 * fields), the paired lengths, dimensions, the minimum number of rows, finite
 * and (where the estimator needs it) non-constant columns, and the
 * estimator's own cross-field `check`. Throws the same MineError `estimate`
 * would; frontends call it to reject input before queueing a job.
 *
 * @returns the validated params (defaults filled in) and x, y as Variables.
 */
export function validateEstimate(
  def: EstimatorDefinition,
  xIn: VariableInput,
  yIn: VariableInput,
  rawParams: unknown,
): { params: CommonParams & Record<string, unknown>; x: Variable; y: Variable } {
  const params = parseParams(def.schema, rawParams, def.id);
  const x = toVariable(xIn, 'x');
  const y = toVariable(yIn, 'y');
  validatePair(def, x, y, params);
  def.check?.(x, y, params);
  return { params: params as CommonParams & Record<string, unknown>, x, y };
}

export async function runEstimator(
  def: EstimatorDefinition,
  xIn: VariableInput,
  yIn: VariableInput,
  rawParams: unknown,
  options: EstimateOptions = {},
): Promise<EstimateResult> {
  const { params, x, y } = validateEstimate(def, xIn, yIn, rawParams);
  throwIfAborted(options.signal);

  const diagnostics: Diagnostic[] = [];
  const ctx: RunContext = { ...options, warn: (d) => diagnostics.push(d) };
  const t0 = performance.now();
  const raw = await def.run(x, y, params, ctx);
  const seconds = (performance.now() - t0) / 1000;
  throwIfAborted(options.signal);
  if (raw.diagnostics) diagnostics.push(...raw.diagnostics);
  // A negative score (AMI below chance) is meaningful, not estimator bias: no warning for scores.
  if (raw.value < 0 && def.kind !== 'score' && !diagnostics.some((d) => d.code === 'NEGATIVE_ESTIMATE')) {
    diagnostics.push({
      code: 'NEGATIVE_ESTIMATE',
      severity: 'warning',
      message: `the estimate is negative (${raw.value.toPrecision(3)} nats); true MI is ≥ 0, so read this as ≈ 0 plus estimator bias or noise. The value is reported as computed, not clipped.`,
      data: { value: raw.value },
    });
  }
  return buildResult(def, params, x, y, raw, diagnostics, seconds);
}

function validatePair(def: EstimatorDefinition, x: Variable, y: Variable, params: CommonParams & object): void {
  if (x.n !== y.n) {
    throw new MineError('LENGTH_MISMATCH', `x has ${x.n} rows but y has ${y.n}; they must be paired row by row`, {
      hint: 'select x and y from the same table, or trim both to the same rows',
    });
  }
  if (!def.capabilities.multivariate && (x.d > 1 || y.d > 1)) {
    throw new MineError(
      'UNSUPPORTED_DATA',
      `${def.id} takes one column on each side, got ${x.d} for x and ${y.d} for y`,
    );
  }
  const need = def.minSamples ? def.minSamples(params) : def.capabilities.minSamples;
  if (x.n < need) {
    throw new MineError('TOO_FEW_ROWS', `${def.id} needs at least ${need} rows with these parameters, got ${x.n}`, {
      hint: 'provide more rows (or, for nearest-neighbour estimators, a smaller k)',
    });
  }
  assertFinite(x);
  assertFinite(y);
  if (def.rejectConstant !== false) {
    assertNotConstant(x);
    assertNotConstant(y);
  }
}

function buildResult(
  def: EstimatorDefinition,
  params: CommonParams & object,
  x: Variable,
  y: Variable,
  raw: RawEstimate,
  diagnostics: Diagnostic[],
  seconds: number,
): EstimateResult {
  const score = def.kind === 'score';
  const units = score ? 'unitless' : params.units;
  const result: EstimateResult = {
    estimator: def.id,
    value: raw.value,
    bits: score ? raw.value : raw.value / Math.LN2,
    units,
    valueInUnits: units === 'bits' ? raw.value / Math.LN2 : raw.value,
    kind: raw.kind ?? def.kind,
    params: { ...params },
    n: x.n,
    dims: { x: x.d, y: y.d },
    columns: { x: [...x.names], y: [...y.names] },
    seconds,
    diagnostics,
  };
  if (raw.ci) result.ci = raw.ci;
  if (raw.pValue !== undefined) result.pValue = raw.pValue;
  if (raw.trace) result.trace = raw.trace;
  if (raw.details) result.details = raw.details;
  return result;
}

/** Converts a value in nats to the given units. */
export function toUnits(nats: number, units: 'nats' | 'bits'): number {
  return units === 'bits' ? nats / Math.LN2 : nats;
}

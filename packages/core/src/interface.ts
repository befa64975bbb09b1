/**
 * The contract every estimator, frontend and test shares. This module imports
 * nothing else from the package (as bmi's interface.py does), so it can never be
 * part of an import cycle.
 */

/** Information units. Values are computed and stored in nats; bits = nats / ln 2. */
export type Units = 'nats' | 'bits';

/** The kind of a variable an estimator accepts. */
export type VariableKind = 'continuous' | 'discrete';

/**
 * One side (X or Y) of an estimation: n samples of a d-dimensional variable.
 *
 * `data` is row-major, length n·d: sample i, coordinate j is `data[i*d + j]`.
 * Discrete values are integer codes stored as doubles.
 */
export interface Variable {
  readonly data: Float64Array;
  /** Number of samples (rows). */
  readonly n: number;
  /** Dimension (columns). */
  readonly d: number;
  /** One name per column, e.g. `['x1', 'x2']`; `x0..` / `y0..` when none were given. */
  readonly names: readonly string[];
  /** Per column: true when its values are category codes (strings in the source data). */
  readonly categorical: readonly boolean[];
}

/** Anything `estimate()` accepts for X or Y; normalised by `toVariable`. */
export type VariableInput =
  | Variable
  | readonly number[]
  | readonly (readonly number[])[]
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | { readonly data: ArrayLike<number>; readonly rows: number; readonly cols: number; readonly names?: readonly string[] };

export type DiagnosticSeverity = 'info' | 'warning';

/**
 * A coded remark that travels with a result: the result is also the log.
 * Codes are stable (frontends colour and filter by them).
 */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: DiagnosticSeverity;
  message: string;
  /** Numbers behind the message, e.g. `{ tiedFraction: 0.31 }`. */
  data?: Record<string, number | string | boolean>;
}

export type DiagnosticCode =
  /** The estimate is below zero; MI is not, so this is estimator bias or noise. Never clipped. */
  | 'NEGATIVE_ESTIMATE'
  /** Repeated values in a continuous variable (KSG's distance ties). */
  | 'TIES'
  /** Jitter was added to break ties. */
  | 'JITTER_ADDED'
  /** A continuous estimator got a column that looks discrete (few distinct values). */
  | 'LOOKS_DISCRETE'
  /** A discrete estimator got a column with very many distinct values relative to n. */
  | 'MANY_SYMBOLS'
  /** Plug-in estimates are biased upward when the number of cells is not ≪ n. */
  | 'UNDERSAMPLED'
  /** A covariance was near singular; the log-determinant was regularised. */
  | 'ILL_CONDITIONED'
  /** The estimate is close to a ceiling the estimator cannot exceed (e.g. log n, min entropy). */
  | 'NEAR_CEILING'
  /** Training produced NaN/Inf. */
  | 'DIVERGED'
  | 'NOT_CONVERGED'
  | 'OVERFITTING'
  /** A DV-type neural bound's held-out marginal term rests on few marginal pairs (small effective sample size): the high-MI regime where it is unreliable. */
  | 'FEW_EFFECTIVE_PAIRS'
  /** Some rows could not be used (e.g. a label seen once, for `mixed`); `data.droppedRows` says how many. */
  | 'DROPPED_ROWS'
  /** A value was set by the estimator's own rule, e.g. which side is discrete. */
  | 'AUTO_CHOICE'
  | 'OTHER';

/** A confidence interval, in nats like `value`. */
export interface ConfidenceInterval {
  lower: number;
  upper: number;
  /** Coverage, e.g. 0.95. */
  level: number;
  /** How it was made, e.g. `'bootstrap-percentile'`, `'t-over-repeats'`. */
  method: string;
}

/** One point of a training curve (neural estimators). Bounds in nats. */
export interface TracePoint {
  step: number;
  train: number;
  validation?: number;
}

/**
 * What every estimator returns, and what every frontend renders. JSON-safe:
 * `JSON.parse(JSON.stringify(r))` is the same result.
 */
export interface EstimateResult {
  /** Estimator id, e.g. `'ksg'`. */
  estimator: string;
  /**
   * The estimate in nats (always nats, whatever `units` says). For a unitless
   * score (`kind: 'score'`, e.g. NMI and AMI in [0, 1]) it is the score itself.
   */
  value: number;
  /** The estimate in bits: value / ln 2 (for a `'score'`, the score again). */
  bits: number;
  /**
   * The units the caller asked to see (`params.units`), or `'unitless'` for a
   * score; `valueInUnits` is `value` in them.
   */
  units: Units | 'unitless';
  valueInUnits: number;
  /**
   * What kind of number this is: a consistent point estimate of MI, a
   * variational lower/upper bound (neural estimators), or a normalised,
   * unitless score such as NMI.
   */
  kind: 'point' | 'lower-bound' | 'upper-bound' | 'score';
  /** Every parameter actually used, defaults filled in, seed included: enough to reproduce the run. */
  params: Record<string, unknown>;
  /** Number of samples used. */
  n: number;
  /** Dimensions of X and Y. */
  dims: { x: number; y: number };
  /** Column names of X and Y. */
  columns: { x: string[]; y: string[] };
  /** Wall-clock time of the estimation, in seconds. */
  seconds: number;
  diagnostics: Diagnostic[];
  /** Confidence interval in nats (repeats, bootstrap). */
  ci?: ConfidenceInterval;
  /** p-value of a test of independence, when one was run. */
  pValue?: number;
  /** Training curve, neural estimators only. */
  trace?: TracePoint[];
  /**
   * Other named quantities the estimator computed on the way, in nats where
   * they are information (e.g. `{ hX, hY, hXY }` for `discrete`, the raw MI for `nmi`).
   */
  details?: Record<string, number>;
}

/** Progress of a long estimation (neural training, bootstrap). */
export interface ProgressEvent {
  /** Work done so far, in `unit`s, and the total when known. */
  done: number;
  total?: number;
  unit: string;
  /** Free-form current values, e.g. `{ train: 0.71, validation: 0.69 }`. */
  values?: Record<string, number>;
  /** Throughput in `unit`s per second, and estimated seconds left. */
  rate?: number;
  etaSeconds?: number;
}

/** Runtime concerns of one call; never hyperparameters (those live in params). */
export interface EstimateOptions {
  /** Aborting rejects the promise with a `MineError` of code `ABORTED`. */
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** What an estimator can do, as data: read by frontends, `auto` and the conformance suite. */
export interface Capabilities {
  /** Kinds of X it accepts. */
  x: readonly VariableKind[];
  /** Kinds of Y it accepts. */
  y: readonly VariableKind[];
  /** Accepts d > 1 on each side. */
  multivariate: boolean;
  /** Same data and params ⇒ the same number, with no seed involved. */
  deterministic: boolean;
  /** Trains a model (slow; reports progress). */
  needsTraining: boolean;
  /** The fewest samples it will accept with default params. */
  minSamples: number;
  /** I(X;Y) = I(Y;X) exactly (up to rounding). */
  symmetric: boolean;
}

/** Catalogue entry for `listEstimators()`. */
export interface EstimatorInfo {
  id: string;
  title: string;
  description: string;
  /** Literature reference. */
  reference?: string;
  capabilities: Capabilities;
  /** JSON Schema of the parameters (generated from the zod schema). */
  paramsJsonSchema: Record<string, unknown>;
}

/**
 * A distribution of (X, Y) whose mutual information is known in closed form
 * (or by accurate quadrature): the oracle for tests and `mine bench` (bmi's ISampler).
 */
export interface Sampler {
  /** Short id, e.g. `'gaussian-rho0.9'`. */
  readonly name: string;
  readonly dimX: number;
  readonly dimY: number;
  /** Kinds of the two sides. */
  readonly kinds: { x: VariableKind; y: VariableKind };
  /** n independent draws, using only `rng` for randomness. */
  sample(n: number, rng: import('./rng.js').Rng): { x: Variable; y: Variable };
  /** True I(X;Y) in nats. */
  mutualInformation(): number;
}

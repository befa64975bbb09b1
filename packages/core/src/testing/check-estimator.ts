import { isMineError } from '../errors.js';
import type { Variable } from '../interface.js';
import { estimateResultSchema } from '../result-schema.js';
import { runEstimator, type EstimatorDefinition } from '../registry.js';
import { Rng } from '../rng.js';
import { takeRows } from '../variable.js';

/** One failed conformance check: which, and what was seen. */
export interface CheckFailure {
  check: string;
  detail: string;
}

export interface CheckEstimatorOptions {
  /**
   * Makes n paired samples of *independent* X and Y of the kinds the estimator
   * accepts. Default: continuous N(0,1) if both sides accept continuous data,
   * else integer labels in 0..3.
   */
  independent?: (n: number, rng: Rng) => { x: Variable; y: Variable };
  /** n for the data-based checks. @default 2000 */
  n?: number;
  /**
   * Bound on |estimate| for independent data at `independentN` samples.
   * @default 0.02 nats
   */
  independentTolerance?: number;
  /** @default 5000 */
  independentN?: number;
  /**
   * Tolerance for symmetry and row-order invariance. Deterministic estimators
   * should meet 1e-9; ones with seeded jitter on tie-free data, 1e-6.
   * @default 1e-9
   */
  invarianceTolerance?: number;
  /** Extra parameters for every run (e.g. a small training budget). */
  params?: Record<string, unknown>;
}

/**
 * The conformance suite every estimator must pass (scikit-learn's
 * `check_estimator` idea): contract checks that do not depend on the
 * estimator's maths. Returns the failures (empty = conformant); it never
 * throws, so a test can print every failure at once.
 *
 * Checks: result schema; same seed ⇒ same value; units conversion; inputs not
 * mutated; row-order invariance; symmetry when declared; independent data ≈ 0;
 * LENGTH_MISMATCH, TOO_FEW_ROWS, NAN_VALUE, INFINITE_VALUE, CONSTANT_COLUMN
 * (when rejected), INVALID_PARAMS for an unknown parameter, ABORTED for an
 * aborted signal.
 */
export async function checkEstimator(
  def: EstimatorDefinition,
  options: CheckEstimatorOptions = {},
): Promise<CheckFailure[]> {
  const failures: CheckFailure[] = [];
  const fail = (check: string, detail: string): void => {
    failures.push({ check, detail });
  };
  const n = options.n ?? 2000;
  const extra = options.params ?? {};
  const tol = options.invarianceTolerance ?? 1e-9;
  const independent = options.independent ?? defaultIndependent(def);
  const rng = new Rng(20240601);

  // Dependent data: y = x + noise on the same kind, so values are clearly > 0.
  const base = independent(n, rng);
  const { x, y } = makeDependent(def, base.x, base.y);

  const run = (a: Variable, b: Variable, p: Record<string, unknown> = {}, signal?: AbortSignal) =>
    runEstimator(def, a, b, { seed: 7, ...extra, ...p }, signal ? { signal } : {});

  // Schema and units.
  try {
    const xCopy = Float64Array.from(x.data);
    const yCopy = Float64Array.from(y.data);
    const r = await run(x, y);
    const parsed = estimateResultSchema.safeParse(JSON.parse(JSON.stringify(r)));
    if (!parsed.success) fail('schema', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    if (r.estimator !== def.id) fail('schema', `estimator is '${r.estimator}', expected '${def.id}'`);
    if (r.params['seed'] !== 7) fail('params echoed', `params.seed is ${String(r.params['seed'])}, expected 7`);
    if (def.kind === 'score') {
      if (r.units !== 'unitless' || r.bits !== r.value || r.valueInUnits !== r.value)
        fail('units', `a score must be unitless with bits = valueInUnits = value, got ${r.units} ${r.bits} ${r.valueInUnits}`);
    } else {
      if (Math.abs(r.bits - r.value / Math.LN2) > 1e-12) fail('units', `bits ${r.bits} ≠ value/ln2`);
      const rb = await run(x, y, { units: 'bits' });
      if (rb.units !== 'bits' || Math.abs(rb.valueInUnits - r.value / Math.LN2) > 1e-9 * Math.max(1, Math.abs(r.bits)))
        fail('units', `units 'bits' gave valueInUnits ${rb.valueInUnits}, expected ${r.bits}`);
    }
    if (!xCopy.every((v, i) => Object.is(v, x.data[i])) || !yCopy.every((v, i) => Object.is(v, y.data[i])))
      fail('no mutation', 'estimate() changed its input arrays');

    // Same seed ⇒ same value.
    const again = await run(x, y);
    if (again.value !== r.value) fail('same seed', `two runs with seed 7 gave ${r.value} and ${again.value}`);

    // Row order.
    const perm = new Rng(99).permutation(n);
    const rp = await run(takeRows(x, perm), takeRows(y, perm));
    if (Math.abs(rp.value - r.value) > tol)
      fail('row order', `permuting rows changed the value from ${r.value} to ${rp.value}`);

    // Symmetry, when declared and the kinds allow swapping.
    if (def.capabilities.symmetric) {
      const rs = await run(y, x);
      if (Math.abs(rs.value - r.value) > tol) fail('symmetry', `I(X;Y) = ${r.value} but I(Y;X) = ${rs.value}`);
    }
  } catch (e) {
    fail('basic run', describe(e));
  }

  // Independent data ≈ 0.
  try {
    const nInd = options.independentN ?? 5000;
    const tolInd = options.independentTolerance ?? 0.02;
    const ind = independent(nInd, new Rng(4242));
    const r = await run(ind.x, ind.y);
    if (!(Math.abs(r.value) <= tolInd)) fail('independent', `estimate ${r.value} on independent data, |·| > ${tolInd}`);
  } catch (e) {
    fail('independent', describe(e));
  }

  // Bad input gets its named error.
  const expectCode = async (check: string, code: string, f: () => Promise<unknown>, mustName?: string) => {
    try {
      await f();
      fail(check, `expected MineError ${code}, but it succeeded`);
    } catch (e) {
      if (!isMineError(e) || e.code !== code) fail(check, `expected MineError ${code}, got ${describe(e)}`);
      else if (mustName && !e.message.includes(mustName)) fail(check, `message does not name '${mustName}': ${e.message}`);
    }
  };
  await expectCode('length mismatch', 'LENGTH_MISMATCH', () => run(x, takeRows(y, range(n - 1))));
  const need = def.minSamples ? def.minSamples({ ...extra, seed: 7, units: 'nats' } as never) : def.capabilities.minSamples;
  if (need > 1) await expectCode('too few rows', 'TOO_FEW_ROWS', () => run(takeRows(x, range(need - 1)), takeRows(y, range(need - 1))));
  await expectCode('NaN', 'NAN_VALUE', () => run(withValue(x, 3, Number.NaN), y), x.names[0]);
  await expectCode('Inf', 'INFINITE_VALUE', () => run(x, withValue(y, 5, Number.POSITIVE_INFINITY)), y.names[0]);
  if (def.rejectConstant !== false) {
    const c: Variable = { ...x, data: new Float64Array(x.data.length).fill(1) };
    await expectCode('constant column', 'CONSTANT_COLUMN', () => run(c, y), x.names[0]);
  }
  await expectCode('unknown parameter', 'INVALID_PARAMS', () => run(x, y, { noSuchParameter: 1 }));
  const ac = new AbortController();
  ac.abort();
  await expectCode('abort', 'ABORTED', () => run(x, y, {}, ac.signal));
  return failures;
}

function describe(e: unknown): string {
  if (isMineError(e)) return `MineError ${e.code}: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function range(n: number): Uint32Array {
  const r = new Uint32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

function withValue(v: Variable, row: number, value: number): Variable {
  const data = Float64Array.from(v.data);
  data[row * v.d] = value;
  return { ...v, data };
}

function defaultIndependent(def: EstimatorDefinition): (n: number, rng: Rng) => { x: Variable; y: Variable } {
  const continuous = def.capabilities.x.includes('continuous') && def.capabilities.y.includes('continuous');
  return (n, rng) => {
    const make = (name: string): Variable => {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = continuous ? rng.normal() : rng.int(4);
      return { data, n, d: 1, names: [name], categorical: [!continuous] };
    };
    return { x: make('a'), y: make('b') };
  };
}

/** Makes y depend on x (same kinds as given): continuous y += x; discrete y = x with 20% of rows kept random. */
function makeDependent(def: EstimatorDefinition, x: Variable, y: Variable): { x: Variable; y: Variable } {
  const data = Float64Array.from(y.data);
  const yDiscrete = y.categorical[0] === true || !def.capabilities.y.includes('continuous');
  const xDiscrete = x.categorical[0] === true || !def.capabilities.x.includes('continuous');
  for (let i = 0; i < y.n; i++) {
    const xi = x.data[i * x.d]!;
    if (yDiscrete) {
      if (i % 5 !== 0) data[i * y.d] = xDiscrete ? xi : xi > 0 ? 1 : 0;
    } else {
      data[i * y.d] = data[i * y.d]! + (xDiscrete ? 2 * xi : xi);
    }
  }
  return { x, y: { ...y, data } };
}

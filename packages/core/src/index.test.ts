import { describe, expect, test } from 'vitest';
import {
  BUILTIN_ESTIMATORS,
  MineError,
  Rng,
  estimate,
  getEstimator,
  listEstimators,
  mixedEstimator,
  validateEstimate,
  type Variable,
} from './index.js';
import { checkEstimator } from './testing/index.js';

/** Label in 0..2 (x) against an independent continuous y: the data `mixed` is for. */
function labelAndContinuous(n: number, rng: Rng): { x: Variable; y: Variable } {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.int(3);
    y[i] = rng.normal();
  }
  return {
    x: { data: x, n, d: 1, names: ['label'], categorical: [true] },
    y: { data: y, n, d: 1, names: ['value'], categorical: [false] },
  };
}

/**
 * Neural estimators run the suite with a small training budget (≈0.3 s a run on wasm).
 * Their value on independent data is a held-out lower bound at the best of a few
 * noisy evaluations: ±0.05 nats covers its noise at 1000 validation rows.
 */
const NEURAL_IDS = new Set(['mine', 'dv', 'nwj', 'infonce', 'smile']);
const NEURAL_BUDGET = { steps: 300, batchSize: 128, hidden: [32, 32] };

describe('every built-in estimator passes the conformance suite', () => {
  for (const def of BUILTIN_ESTIMATORS) {
    test(def.id, async () => {
      const failures = await checkEstimator(def, {
        ...(def.id === mixedEstimator.id ? { independent: labelAndContinuous } : {}),
        ...(NEURAL_IDS.has(def.id) ? { params: NEURAL_BUDGET, independentTolerance: 0.05 } : {}),
        // KSG and mixed add seeded jitter of 1e-10 × scale to every value; on
        // tie-free data it cannot reorder neighbours except at near-ties, so
        // permuted/swapped runs agree to far better than 1e-6.
        invarianceTolerance: def.capabilities.deterministic ? 1e-9 : 1e-6,
      });
      expect(failures).toEqual([]);
    });
  }
});

describe('registry', () => {
  test('lists every estimator with capabilities and a JSON Schema of its parameters', () => {
    const list = listEstimators();
    expect(list.map((e) => e.id)).toEqual([
      'ksg', 'gaussian', 'copula', 'discrete', 'nmi', 'ami', 'mixed', 'mine', 'dv', 'nwj', 'infonce', 'smile', 'auto',
    ]);
    const ksg = list.find((e) => e.id === 'ksg')!;
    expect(ksg.capabilities.x).toContain('continuous');
    const props = (ksg.paramsJsonSchema as { properties: Record<string, { default?: unknown }> }).properties;
    expect(props['k']?.default).toBe(3);
    expect(props['seed']?.default).toBe(0);
  });

  test('validateEstimate checks what estimate would, without estimating', () => {
    const rng = new Rng(5);
    const x = Array.from({ length: 100 }, () => rng.normal());
    const y = x.map((v) => v + rng.normal());
    const ok = validateEstimate(getEstimator('ksg'), x, y, { k: 5 });
    expect(ok.params).toMatchObject({ k: 5, algorithm: 1, seed: 0 });
    expect(ok.x.n).toBe(100);
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return (e as MineError).code;
      }
      return undefined;
    };
    expect(codeOf(() => validateEstimate(getEstimator('ksg'), x, y, { k: 0 }))).toBe('INVALID_PARAMS');
    expect(codeOf(() => validateEstimate(getEstimator('ksg'), x, y.slice(1), {}))).toBe('LENGTH_MISMATCH');
    // A cross-field rule the schema cannot express (the estimator's own check), caught before training.
    expect(codeOf(() => validateEstimate(getEstimator('infonce'), x, y, { critic: 'concat', batchSize: 2048 }))).toBe('INVALID_PARAMS');
    expect(codeOf(() => validateEstimate(getEstimator('infonce'), x, y, { critic: 'concat', batchSize: 1024 }))).toBeUndefined();
  });

  test('estimate() by id, with defaults echoed', async () => {
    const rng = new Rng(11);
    const x = Array.from({ length: 500 }, () => rng.normal());
    const y = x.map((v) => v + rng.normal());
    const r = await estimate(x, y, { estimator: 'gaussian' });
    expect(r.estimator).toBe('gaussian');
    expect(r.params['seed']).toBe(0);
    expect(r.params['units']).toBe('nats');
    // Truth: ρ = 1/√2, MI = ½ ln 2 = 0.3466; n = 500 sampling sd ≈ 0.03.
    expect(Math.abs(r.value - 0.5 * Math.log(2))).toBeLessThan(0.1);
    // KSG is the default estimator.
    expect((await estimate(x, y)).estimator).toBe('ksg');
  });

  test('unknown estimator and bad parameters name the problem', async () => {
    const x = [1, 2, 3, 4, 5, 6];
    await expect(estimate(x, x, { estimator: 'nope' })).rejects.toMatchObject({
      code: 'UNKNOWN_ESTIMATOR',
      message: expect.stringContaining("'nope'"),
    });
    expect(() => getEstimator('nope')).toThrow(MineError);
    await expect(estimate(x, [2, 1, 4, 3, 6, 5], { estimator: 'ksg', k: 0 })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      field: 'k',
      message: expect.stringContaining("'k'"),
    });
    await expect(estimate(x, [2, 1, 4, 3, 6, 5], { estimator: 'ksg', units: 'bytes' })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      field: 'units',
    });
  });

  test('mismatched lengths and non-numeric input are named', async () => {
    await expect(estimate([1, 2, 3, 4, 5], [1, 2, 3, 4], { estimator: 'gaussian' })).rejects.toMatchObject({
      code: 'LENGTH_MISMATCH',
      message: 'x has 5 rows but y has 4; they must be paired row by row',
    });
    await expect(estimate([[1, 2], [3]], [1, 2], {})).rejects.toMatchObject({ code: 'INVALID_INPUT', row: 2 });
  });
});

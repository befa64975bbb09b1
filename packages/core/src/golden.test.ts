/**
 * Golden estimates: every estimator (and the applications built on them) on
 * fixed seeded inputs, compared bit for bit with `test/fixtures/golden-estimates.json`.
 *
 * The fixture was written before the core redesign (issue 13) and guards it:
 * the same inputs must give the same value, details, trace and diagnostic
 * codes. Regenerate only for a deliberate change of numbers, and say which in
 * the commit:
 *
 *     UPDATE_GOLDEN=1 pnpm --filter @mine/core exec vitest run src/golden.test.ts
 *
 * Values are compared exactly (JSON keeps every double's shortest round-trip
 * form, so equal text means equal bits). `seconds` is left out (wall clock).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Dataset, Rng, estimate, permutationTest, rankFeatures, samplers, type EstimateResult, type Variable } from './index.js';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/golden-estimates.json', import.meta.url));
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** What is compared of a result. */
interface Golden {
  estimator: string;
  value: number;
  kind: string;
  n: number;
  params: Record<string, unknown>;
  details?: Record<string, number>;
  ci?: unknown;
  pValue?: number;
  trace?: unknown;
  diagnostics: string[];
}

function golden(r: EstimateResult): Golden {
  const g: Golden = {
    estimator: r.estimator,
    value: r.value,
    kind: r.kind,
    n: r.n,
    params: r.params,
    diagnostics: r.diagnostics.map((d) => d.code),
  };
  if (r.details) g.details = r.details;
  if (r.ci) g.ci = r.ci;
  if (r.pValue !== undefined) g.pValue = r.pValue;
  if (r.trace) g.trace = r.trace;
  return g;
}

function draw(s: { sample(n: number, rng: Rng): { x: Variable; y: Variable } }, n: number, seed: number): { x: Variable; y: Variable } {
  return s.sample(n, new Rng(seed));
}

// The inputs.
const pair = draw(samplers.bivariateGaussian(0.8), 600, 11);
const vec = draw(samplers.gaussianWithMi({ dimX: 3, dimY: 2, mi: 1 }), 800, 12);
const wide = draw(samplers.gaussianWithMi({ dimX: 4, dimY: 4, mi: 1 }), 600, 13);
const table = draw(
  samplers.discreteTable(
    [
      [0.3, 0.1, 0],
      [0.05, 0.25, 0.05],
      [0, 0.05, 0.2],
    ],
    'd3',
  ),
  700,
  14,
);
const labels = draw(samplers.labelWithGaussians({ priors: [0.5, 0.3, 0.2], means: [-2, 0, 2.5], sd: 1 }), 700, 15);
const big = draw(samplers.bivariateGaussian(0.6), 85_000, 16);

type Case = [name: string, run: () => Promise<EstimateResult | EstimateResult[]>];

const NEURAL = { steps: 150, evalEvery: 25, hidden: [16, 16], batchSize: 64, seed: 3 };
const SMALL = { ...NEURAL, steps: 60 };

const cases: Case[] = [];
const add = (name: string, x: Variable, y: Variable, config: Record<string, unknown>): void => {
  cases.push([name, () => estimate(x, y, config)]);
};

// Classical estimators.
for (const algorithm of [1, 2]) add(`ksg-a${algorithm}-pair`, pair.x, pair.y, { estimator: 'ksg', algorithm, seed: 1 });
add('ksg-k5-vec', vec.x, vec.y, { estimator: 'ksg', k: 5, seed: 2 });
add('ksg-nojitter-vec', vec.x, vec.y, { estimator: 'ksg', jitter: 0, standardize: false });
add('gaussian-pair', pair.x, pair.y, { estimator: 'gaussian' });
add('gaussian-vec-bits', vec.x, vec.y, { estimator: 'gaussian', units: 'bits' });
add('copula-vec', vec.x, vec.y, { estimator: 'copula' });
add('discrete-table', table.x, table.y, { estimator: 'discrete' });
add('discrete-mm-table', table.x, table.y, { estimator: 'discrete', millerMadow: true });
add('nmi-table', table.x, table.y, { estimator: 'nmi' });
add('ami-table', table.x, table.y, { estimator: 'ami', normalization: 'max' });
add('mixed-labels', labels.x, labels.y, { estimator: 'mixed', seed: 4 });

// Neural estimators: every bound, both critics, three backends.
const OTHER_CRITIC = { mine: 'separable', dv: 'separable', nwj: 'separable', smile: 'separable', infonce: 'concat' } as const;
for (const id of ['mine', 'dv', 'nwj', 'smile', 'infonce'] as const) {
  add(`${id}-wasm`, pair.x, pair.y, { estimator: id, ...NEURAL });
  add(`${id}-wasm-${OTHER_CRITIC[id]}`, pair.x, pair.y, { estimator: id, ...NEURAL, critic: OTHER_CRITIC[id] });
  add(`${id}-js`, pair.x, pair.y, { estimator: id, ...SMALL, backend: 'js' });
  add(`${id}-tfjs`, pair.x, pair.y, { estimator: id, ...SMALL, backend: 'tfjs' });
  add(`${id}-tfjs-${OTHER_CRITIC[id]}`, pair.x, pair.y, { estimator: id, ...SMALL, backend: 'tfjs', critic: OTHER_CRITIC[id] });
  add(`${id}-vec`, vec.x, vec.y, { estimator: id, ...NEURAL, activation: 'tanh' });
}
add('mine-repeats', pair.x, pair.y, { estimator: 'mine', ...NEURAL, repeats: 3 });
add('mine-noearly', pair.x, pair.y, { estimator: 'mine', ...NEURAL, earlyStop: false, lrDecay: 0, emaRate: 0.1 });
add('nwj-derangement', vec.x, vec.y, { estimator: 'nwj', ...NEURAL, marginal: 'derangement', validationShuffles: 3 });
add('smile-standardize', vec.x, vec.y, { estimator: 'smile', ...NEURAL, preprocess: 'standardize', clip: 2 });
add('dv-none-elu', pair.x, pair.y, { estimator: 'dv', ...NEURAL, preprocess: 'none', activation: 'elu' });
add('infonce-vb', vec.x, vec.y, { estimator: 'infonce', ...NEURAL, validationBatch: 100 });
add('infonce-vb-clamp', pair.x, pair.y, { estimator: 'infonce', ...NEURAL, validationBatch: 4000, embedDim: 8 });
add('dv-evaluation-subset', big.x, big.y, { estimator: 'dv', steps: 30, evalEvery: 10, hidden: [4], batchSize: 64, seed: 5 });
add('infonce-evaluation-subset', big.x, big.y, { estimator: 'infonce', steps: 20, evalEvery: 10, hidden: [4], embedDim: 4, batchSize: 64, seed: 5 });

// auto on each kind of data.
add('auto-pair', pair.x, pair.y, { estimator: 'auto', seed: 1 });
add('auto-vec', vec.x, vec.y, { estimator: 'auto', seed: 1 });
add('auto-table', table.x, table.y, { estimator: 'auto' });
add('auto-labels', labels.x, labels.y, { estimator: 'auto', seed: 2 });
add('auto-wide', wide.x, wide.y, { estimator: 'auto', seed: 1 });

// Applications.
cases.push(['permutation-ksg', () => permutationTest(pair.x, pair.y, { estimator: 'ksg', seed: 1 }, { permutations: 20, seed: 9 })]);
cases.push([
  'rank-features',
  async () => {
    const cols: Record<string, number[]> = { target: [], a: [], b: [], c: [] };
    const rng = new Rng(21);
    for (let i = 0; i < 400; i++) {
      const t = rng.normal();
      cols['target']!.push(t);
      cols['a']!.push(t + 0.5 * rng.normal());
      cols['b']!.push(rng.normal());
      cols['c']!.push(t * t + rng.normal());
    }
    const ds = Dataset.fromColumns(cols);
    const scores = await rankFeatures(ds, 'target', undefined, { estimator: 'ksg', seed: 1 });
    return scores.map((s) => ({ ...s.result, estimator: `${s.feature}:${s.result.estimator}` }));
  },
]);

describe('golden estimates (bit for bit against the fixture)', () => {
  const stored: Record<string, unknown> = !UPDATE && existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>) : {};
  const fresh: Record<string, unknown> = {};

  for (const [name, run] of cases) {
    test(name, async () => {
      const r = await run();
      const g = Array.isArray(r) ? r.map(golden) : golden(r);
      fresh[name] = JSON.parse(JSON.stringify(g));
      if (UPDATE) return;
      expect(stored[name], `no golden entry for '${name}': run with UPDATE_GOLDEN=1`).toBeDefined();
      expect(fresh[name]).toEqual(stored[name]);
    });
  }

  test.runIf(UPDATE)('writes the fixture', () => {
    expect(Object.keys(fresh)).toHaveLength(cases.length);
    writeFileSync(FIXTURE, JSON.stringify(fresh, null, 1) + '\n');
  });

  test.runIf(!UPDATE)('the fixture has no stale entries', () => {
    expect(Object.keys(stored).sort()).toEqual(cases.map(([n]) => n).sort());
  });
});

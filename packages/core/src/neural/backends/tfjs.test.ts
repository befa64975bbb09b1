import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { Rng } from '../../rng.js';
import { createTrainer } from '../backends.js';
import { initParams } from '../critic.js';
import type { Activation, CriticSpec, CriticTrainer, Objective, ObjectiveSpec, OptimizerSpec } from '../types.js';
import { configureTfjs, createTfjsTrainer, loadTfjs, type TfjsNamespace } from './tfjs.js';

// Everything here is small (widths ≤ 16, batches ≤ 64): the point is the math,
// not speed. tfjs is loaded once (≈ 0.6 s); the whole file runs in a few seconds.

const ADAM: OptimizerSpec = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const objectiveSpec = (objective: Objective): ObjectiveSpec => ({ objective, emaRate: 0.05, clip: 5 });

function criticSpec(kind: CriticSpec['kind'], activation: Activation, over: Partial<CriticSpec> = {}): CriticSpec {
  return { dx: 2, dy: 3, kind, hidden: [16, 8], embedDim: 4, activation, init: activation === 'tanh' ? 'xavier' : 'he', seed: 11, ...over };
}

function gaussian(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** A correlated batch: y's first column = 0.8·x₀ + noise, so the critic has something to learn. */
function batch(B: number, spec: CriticSpec, seed: number): { x: Float32Array; y: Float32Array; ym: Float32Array } {
  const rng = new Rng(seed);
  const x = gaussian(B * spec.dx, rng);
  const y = gaussian(B * spec.dy, rng);
  for (let i = 0; i < B; i++) y[i * spec.dy] = 0.8 * x[i * spec.dx]! + 0.6 * y[i * spec.dy]!;
  const perm = rng.permutation(B);
  const ym = new Float32Array(B * spec.dy);
  for (let i = 0; i < B; i++) ym.set(y.subarray(perm[i]! * spec.dy, (perm[i]! + 1) * spec.dy), i * spec.dy);
  return { x, y, ym };
}

/** initParams with N(0, 0.3²) biases, so the bias entries of the layout are exercised too. */
function paramsWithBiases(spec: CriticSpec, seed: number): Float32Array {
  const p = initParams(spec);
  const rng = new Rng(seed);
  for (const L of layout(spec).flat()) for (let o = 0; o < L.out; o++) p[L.b + o] = 0.3 * rng.normal();
  return p;
}

// ------------------------------------------------------------------ float64 oracle
// Written from the documented canonical order (types.ts / critic.ts module
// comment), independently of critic.ts's own layout code.

interface Lay {
  inp: number;
  out: number;
  w: number;
  b: number;
  act: Activation | 'linear';
}

function layout(spec: CriticSpec): Lay[][] {
  const nets = spec.kind === 'concat' ? [[spec.dx + spec.dy, ...spec.hidden, 1]] : [[spec.dx, ...spec.hidden, spec.embedDim], [spec.dy, ...spec.hidden, spec.embedDim]];
  let off = 0;
  return nets.map((widths) =>
    widths.slice(1).map((out, l) => {
      const inp = widths[l]!;
      const L: Lay = { inp, out, w: off, b: off + inp * out, act: l === widths.length - 2 ? 'linear' : spec.activation };
      off += inp * out + out;
      return L;
    }),
  );
}

function mlp64(layers: Lay[], p: ArrayLike<number>, input: number[]): number[] {
  let a = input;
  for (const L of layers) {
    const z: number[] = [];
    for (let o = 0; o < L.out; o++) {
      let s = p[L.b + o]!;
      for (let i = 0; i < L.inp; i++) s += a[i]! * p[L.w + i * L.out + o]!;
      z.push(L.act === 'relu' ? Math.max(s, 0) : L.act === 'elu' ? (s > 0 ? s : Math.expm1(s)) : L.act === 'tanh' ? Math.tanh(s) : s);
    }
    a = z;
  }
  return a;
}

/** T(x_i, y_j) in float64. */
function score64(spec: CriticSpec, p: ArrayLike<number>, x: Float32Array, i: number, y: Float32Array, j: number): number {
  const xr = Array.from(x.subarray(i * spec.dx, (i + 1) * spec.dx));
  const yr = Array.from(y.subarray(j * spec.dy, (j + 1) * spec.dy));
  const nets = layout(spec);
  if (spec.kind === 'concat') return mlp64(nets[0]!, p, [...xr, ...yr])[0]!;
  const f = mlp64(nets[0]!, p, xr);
  const g = mlp64(nets[1]!, p, yr);
  return f.reduce((s, v, e) => s + v * g[e]!, 0);
}

function logMeanExp(a: number[]): number {
  const m = Math.max(...a);
  return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0) / a.length);
}

/** The float64 bound: DV on (joint, shuffled) pairs for a concat critic; InfoNCE on the B×B matrix. */
function bound64(spec: CriticSpec, objective: 'dv' | 'infonce', p: ArrayLike<number>, x: Float32Array, y: Float32Array, ym: Float32Array, B: number): number {
  if (objective === 'dv') {
    const t = Array.from({ length: B }, (_, i) => score64(spec, p, x, i, y, i));
    const u = Array.from({ length: B }, (_, i) => score64(spec, p, x, i, ym, i));
    return t.reduce((s, v) => s + v, 0) / B - logMeanExp(u);
  }
  let total = 0;
  for (let i = 0; i < B; i++) {
    const row = Array.from({ length: B }, (_, j) => score64(spec, p, x, i, y, j));
    total += row[i]! - logMeanExp(row);
  }
  return total / B;
}

// ------------------------------------------------------------------------ tests

let tf: TfjsNamespace;
const live: CriticTrainer[] = [];
async function tfjsTrainer(spec: CriticSpec, objective: Objective, backward: 'transpose' | 'autodiff' = 'transpose'): Promise<CriticTrainer> {
  const t = await createTfjsTrainer(spec, ADAM, objectiveSpec(objective), { backward });
  live.push(t);
  return t;
}

beforeAll(async () => {
  tf = await loadTfjs();
});
afterAll(() => {
  for (const t of live) t.dispose();
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

describe('tfjs backend', () => {
  test('loads the single-threaded wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
  });

  test('setLearningRate scales the next Adam step (as on the kernel trainers)', async () => {
    const spec = criticSpec('concat', 'tanh');
    const a = await tfjsTrainer(spec, 'dv');
    const b = await tfjsTrainer(spec, 'dv');
    b.setLearningRate(4 * ADAM.lr);
    const rng = new Rng(13);
    const B = 8;
    const x = Float32Array.from({ length: B * spec.dx }, () => rng.normal());
    const y = Float32Array.from({ length: B * spec.dy }, () => rng.normal());
    const ym = Float32Array.from({ length: B * spec.dy }, () => rng.normal());
    const p0 = initParams(spec);
    a.step(x, y, ym, B);
    b.step(x, y, ym, B);
    const pa = a.getParams();
    const pb = b.getParams();
    let moved = 0;
    for (let i = 0; i < p0.length; i++) {
      const da = pa[i]! - p0[i]!;
      expect(Math.abs(pb[i]! - p0[i]! - 4 * da)).toBeLessThan(2e-6);
      if (Math.abs(da) > 5e-4) moved++;
    }
    expect(moved).toBeGreaterThan(p0.length / 2);
  });

  test('starts from initParams bit for bit; getParams/setParams round-trip in the canonical order', async () => {
    const spec = criticSpec('separable', 'elu');
    const t = await tfjsTrainer(spec, 'infonce');
    expect(Array.from(t.getParams())).toEqual(Array.from(initParams(spec)));
    const p = paramsWithBiases(spec, 5);
    t.setParams(p);
    expect(Array.from(t.getParams())).toEqual(Array.from(p));
    expect(() => t.setParams(new Float32Array(p.length - 1))).toThrow(RangeError);
  });

  // Tolerance: float32 forward with widths ≤ 16 and O(1) activations; rounding
  // is ~ √16 · 6e-8 per layer, so ≲ 1e-6 on O(1) scores. 1e-5·(1 + |T|) leaves
  // room for XNNPACK's summation order and still fails on any layout mistake
  // (a swapped W index or a misplaced bias changes scores by O(0.1–1)).
  test.each([
    ['concat', 'relu'],
    ['concat', 'tanh'],
    ['separable', 'elu'],
    ['separable', 'relu'],
  ] as const)('scores of a %s/%s critic match a float64 forward', async (kind, act) => {
    const spec = criticSpec(kind, act);
    const t = await tfjsTrainer(spec, 'dv');
    const p = paramsWithBiases(spec, 7);
    t.setParams(p);
    const n = 40;
    const { x, y } = batch(n, spec, 3);
    const s = t.scores(x, y, n);
    let spread = 0;
    for (let i = 0; i < n; i++) {
      const ref = score64(spec, p, x, i, y, i);
      expect(Math.abs(s[i]! - ref)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(ref)));
      spread = Math.max(spread, Math.abs(ref - score64(spec, p, x, 0, y, 0)));
    }
    expect(spread).toBeGreaterThan(0.1); // the scores are not all equal (the test can fail)
  });

  // Central differences of the float64 bound at the same float32 parameters
  // (h = 1e-5: truncation O(h²·L''') ≈ 1e-10, float64 cancellation ≈ 1e-16/h ≈ 1e-11),
  // so the reference is exact to ~1e-9 and the difference is the float32
  // gradient's rounding, ~1e-7 relative to the gradient's scale with these
  // sizes (measured ≤ 4e-7·max|g|). Tolerance 2e-5·max|g| + 1e-7. Smooth activations only (tanh, elu is C¹):
  // at relu kinks finite differences are not the derivative.
  test.each([
    ['concat', 'tanh', 'dv', 'transpose'],
    ['concat', 'tanh', 'dv', 'autodiff'],
    ['separable', 'elu', 'infonce', 'transpose'],
    ['separable', 'tanh', 'infonce', 'autodiff'],
  ] as const)('gradient of a %s/%s critic (%s, %s backward) matches central finite differences', async (kind, act, objective, backward) => {
    const spec = criticSpec(kind, act, { hidden: [8, 6] });
    const t = await tfjsTrainer(spec, objective, backward);
    const p = paramsWithBiases(spec, 9);
    t.setParams(p);
    const B = 24;
    const { x, y, ym } = batch(B, spec, 4);
    const g = t.gradient(x, y, ym, B);
    const q = Float64Array.from(p);
    const h = 1e-5;
    const fd = new Float64Array(q.length);
    for (let k = 0; k < q.length; k++) {
      const v = q[k]!;
      q[k] = v + h;
      const up = bound64(spec, objective, q, x, y, ym, B);
      q[k] = v - h;
      const down = bound64(spec, objective, q, x, y, ym, B);
      q[k] = v;
      fd[k] = -(up - down) / (2 * h); // loss = −bound
    }
    const scale = maxAbs(fd);
    expect(scale).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(g, fd)).toBeLessThanOrEqual(2e-5 * scale + 1e-7);
    // the bound itself, on the same batch, in float32 vs float64
    expect(Math.abs(t.evaluate(x, y, ym, B) - bound64(spec, objective, p, x, y, ym, B))).toBeLessThan(1e-5);
  });

  describe('agrees with the js kernel trainer', () => {
    const cases = (['concat', 'separable'] as const).flatMap((kind) =>
      (['dv', 'mine', 'nwj', 'smile', 'infonce'] as const).map((objective) => [kind, objective] as const),
    );

    // Same float32 parameters, same batch: the two differ only in float32
    // summation order (XNNPACK blocks vs the reference's float64-accumulated
    // loops, tfjs's float32 objective vs objectives.ts's float64 one).
    // Gradient entries are sums of B (or B²) terms that partly cancel, so the
    // rounding is relative to the gradient's scale: 2e-5·max|g| (measured
    // ≤ 1.8e-6·max|g|). Scores and bounds: 1e-5·(1 + |value|), float32 rounding
    // of O(10) scores summed in different orders (the separable NWJ bound here
    // is ≈ −169: e^{u−1} of scores up to 10; measured relative gap 5e-7).
    // The optimiser has lr = 0: the steps below only advance MINE's moving
    // average, so the parameters stay identical (see the trajectory test for why
    // they would not otherwise).
    test.each(cases)('%s critic, %s: scores, bound and gradient', async (kind, objective) => {
      const spec = criticSpec(kind, 'relu', { seed: 21 });
      const p = paramsWithBiases(spec, 13);
      const frozen = { ...ADAM, lr: 0 };
      const a = await createTrainer('js', spec, frozen, objectiveSpec(objective));
      const b = await createTfjsTrainer(spec, frozen, objectiveSpec(objective));
      live.push(b);
      try {
        a.setParams(p);
        b.setParams(p);
        const B = 32;
        const { x, y, ym } = batch(B, spec, 8);
        const sa = a.scores(x, y, B);
        const sb = b.scores(x, y, B);
        for (let i = 0; i < B; i++) expect(Math.abs(sa[i]! - sb[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(sa[i]!)));
        const va = a.evaluate(x, y, ym, B);
        expect(Math.abs(va - b.evaluate(x, y, ym, B))).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(va)));
        const ga = a.gradient(x, y, ym, B);
        const gb = b.gradient(x, y, ym, B);
        expect(maxAbs(ga)).toBeGreaterThan(1e-3);
        expect(maxAbsDiff(ga, gb)).toBeLessThanOrEqual(2e-5 * maxAbs(ga));
        // After steps on other batches MINE's gradient divides by the moving
        // average, not this batch's mean: both must carry the same state.
        for (let s = 0; s < 3; s++) {
          const o = batch(B, spec, 100 + s);
          a.step(o.x, o.y, o.ym, B);
          b.step(o.x, o.y, o.ym, B);
        }
        expect(Array.from(b.getParams())).toEqual(Array.from(p));
        const g2a = a.gradient(x, y, ym, B);
        expect(maxAbsDiff(g2a, b.gradient(x, y, ym, B))).toBeLessThanOrEqual(2e-5 * maxAbs(g2a));
        if (objective === 'mine') expect(maxAbsDiff(g2a, ga)).toBeGreaterThan(1e-4 * maxAbs(ga)); // the EMA did change it
      } finally {
        a.dispose();
      }
    });

    // 20 Adam steps (lr 1e-3) from the same start on the same batches. Adam
    // divides each coordinate by its own RMS, so a coordinate whose true
    // gradient is 0 — e.g. the output bias under DV/MINE, whose bound is
    // invariant to shifting every score by a constant — moves by ~lr per step
    // in whatever direction rounding noise points, differently on each backend
    // (up to 20·lr = 0.02). InfoNCE has such a direction too (the output bias
    // of g adds f(xᵢ)·b to row i of S, and each row's softmax ignores it).
    // They do not change the bound, so the comparison is on the per-step bounds
    // (|Δ| < 1e-4 nats; measured ≤ 3.3e-5, growing with the step count as
    // rounding differences compound) and the bound of the final critics on a
    // new batch (|Δ| < 1e-4; measured ≤ 1.3e-5), not on raw parameters; for the
    // concat critic, whose invariant direction shifts every score by one
    // constant, also on the final scores minus their mean (|Δ| < 2e-3;
    // measured ≤ 2.3e-4).
    test.each([
      ['concat', 'mine'],
      ['concat', 'smile'],
      ['separable', 'infonce'],
    ] as const)('a 20-step %s/%s trajectory stays close', async (kind, objective) => {
      const spec = criticSpec(kind, 'relu', { seed: 31 });
      const a = await createTrainer('js', spec, ADAM, objectiveSpec(objective));
      const b = await tfjsTrainer(spec, objective);
      try {
        const B = 64;
        let maxStepDiff = 0;
        let firstA = 0;
        let lastA = 0;
        for (let s = 0; s < 20; s++) {
          const o = batch(B, spec, 200 + s);
          const va = a.step(o.x, o.y, o.ym, B);
          const vb = b.step(o.x, o.y, o.ym, B);
          maxStepDiff = Math.max(maxStepDiff, Math.abs(va - vb));
          if (s === 0) firstA = va;
          lastA = va;
        }
        expect(maxStepDiff).toBeLessThan(1e-4);
        expect(lastA).not.toBeCloseTo(firstA, 3); // training moved the bound: the comparison is not vacuous
        const o = batch(B, spec, 999);
        expect(Math.abs(a.evaluate(o.x, o.y, o.ym, B) - b.evaluate(o.x, o.y, o.ym, B))).toBeLessThan(1e-4);
        if (kind === 'concat') {
          const center = (s: Float32Array): number[] => {
            const m = s.reduce((acc, v) => acc + v, 0) / s.length;
            return Array.from(s, (v) => v - m);
          };
          expect(maxAbsDiff(center(a.scores(o.x, o.y, B)), center(b.scores(o.x, o.y, B)))).toBeLessThan(2e-3);
        }
      } finally {
        a.dispose();
      }
    });
  });

  test('a step frees its tensors; dispose frees the trainer’s; memoryBytes counts its own tensors only', async () => {
    const before = tf.memory().numTensors;
    const spec = criticSpec('concat', 'relu');
    const t = await createTfjsTrainer(spec, ADAM, objectiveSpec('mine'));
    const B = 32;
    const { x, y, ym } = batch(B, spec, 1);
    t.step(x, y, ym, B);
    const afterOne = tf.memory().numTensors; // + weights + Adam's moments, created lazily on the first step
    for (let s = 0; s < 5; s++) t.step(x, y, ym, B);
    t.evaluate(x, y, ym, B);
    t.gradient(x, y, ym, B);
    t.scores(x, y, B);
    expect(tf.memory().numTensors).toBe(afterOne);
    const nParams = initParams(spec).length;
    const mem = t.memoryBytes();
    // weights + Adam's m and v, plus at least the 2B×16 first-layer activations of a step
    expect(mem).toBeGreaterThanOrEqual(3 * 4 * nParams + 4 * 2 * B * 16);
    // another tfjs user's tensors (a 10× wider critic, alive and stepping) are not counted
    const big = await createTfjsTrainer({ ...spec, hidden: [160, 80] }, ADAM, objectiveSpec('mine'));
    big.step(x, y, ym, B);
    t.step(x, y, ym, B);
    expect(t.memoryBytes()).toBe(mem);
    expect(big.memoryBytes()).toBeGreaterThan(5 * mem);
    big.dispose();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(t.memoryBytes()).toBe(0);
    expect(() => t.step(x, y, ym, B)).toThrow(/dispose/);
  });

  test('configuration comes before the one initialisation; unusable tfjs modules give a MineError naming the packages', async () => {
    expect(() => configureTfjs({ wasmPaths: '/elsewhere/' })).toThrow(/already initialised/);
    // A fresh copy of the module (its load state is per module instance), handed
    // objects that are not tfjs, stands in for missing packages.
    vi.resetModules();
    const fresh = await import('./tfjs.js');
    fresh.configureTfjs({ modules: { tf: {}, wasm: {} } });
    const err = await fresh.createTfjsTrainer(criticSpec('concat', 'relu'), ADAM, objectiveSpec('dv')).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'MineError', code: 'INVALID_PARAMS', field: 'backend' });
    expect((err as Error).message).toMatch(/@tensorflow\/tfjs@4\.22\.0 and @tensorflow\/tfjs-backend-wasm/);
  });

  test('rejects bad batches', async () => {
    const spec = criticSpec('concat', 'relu');
    const t = await tfjsTrainer(spec, 'dv');
    const { x, y, ym } = batch(8, spec, 1);
    expect(() => t.step(x, y, ym, 0)).toThrow(RangeError);
    expect(() => t.step(x, y, ym, 9)).toThrow(RangeError);
    await expect(createTfjsTrainer({ ...spec, hidden: [0] }, ADAM, objectiveSpec('dv'))).rejects.toThrow(RangeError);
  });
});

import { afterAll, describe, expect, test } from 'vitest';
import { Rng } from '../rng.js';
import { createTrainer } from './backends.js';
import { criticScore64, initParams, paramCount, paramShapes } from './critic.js';
import { matrixObjective, pairObjective, softplus } from './objectives.js';
import type { BackendName, CriticSpec, CriticTrainer, Objective, ObjectiveSpec, OptimizerSpec } from './types.js';

const ADAM: OptimizerSpec = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const objectiveSpec = (objective: Objective): ObjectiveSpec => ({ objective, emaRate: 0.01, clip: 5 });

function critic(kind: CriticSpec['kind'], activation: CriticSpec['activation'], seed = 3): CriticSpec {
  return { dx: 2, dy: 3, kind, hidden: [8, 6], embedDim: 4, activation, init: activation === 'tanh' ? 'xavier' : 'he', seed };
}

function randomBatch(B: number, dx: number, dy: number, rng: Rng): { x: Float32Array; y: Float32Array; ym: Float32Array } {
  const x = Float32Array.from({ length: B * dx }, () => rng.normal());
  const y = Float32Array.from({ length: B * dy }, () => rng.normal());
  const ym = Float32Array.from({ length: B * dy }, () => rng.normal());
  return { x, y, ym };
}

/** Float64 loss −bound on the flat params, from the float64 critic (critic.ts) and objectives.ts. */
function loss64(spec: CriticSpec, obj: ObjectiveSpec, p: ArrayLike<number>, x: Float32Array, y: Float32Array, ym: Float32Array, B: number): number {
  const score = (xs: Float32Array, i: number, ys: Float32Array, j: number): number => criticScore64(spec, p, xs, i, ys, j);
  if (obj.objective === 'infonce' || spec.kind === 'separable') {
    const S: number[] = [];
    for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) S.push(score(x, i, y, j));
    if (obj.objective === 'smile') {
      // JS f-GAN loss on the matrix: diagonal = joint, off-diagonal = marginal (Song & Ermon's js_fgan_lower_bound).
      let l = 0;
      for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) l += i === j ? softplus(-S[i * B + j]!) / B : softplus(S[i * B + j]!) / (B * (B - 1));
      return l;
    }
    return -matrixObjective(obj, S, B);
  }
  const t = Array.from({ length: B }, (_, i) => score(x, i, y, i));
  const u = Array.from({ length: B }, (_, i) => score(x, i, ym, i));
  if (obj.objective === 'smile') {
    // SMILE trains on the Jensen–Shannon f-GAN bound (Song & Ermon 2020): L = mean softplus(−t) + mean softplus(u).
    return t.reduce((s, v) => s + softplus(-v), 0) / B + u.reduce((s, v) => s + softplus(v), 0) / B;
  }
  return -pairObjective(obj, t, u);
}

const live: CriticTrainer[] = [];
async function make(backend: BackendName, spec: CriticSpec, obj: Objective, opt = ADAM): Promise<CriticTrainer> {
  const t = await createTrainer(backend, spec, opt, objectiveSpec(obj), { capacity: 16 });
  live.push(t);
  return t;
}
afterAll(() => {
  for (const t of live) t.dispose();
});

describe('critic layout and init', () => {
  test('canonical flat order: W (in×out) then b, layer by layer; f before g', () => {
    const s = critic('separable', 'relu');
    const shapes = paramShapes(s);
    expect(shapes.map((p) => p.name)).toEqual([
      'f.layer0.W', 'f.layer0.b', 'f.layer1.W', 'f.layer1.b', 'f.layer2.W', 'f.layer2.b',
      'g.layer0.W', 'g.layer0.b', 'g.layer1.W', 'g.layer1.b', 'g.layer2.W', 'g.layer2.b',
    ]);
    expect(shapes[2]!.shape).toEqual([8, 6]);
    expect(shapes[2]!.offset).toBe(2 * 8 + 8);
    expect(paramCount(s)).toBe(shapes.reduce((n, p) => n + p.size, 0));
  });

  test('He init has variance 2/fan_in and zero biases; same seed, same weights', () => {
    const s: CriticSpec = { dx: 200, dy: 200, kind: 'concat', hidden: [300], embedDim: 1, activation: 'relu', init: 'he', seed: 9 };
    const p = initParams(s);
    const w = p.subarray(0, 400 * 300);
    const v = w.reduce((a, b) => a + b * b, 0) / w.length;
    // 120 000 draws: the sample variance has relative sd √(2/120000) ≈ 0.4%; allow 2%.
    expect(Math.abs(v / (2 / 400) - 1)).toBeLessThan(0.02);
    expect(p.subarray(400 * 300, 400 * 300 + 300).every((b) => b === 0)).toBe(true);
    expect(initParams(s)).toEqual(p);
    const x = initParams({ ...s, init: 'xavier' }).subarray(0, 400 * 300);
    const vx = x.reduce((a, b) => a + b * b, 0) / x.length;
    expect(Math.abs(vx / (2 / 700) - 1)).toBeLessThan(0.02);
  });
});

test('an untrained separable critic scores with about unit spread, not ±2√embedDim', () => {
  // 20-dim x and y, f and g of width 512 → 32. Plain He init on the embedding layer gives
  // f_e, g_e of variance ≈ 2 and a score sd ≈ 2√32 ≈ 11 (measured before the scaling: the
  // untrained critic read 7.5 nats on a 2-nat task). With the embedding layers scaled by
  // E^(−1/4)/√2 the score sd is ≈ 1; [0.4, 2.5] brackets it and excludes the unscaled 11.
  const spec: CriticSpec = { dx: 20, dy: 20, kind: 'separable', hidden: [512], embedDim: 32, activation: 'relu', init: 'he', seed: 4 };
  const p = initParams(spec);
  const rng = new Rng(8);
  const n = 400;
  const { x, y } = randomBatch(n, 20, 20, rng);
  const s = Array.from({ length: n }, (_, i) => criticScore64(spec, p, x, i, y, (i + 1) % n));
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  expect(sd).toBeGreaterThan(0.4);
  expect(sd).toBeLessThan(2.5);
});

describe.each(['js', 'wasm', 'wasm-fma'] as const)('backend %s', (backend) => {
  test.each([
    ['concat', 'relu'],
    ['separable', 'tanh'],
    ['concat', 'elu'],
  ] as const)('%s/%s scores equal a float64 forward of the same params', async (kind, activation) => {
    const spec = critic(kind, activation);
    const tr = await make(backend, spec, 'dv');
    const rng = new Rng(1);
    const n = 37; // > capacity 16·2: exercises the chunked forward, and a partial last chunk
    const { x, y } = randomBatch(n, 2, 3, rng);
    const s = tr.scores(x, y, n);
    const p = initParams(spec);
    expect(tr.getParams()).toEqual(p);
    for (let i = 0; i < n; i++) {
      const want = criticScore64(spec, p, x, i, y, i);
      // float32 storage of every activation: relative error ~ depth × width × 6e-8; 2e-5 (abs, scores are O(1)) is ample.
      expect(Math.abs(s[i]! - want)).toBeLessThan(2e-5 * (1 + Math.abs(want)));
    }
  });

  test.each([
    ['concat', 'dv', 'tanh'],
    ['concat', 'nwj', 'elu'],
    ['concat', 'smile', 'tanh'],
    ['concat', 'infonce', 'tanh'],
    ['separable', 'infonce', 'tanh'],
    ['separable', 'dv', 'elu'],
    ['separable', 'nwj', 'tanh'],
    ['separable', 'smile', 'elu'],
    ['separable', 'mine', 'tanh'],
  ] as const)('%s/%s: gradient() equals central finite differences of the float64 loss (%s)', async (kind, obj, activation) => {
    const spec = critic(kind, activation, 11);
    const tr = await make(backend, spec, obj);
    const B = 6;
    const { x, y, ym } = randomBatch(B, 2, 3, new Rng(2));
    const g = tr.gradient(x, y, ym, B);
    const p = Float64Array.from(initParams(spec));
    // Float64 central differences with h = 1e-5: truncation O(h²·f''') ≈ 1e-10 and rounding
    // ≈ 1e-16/1e-5 ≈ 1e-11, so the reference is exact to ~1e-9. The trainer's gradient is float32
    // arithmetic through 3 layers (relative ~1e-6), so 1e-4 × the largest component bounds the gap;
    // a wrong transpose or a missing term gives errors of the gradient's own size.
    const h = 1e-5;
    let gmax = 0;
    const fd = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const keep = p[i]!;
      p[i] = keep + h;
      const up = loss64(spec, objectiveSpec(obj), p, x, y, ym, B);
      p[i] = keep - h;
      const down = loss64(spec, objectiveSpec(obj), p, x, y, ym, B);
      p[i] = keep;
      fd[i] = (up - down) / (2 * h);
      gmax = Math.max(gmax, Math.abs(fd[i]!));
    }
    expect(gmax).toBeGreaterThan(1e-3);
    for (let i = 0; i < p.length; i++) expect(Math.abs(g[i]! - fd[i]!)).toBeLessThan(1e-4 * gmax);
  });

  test.each(['mine', 'dv', 'nwj', 'smile', 'infonce'] as const)('evaluate() equals the float64 bound of the float64 scores (%s, both critics)', async (obj) => {
    for (const kind of ['concat', 'separable'] as const) {
      const spec = critic(kind, 'tanh', 13);
      const tr = await make(backend, spec, obj);
      const B = 12;
      const { x, y, ym } = randomBatch(B, 2, 3, new Rng(14));
      // Spread the data so scores reach past SMILE's τ = 5 and exponents are not all near 1.
      for (const a of [x, y, ym]) for (let i = 0; i < a.length; i++) a[i] = 3 * a[i]!;
      const p = initParams(spec);
      const score = (xs: Float32Array, i: number, ys: Float32Array, j: number): number => criticScore64(spec, p, xs, i, ys, j);
      let want: number;
      if (kind === 'separable' || obj === 'infonce') {
        const S: number[] = [];
        for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) S.push(score(x, i, y, j));
        want = matrixObjective(objectiveSpec(obj), S, B);
      } else {
        const t = Array.from({ length: B }, (_, i) => score(x, i, y, i));
        const u = Array.from({ length: B }, (_, i) => score(x, i, ym, i));
        want = pairObjective(objectiveSpec(obj), t, u);
      }
      // float32 scores (relative ~1e-6) through exp and log: 1e-4 × (1 + |bound|) is ample.
      expect(Math.abs(tr.evaluate(x, y, ym, B) - want)).toBeLessThan(1e-4 * (1 + Math.abs(want)));
    }
  });

  test('SMILE with a small clip (τ = 0.3) on both critics: the clip binds and values still match', async () => {
    const obj: ObjectiveSpec = { objective: 'smile', emaRate: 0.01, clip: 0.3 };
    for (const kind of ['concat', 'separable'] as const) {
      const spec = critic(kind, 'relu', 15);
      const tr = await createTrainer(backend, spec, ADAM, obj, { capacity: 16 });
      live.push(tr);
      const B = 10;
      const { x, y, ym } = randomBatch(B, 2, 3, new Rng(16));
      const p = initParams(spec);
      const score = (xs: Float32Array, i: number, ys: Float32Array, j: number): number => criticScore64(spec, p, xs, i, ys, j);
      let want: number;
      let unclipped: number;
      if (kind === 'separable') {
        const S: number[] = [];
        for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) S.push(score(x, i, y, j));
        want = matrixObjective(obj, S, B);
        unclipped = matrixObjective({ ...obj, clip: 1e9 }, S, B);
      } else {
        const t = Array.from({ length: B }, (_, i) => score(x, i, y, i));
        const u = Array.from({ length: B }, (_, i) => score(x, i, ym, i));
        want = pairObjective(obj, t, u);
        unclipped = pairObjective({ ...obj, clip: 1e9 }, t, u);
      }
      expect(Math.abs(want - unclipped)).toBeGreaterThan(1e-3); // some |u| > τ: the clip matters here
      expect(Math.abs(tr.evaluate(x, y, ym, B) - want)).toBeLessThan(1e-4 * (1 + Math.abs(want)));
    }
  });

  test('mine: first-step gradient is the DV gradient (moving average starts at the batch mean)', async () => {
    const spec = critic('concat', 'tanh', 5);
    const a = await make(backend, spec, 'mine');
    const b = await make(backend, spec, 'dv');
    const { x, y, ym } = randomBatch(8, 2, 3, new Rng(4));
    const ga = a.gradient(x, y, ym, 8);
    const gb = b.gradient(x, y, ym, 8);
    // Identical arithmetic except e^{u−lse} vs e^{u − log M − log ema} with ema = mean e^u: rounding only.
    for (let i = 0; i < ga.length; i++) expect(Math.abs(ga[i]! - gb[i]!)).toBeLessThan(1e-6);
  });

  test('setLearningRate scales the next Adam step', async () => {
    // Adam's first step is −lr·g/(|g| + ε) ≈ −lr·sign(g): at 4× the step size it is 4× as long,
    // up to float32 rounding of p + Δ (|p| ≲ 2, so ≲ 2.4e-7 absolute).
    const spec = critic('concat', 'tanh', 12);
    const a = await make(backend, spec, 'dv');
    const b = await make(backend, spec, 'dv');
    b.setLearningRate(4 * ADAM.lr);
    const { x, y, ym } = randomBatch(8, 2, 3, new Rng(13));
    const p0 = initParams(spec);
    a.step(x, y, ym, 8);
    b.step(x, y, ym, 8);
    const pa = a.getParams();
    const pb = b.getParams();
    let moved = 0;
    for (let i = 0; i < p0.length; i++) {
      const da = pa[i]! - p0[i]!;
      const db = pb[i]! - p0[i]!;
      expect(Math.abs(db - 4 * da)).toBeLessThan(2e-6);
      if (Math.abs(da) > 5e-4) moved++;
    }
    expect(moved).toBeGreaterThan(p0.length / 2);
    expect(() => a.setLearningRate(0)).toThrow(RangeError);
  });

  test('same seed ⇒ bitwise identical 20-step trajectory; a reused (pooled) instance too', async () => {
    const spec = critic('concat', 'relu', 8);
    const run = async (): Promise<{ values: number[]; params: Float32Array }> => {
      const tr = await createTrainer(backend, spec, ADAM, objectiveSpec('mine'), { capacity: 16 });
      const rng = new Rng(21);
      const values: number[] = [];
      for (let s = 0; s < 20; s++) {
        const { x, y, ym } = randomBatch(16, 2, 3, rng);
        values.push(tr.step(x, y, ym, 16));
      }
      const params = tr.getParams();
      tr.dispose();
      return { values, params };
    };
    const r1 = await run();
    const r2 = await run();
    expect(r2.values).toEqual(r1.values);
    expect(r2.params.every((v, i) => Object.is(v, r1.params[i]))).toBe(true);
    expect(r1.params.some((v, i) => v !== initParams(spec)[i])).toBe(true);
  });

  test('batches larger than the allocated capacity grow the buffers and keep the weights', async () => {
    const spec = critic('separable', 'relu', 6);
    const tr = await make(backend, spec, 'infonce');
    const before = tr.memoryBytes();
    const { x, y, ym } = randomBatch(40, 2, 3, new Rng(7));
    const v = tr.evaluate(x, y, ym, 40);
    expect(v).toBeLessThanOrEqual(Math.log(40));
    expect(tr.memoryBytes()).toBeGreaterThan(before);
    expect(tr.getParams()).toEqual(initParams(spec));
  });
});

describe.each(['wasm', 'wasm-fma'] as const)('%s agrees with js', (wasmBackend) => {
  // Parameters the bound is invariant to have a true gradient of exactly 0; the computed one is
  // rounding noise, and Adam's first steps (m̂/√v̂ = ±1) turn any noise into ±lr moves, so the two
  // backends legitimately drift apart along them: DV's output bias (T + c leaves mean t − log mean e^u
  // unchanged) and, for a separable InfoNCE critic, g's last bias (adds f(xᵢ)·c to row i of S, which
  // the row softmax ignores). They are left out of the parameter comparison, not of the bound's.
  test.each([
    ['concat', 'nwj', 'relu', null],
    ['concat', 'smile', 'elu', null],
    ['concat', 'dv', 'tanh', 'layer2.b'],
    ['separable', 'infonce', 'tanh', 'g.layer2.b'],
  ] as const)('%s/%s: scores and a 20-step training trajectory', async (kind, obj, activation, invariant) => {
    const spec = critic(kind, activation, 12);
    const js = await make('js', spec, obj);
    const wa = await make(wasmBackend, spec, obj);
    const rng = new Rng(30);
    const B = 16;
    for (let s = 0; s < 20; s++) {
      const { x, y, ym } = randomBatch(B, 2, 3, rng);
      const vj = js.step(x, y, ym, B);
      const vw = wa.step(x, y, ym, B);
      // Bounds agree to float32 rounding (js sums in float64, wasm in float32), growing slowly over the steps.
      expect(Math.abs(vj - vw)).toBeLessThan(1e-4 * (1 + Math.abs(vj)));
    }
    const pj = js.getParams();
    const pw = wa.getParams();
    const skip = paramShapes(spec).find((p) => p.name === invariant);
    // Observed ≈ 1e-7 after 20 steps of lr 1e-3 (weights move ~2e-2); 1e-5 leaves room for
    // rounding growth while a wrong kernel (errors of the update's size, 1e-3) still fails.
    let worst = 0;
    for (let i = 0; i < pj.length; i++) {
      if (skip && i >= skip.offset && i < skip.offset + skip.size) continue;
      worst = Math.max(worst, Math.abs(pj[i]! - pw[i]!));
    }
    expect(worst).toBeLessThan(1e-5);
    const { x, y, ym } = randomBatch(B, 2, 3, rng);
    const ej = js.evaluate(x, y, ym, B);
    const ew = wa.evaluate(x, y, ym, B);
    expect(Math.abs(ej - ew)).toBeLessThan(1e-4 * (1 + Math.abs(ej)));
    if (!skip) {
      const sj = js.scores(x, y, B);
      const sw = wa.scores(x, y, B);
      for (let i = 0; i < B; i++) expect(Math.abs(sj[i]! - sw[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(sj[i]!)));
    }
  });
});

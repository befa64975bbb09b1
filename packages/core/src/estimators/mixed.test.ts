import { describe, expect, it } from 'vitest';
import { MineError } from '../errors.js';
import type { EstimateResult, Variable } from '../interface.js';
import { digammaInt } from '../math/special.js';
import { runEstimator, type EstimatorDefinition } from '../registry.js';
import { Rng } from '../rng.js';
import { encodeSymbols } from './discrete.js';
import { mixedEstimator, mixedFromPrepared } from './mixed.js';
import { expectMineError } from '../test-utils.js';

const run = (x: unknown, y: unknown, params: Record<string, unknown> = {}, signal?: AbortSignal): Promise<EstimateResult> =>
  runEstimator(mixedEstimator as unknown as EstimatorDefinition, x as never, y as never, params, signal ? { signal } : {});

function variable(data: Float64Array, n: number, d: number, categorical = false): Variable {
  return { data, n, d, names: Array.from({ length: d }, (_, j) => `c${j}`), categorical: new Array<boolean>(d).fill(categorical) };
}


/**
 * I(C; X) for C ~ Bernoulli(½), X | C=c ~ N(c·δ, 1), by quadrature:
 * I = H(X) − H(X | C), H(X | C) = ½ log(2πe), and H(X) = −∫ p log p for the
 * mixture p = ½ φ(x) + ½ φ(x − δ), by the trapezoid rule with step 1e-3 over
 * [−12, 12 + δ] (the tails beyond hold < 1e-30 of the mass; the integrand is
 * smooth, so the rule's error is far below 1e-8).
 */
function gaussianMixtureMI(delta: number): number {
  const phi = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  const h = 1e-3;
  const a = -12;
  const steps = Math.round((24 + delta) / h);
  let H = 0;
  for (let s = 0; s <= steps; s++) {
    const t = a + s * h;
    const p = 0.5 * phi(t) + 0.5 * phi(t - delta);
    const f = p > 0 ? -p * Math.log(p) : 0;
    H += s === 0 || s === steps ? 0.5 * f : f;
  }
  return H * h - 0.5 * Math.log(2 * Math.PI * Math.E);
}

/** Labels c ∈ {0,1} (fair coin) and X | c ~ N(c·δ, 1) in `d` coordinates, shifted by δ/√d in each (so the separation is δ). */
function mixtureSample(n: number, delta: number, seed: number, d = 1): { c: Float64Array; x: Float64Array } {
  const rng = new Rng(seed);
  const c = new Float64Array(n);
  const x = new Float64Array(n * d);
  const shift = delta / Math.sqrt(d);
  for (let i = 0; i < n; i++) {
    c[i] = rng.int(2);
    for (let j = 0; j < d; j++) x[i * d + j] = rng.normal() + c[i]! * shift;
  }
  return { c, x };
}

/**
 * Ross (2014) eq. (2) by exhaustive search, independently of the kd-tree code:
 * drop singleton classes; for each i, d_i = k'-th smallest max-norm distance to
 * the other members of its class, m_i = #{j ≠ i : dist ≤ d_i};
 * I = ψ(N) + ⟨ψ(k')⟩ − ⟨ψ(N_c)⟩ − ⟨ψ(m)⟩ (same summation order as the estimator).
 */
function rossBruteForce(c: Variable, labels: ArrayLike<number>, k: number): number {
  const size = new Map<number, number>();
  for (let i = 0; i < c.n; i++) size.set(labels[i]!, (size.get(labels[i]!) ?? 0) + 1);
  const rows: number[] = [];
  for (let i = 0; i < c.n; i++) if (size.get(labels[i]!)! > 1) rows.push(i);
  const dist = (i: number, j: number) => {
    let m = 0;
    for (let t = 0; t < c.d; t++) m = Math.max(m, Math.abs(c.data[j * c.d + t]! - c.data[i * c.d + t]!));
    return m;
  };
  let sK = 0;
  let sNc = 0;
  let sM = 0;
  for (const i of rows) {
    const nc = size.get(labels[i]!)!;
    const kk = Math.min(k, nc - 1);
    const within = rows.filter((j) => j !== i && labels[j] === labels[i]).map((j) => dist(i, j));
    within.sort((a, b) => a - b);
    const r = within[kk - 1]!;
    const m = rows.filter((j) => j !== i && dist(i, j) <= r).length;
    sK += digammaInt(kk);
    sNc += digammaInt(nc);
    sM += digammaInt(m);
  }
  return digammaInt(rows.length) + (sK - sNc - sM) / rows.length;
}

describe('mixed: accuracy against known MI', () => {
  it('quadrature truth for separation 2 is 0.3368 nats', () => {
    // Pins the oracle itself: the limits δ → 0 and δ → ∞ are 0 and log 2.
    expect(gaussianMixtureMI(2)).toBeCloseTo(0.33683, 4);
    expect(gaussianMixtureMI(0)).toBeCloseTo(0, 8);
    expect(gaussianMixtureMI(20)).toBeCloseTo(Math.LN2, 8);
  });

  it('binary label, X | c ~ N(2c, 1), n = 5000: within 0.03 of the quadrature value', async () => {
    // Measured over 20 seeds at n = 5000, k = 3: error mean −0.002, sd 0.008;
    // 0.03 is ≈ 4 sd (the brief's 0.05 would be 6).
    const truth = gaussianMixtureMI(2);
    const { c, x } = mixtureSample(5000, 2, 101);
    const r = await run(c, x, { discrete: 'x' });
    expect(Math.abs(r.value - truth)).toBeLessThan(0.03);
    expect(r.details).toEqual({ classes: 2, droppedRows: 0 });
  });

  it('scikit-learn case: C ~ Bernoulli(p), Y | C=0 ~ U(−1,1), Y | C=1 ~ U(0,2): I = ½ H_b(p)', async () => {
    // Derivation: the two uniforms overlap on (0,1), which Y hits with
    // probability ½ whatever C is, and where p(c | y) = p(c) (both densities
    // are ½). Outside the overlap Y determines C. So H(C | Y) = ½ H_b(p) and
    // I = H(C) − H(C | Y) = ½ H_b(p), H_b(p) = −p ln p − (1−p) ln(1−p). This equals
    // sklearn's test_compute_mi_cd formula, −½[(1−p) ln((1−p)/2) + p ln(p/2) + ln ½] − ln 2.
    // Measured over 20 seeds at n = 5000: error sd 0.0072, |mean| ≤ 0.002; 0.03 ≈ 4 sd.
    for (const p of [0.3, 0.5]) {
      const rng = new Rng(Math.round(p * 1000));
      const n = 5000;
      const c = new Float64Array(n);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        c[i] = rng.next() < p ? 1 : 0;
        y[i] = c[i] === 0 ? rng.uniform(-1, 1) : rng.uniform(0, 2);
      }
      const hb = -p * Math.log(p) - (1 - p) * Math.log(1 - p);
      const sk = -0.5 * ((1 - p) * Math.log(0.5 * (1 - p)) + p * Math.log(0.5 * p) + Math.log(0.5)) - Math.log(2);
      expect(sk).toBeCloseTo(hb / 2, 12);
      const r = await run(c, y, { discrete: 'x' });
      expect(Math.abs(r.value - hb / 2)).toBeLessThan(0.03);
    }
  });

  it('independent label: ≈ 0 (|mean of 4 runs| < 0.02, each run < 0.04)', async () => {
    // Measured over 20 seeds at n = 5000: mean 0.0001, sd 0.0088. One run within
    // 0.02 would be a 2.3-sd check; the mean of 4 has sd 0.0044 (0.02 ≈ 4.5 sd),
    // and 0.04 bounds each run at ≈ 4.5 sd.
    let sum = 0;
    for (let rep = 0; rep < 4; rep++) {
      const rng = new Rng(200 + rep);
      const c = Float64Array.from({ length: 5000 }, () => rng.int(2));
      const x = Float64Array.from({ length: 5000 }, () => rng.normal());
      const r = await run(c, x, { discrete: 'x' });
      expect(Math.abs(r.value)).toBeLessThan(0.04);
      sum += r.value;
    }
    expect(Math.abs(sum / 4)).toBeLessThan(0.02);
  });

  it('multivariate continuous side: 2-D with the same separation gives the same MI', async () => {
    // Shift δ/√2 in each coordinate: the label lives on the diagonal, where the
    // separation is δ = 2; the orthogonal direction is independent noise, so the
    // truth is the 1-D value. Measured over 20 seeds at n = 5000: error mean
    // −0.001, sd 0.010; 0.04 ≈ 4 sd.
    const truth = gaussianMixtureMI(2);
    const { c, x } = mixtureSample(5000, 2, 102, 2);
    const r = await run(c, { data: x, rows: 5000, cols: 2 }, { discrete: 'x' });
    expect(r.dims).toEqual({ x: 1, y: 2 });
    expect(Math.abs(r.value - truth)).toBeLessThan(0.04);
  });

  it('multi-column label: joint symbols; an independent second column adds nothing', async () => {
    // Label (c, b) with b an independent fair coin: I((C,B); X) = I(C; X), 4 joint symbols.
    const truth = gaussianMixtureMI(2);
    const { c, x } = mixtureSample(5000, 2, 103);
    const rng = new Rng(104);
    const label = new Float64Array(10000);
    for (let i = 0; i < 5000; i++) {
      label[2 * i] = c[i]!;
      label[2 * i + 1] = rng.int(2);
    }
    const r = await run({ data: label, rows: 5000, cols: 2 }, x, { discrete: 'x' });
    expect(r.details?.['classes']).toBe(4);
    // Smaller classes (≈ 1250) make it noisier than the 2-class case: over 20
    // seeds error mean 0.000, sd 0.0125; 0.04 ≈ 3.2 sd.
    expect(Math.abs(r.value - truth)).toBeLessThan(0.04);
    expect(encodeSymbols(variable(Float64Array.from([1, 2, 1, 2, 0, 2, -0, 2]), 4, 2)).cardinality).toBe(2);
  });
});

describe('mixed: kd-tree core equals the brute-force reference', () => {
  it('on small random cases (d ≤ 3, k ∈ {1,3,5}, singleton classes, unequal class sizes)', () => {
    const rng = new Rng(31);
    for (let rep = 0; rep < 12; rep++) {
      const d = 1 + (rep % 3);
      const n = 40 + rng.int(160);
      const classes = 2 + rng.int(5);
      const labels = new Float64Array(n);
      const data = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        // Skewed class sizes; a few unique labels (100 + i) that must be dropped.
        labels[i] = rng.next() < 0.03 ? 100 + i : Math.floor(classes * rng.next() ** 2);
        for (let j = 0; j < d; j++) data[i * d + j] = rng.normal() + labels[i]! * 0.3;
      }
      const c = variable(data, n, d);
      for (const k of [1, 3, 5]) {
        const fast = mixedFromPrepared(c, labels, k);
        // Same terms, same order: agreement to rounding.
        expect(Math.abs(fast.value - rossBruteForce(c, labels, k))).toBeLessThan(1e-10);
        expect(fast.used + fast.dropped).toBe(n);
      }
    }
  });
});

describe('mixed: sides, symmetry, diagnostics', () => {
  it('is symmetric: mixed(x=label, y=cont) == mixed(x=cont, y=label)', async () => {
    const { c, x } = mixtureSample(2000, 1.5, 111);
    const tied = x.map((v) => Math.round(v * 10) / 10); // with ties, so jitter is involved too
    for (const cont of [x, tied]) {
      const a = await run(c, cont, { discrete: 'x', seed: 5 });
      const b = await run(cont, c, { discrete: 'y', seed: 5 });
      expect(b.value).toBe(a.value);
      const auto = await run(cont, c, { seed: 5 });
      expect(auto.value).toBe(a.value);
    }
  });

  it("auto: picks the categorical side, else the few-valued integer side, and says so; else throws", async () => {
    const { c, x } = mixtureSample(500, 2, 121);
    const r1 = await run(variable(x, 500, 1), variable(c, 500, 1, true));
    const choice = r1.diagnostics.find((d) => d.code === 'AUTO_CHOICE');
    expect(choice?.data?.['discrete']).toBe('y');
    expect(choice?.message).toContain('categorical');
    const r2 = await run(c, x);
    expect(r2.diagnostics.find((d) => d.code === 'AUTO_CHOICE')?.data?.['discrete']).toBe('x');
    // Explicit choice: no AUTO_CHOICE.
    const r3 = await run(c, x, { discrete: 'x' });
    expect(r3.diagnostics.map((d) => d.code)).not.toContain('AUTO_CHOICE');
    expect(r3.value).toBe(r2.value);
    // Two continuous sides, two integer labels, two categorical sides: ambiguous.
    const e1 = await expectMineError(run(x, x.map((v) => v * 2)), 'UNSUPPORTED_DATA', 'discrete');
    expect(e1.message).toContain("'discrete'");
    await expectMineError(run(c, c.map((v) => 1 - v)), 'UNSUPPORTED_DATA', 'discrete');
    await expectMineError(run(variable(c, 500, 1, true), variable(c, 500, 1, true)), 'UNSUPPORTED_DATA', 'discrete');
    await expectMineError(run(c, x, { discrete: 'z' }), 'INVALID_PARAMS', 'discrete');
  });

  it('rows with a unique label are dropped (as scikit-learn does) and reported', async () => {
    const { c, x } = mixtureSample(400, 2, 131);
    const labels = c.slice();
    for (let i = 0; i < 40; i++) labels[i] = 10 + i; // 40 singleton labels: 10% of rows
    const r = await run(labels, x, { discrete: 'x' });
    expect(r.details).toEqual({ classes: 2, droppedRows: 40 });
    const d = r.diagnostics.find((dd) => dd.code === 'DROPPED_ROWS');
    expect(d?.data?.['droppedRows']).toBe(40);
    // Equal to the estimate on the other 360 rows alone.
    const rest = await run(c.slice(40), x.slice(40), { discrete: 'x' });
    expect(r.value).toBe(rest.value);
    // All labels unique: nothing left.
    const unique = Float64Array.from({ length: 400 }, (_, i) => i);
    await expectMineError(run(unique, x, { discrete: 'x' }), 'UNSUPPORTED_DATA');
  });

  it('ties on the continuous side: TIES + JITTER_ADDED, seed-dependent; no ties: seed-independent', async () => {
    const { c, x } = mixtureSample(2000, 2, 141);
    const tied = x.map((v) => Math.round(v * 10) / 10);
    const a = await run(c, tied, { discrete: 'x', seed: 1 });
    const b = await run(c, tied, { discrete: 'x', seed: 1 });
    const other = await run(c, tied, { discrete: 'x', seed: 2 });
    expect(a.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['TIES', 'JITTER_ADDED']));
    expect(b.value).toBe(a.value);
    expect(other.value).not.toBe(a.value);
    // Seed-to-seed spread on these tied data, over 20 data sets: sd 0.0085; 0.05 ≈ 6 sd.
    expect(Math.abs(other.value - a.value)).toBeLessThan(0.05);
    const clean1 = await run(c, x, { discrete: 'x', seed: 1 });
    const clean2 = await run(c, x, { discrete: 'x', seed: 2 });
    expect(clean1.value).toBe(clean2.value);
    expect(clean1.diagnostics.map((d) => d.code)).not.toContain('JITTER_ADDED');
  });

  it('a constant label gives 0; a constant continuous side is CONSTANT_COLUMN', async () => {
    const rng = new Rng(151);
    const x = Float64Array.from({ length: 300 }, () => rng.normal());
    const one = new Float64Array(300).fill(4);
    // One class: m_i = k' exactly, so every term cancels (up to rounding).
    expect(Math.abs((await run(one, x, { discrete: 'x' })).value)).toBeLessThan(1e-12);
    await expectMineError(run(x.map((v) => (v > 0 ? 1 : 0)), one, { discrete: 'x' }), 'CONSTANT_COLUMN');
  });

  it('rejects bad k, keeps inputs intact, honours an aborted signal', async () => {
    const { c, x } = mixtureSample(300, 2, 161);
    for (const k of [0, 1.5]) await expectMineError(run(c, x, { k }), 'INVALID_PARAMS', 'k');
    await expectMineError(run(c.slice(0, 3), x.slice(0, 3)), 'TOO_FEW_ROWS');
    const cc = c.slice();
    const xc = x.slice();
    await run(c, x, { seed: 3 });
    expect(c).toEqual(cc);
    expect(x).toEqual(xc);
    const ctl = new AbortController();
    ctl.abort();
    await expectMineError(run(c, x, {}, ctl.signal), 'ABORTED');
  });
});

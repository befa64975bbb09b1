import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { createReferenceKernels, loadWasmKernels, type ActLike, type Kernels } from '../src/index.js';
import { BUILDS, EPS32, U32, randomArray, rng, worstRatio } from './helpers.js';

// Differential tests: wasm GEMM against the TS reference on shapes that are
// and are not multiples of the micro-tile (5×8) and SIMD width (4), in every
// transpose variant, with and without accumulation, with the fused epilogue;
// and the reference against an exact float64 product.
//
// Tolerance per entry (Higham, "Accuracy and Stability of Numerical
// Algorithms", §3.1: recursive summation of k products has error
// ≤ γ_k Σ|a||b| with γ_k ≈ k·u): the wasm sum of k float32 products has
// error ≤ k·u·Σ_p|a_ip||b_pj|; the reference (float64, one rounding) ≤ u·|c|;
// accumulate and bias each add one more rounding of |C_old| and |bias|.
// We allow (k + 2)·eps32 = 2(k + 2)·u times Σ|a||b| + |C_old| + |bias|: twice
// the bound, so a failure means a real error (a wrong element is off by
// O(Σ|a||b|), a million times more).

const SMALL = [1, 2, 3, 5, 7, 8, 13, 17];
const ALL = [1, 2, 3, 5, 7, 8, 13, 17, 64, 100, 129];

interface Case {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
  act?: ActLike;
  bias?: boolean;
}

let wasm: Kernels;
let ref: Kernels;
beforeAll(() => {
  ref = createReferenceKernels();
});

/** Runs one case on both backends; returns the worst error/tolerance ratio. */
function runCase(c: Case, seed: number): number {
  const rand = rng(seed);
  const { m, k, n } = c;
  const A = randomArray(rand, m * k);
  const B = randomArray(rand, k * n);
  const C0 = randomArray(rand, m * n);
  const bias = c.bias ? randomArray(rand, n) : null;
  const out: Float32Array[] = [];
  for (const K of [wasm, ref]) {
    const h = K.heap;
    const mark = h.mark();
    const a = h.allocFrom(A), b = h.allocFrom(B), cc = h.allocFrom(C0);
    const bb = bias ? h.allocFrom(bias) : 0;
    if (c.act !== undefined || bias) K.gemmBiasAct(a, b, bb, cc, m, k, n, c.act ?? 'linear', c.transA, c.transB, c.accumulate);
    else K.gemm(a, b, cc, m, k, n, c.transA, c.transB, c.accumulate);
    out.push(h.read(cc, m * n));
    h.reset(mark);
  }
  // Σ_p |op(A)_ip| |op(B)_pj| per entry
  const absSum = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = A[c.transA ? p * m + i : i * k + p] as number;
        const bv = B[c.transB ? j * k + p : p * n + j] as number;
        s += Math.abs(av * bv);
      }
      absSum[i * n + j] = s + (c.accumulate ? Math.abs(C0[i * n + j] as number) : 0) + (bias ? Math.abs(bias[j] as number) : 0);
    }
  // elu/tanh add the exp kernel's error (≤ 2 eps32 absolute on values of size ≤ 1).
  const actSlack = c.act === 'elu' || c.act === 'tanh' ? 2 * EPS32 : 0;
  return worstRatio(out[0] as Float32Array, out[1] as Float32Array, (i) => (k + 2) * EPS32 * (absSum[i] as number) + actSlack + 1e-30);
}

const variants: [boolean, boolean, string][] = [
  [false, false, 'NN'],
  [false, true, 'NT'],
  [true, false, 'TN'],
  [true, true, 'TT'],
];

// Every wasm test runs on both builds: the default and the relaxed-SIMD (fused
// multiply-add) one. An FMA rounds once per product-sum instead of twice, so
// the same error bounds hold.
describe.each(BUILDS)('$name build', ({ fma }) => {
  beforeAll(async () => {
    wasm = await loadWasmKernels({ fma });
  });

  describe('gemm: wasm vs reference', () => {
    for (const [transA, transB, name] of variants) {
      test(`${name}: every m, k, n in {${SMALL.join(',')}}, accumulate off and on`, () => {
        let worst = 0;
        let seed = 1;
        for (const m of SMALL)
          for (const k of SMALL)
            for (const n of SMALL)
              for (const accumulate of [false, true]) worst = Math.max(worst, runCase({ m, k, n, transA, transB, accumulate }, seed++));
        expect(worst).toBeLessThanOrEqual(1);
      });

      test(`${name}: 40 random shapes from {${ALL.join(',')}}`, () => {
        const rand = rng(1000 + Number(transA) * 2 + Number(transB));
        const pick = (): number => ALL[Math.floor(rand() * ALL.length)] as number;
        let worst = 0;
        for (let t = 0; t < 40; t++) {
          const c: Case = { m: pick(), k: pick(), n: pick(), transA, transB, accumulate: rand() < 0.5 };
          const r = runCase(c, 5000 + t);
          if (r > 1) throw new Error(`case ${JSON.stringify(c)}: error ${r.toFixed(2)}× the tolerance`);
          worst = Math.max(worst, r);
        }
        expect(worst).toBeLessThanOrEqual(1);
      });
    }

    test('shapes crossing the blocking boundaries (MC = 60, KC = 256, NC = 512)', () => {
      const shapes: [number, number, number][] = [
        [130, 300, 17], // several A blocks, two k blocks (C accumulated across them)
        [7, 300, 520], // two n blocks, partial last panel
        [61, 257, 9],
        [256, 513, 8],
      ];
      for (const [m, k, n] of shapes)
        for (const [transA, transB] of variants)
          for (const accumulate of [false, true]) expect(runCase({ m, k, n, transA, transB, accumulate }, m * 7 + k)).toBeLessThanOrEqual(1);
    });

    test('k = 0: C = 0, or unchanged with accumulate (n = 1 goes through the gemv path)', () => {
      for (const K of [wasm, ref])
        for (const [m, n] of [[2, 3], [6, 1]] as const)
          for (const transA of [false, true]) {
            const h = K.heap;
            const mark = h.mark();
            const a = h.alloc(0), b = h.alloc(0), c = h.allocFrom([1, 2, 3, 4, 5, 6]);
            K.gemm(a, b, c, m, 0, n, transA, false, true);
            expect(Array.from(h.read(c, 6))).toEqual([1, 2, 3, 4, 5, 6]);
            K.gemm(a, b, c, m, 0, n, transA);
            expect(Array.from(h.read(c, 6))).toEqual([0, 0, 0, 0, 0, 0]);
            h.reset(mark);
          }
    });

    test('m = 0 or n = 0 write nothing', () => {
      const h = wasm.heap;
      const mark = h.mark();
      const a = h.allocFrom([1, 2, 3]), b = h.allocFrom([1, 2, 3]), guard = h.allocFrom([7, 7, 7, 7]);
      wasm.gemm(a, b, guard, 0, 3, 1);
      wasm.gemm(a, b, guard, 1, 3, 0);
      expect(Array.from(h.read(guard, 4))).toEqual([7, 7, 7, 7]);
      h.reset(mark);
    });

    test('writes only the m×n block of C (no spill past partial tiles)', () => {
      const h = wasm.heap;
      const mark = h.mark();
      const [m, k, n] = [7, 5, 13];
      const rand = rng(3);
      const a = h.allocFrom(randomArray(rand, m * k)), b = h.allocFrom(randomArray(rand, k * n));
      const region = h.allocFrom(new Float32Array(m * n + 8).fill(-123)); // C then 8 guard floats
      wasm.gemm(a, b, region, m, k, n);
      const after = h.read(region, m * n + 8);
      expect(Array.from(after.subarray(m * n))).toEqual(new Array(8).fill(-123));
      h.reset(mark);
    });
  });

  describe('gemmBiasAct / linearAct: fused epilogue', () => {
    for (const act of ['linear', 'relu', 'elu', 'tanh'] as const) {
      test(`${act}: wasm vs reference, all variants, bias and accumulate`, () => {
        let worst = 0;
        let seed = 77;
        for (const [m, k, n] of [[1, 1, 1], [5, 8, 8], [7, 3, 13], [64, 17, 100], [13, 300, 9], [37, 20, 1], [6, 0, 1], [3, 0, 5]] as const)
          for (const [transA, transB] of variants)
            for (const accumulate of [false, true])
              worst = Math.max(worst, runCase({ m, k, n, transA, transB, accumulate, act, bias: true }, seed++));
        expect(worst).toBeLessThanOrEqual(1);
      });
    }

    test('linearAct(x, w, b, y) = act(x·w + b) as three separate kernels', () => {
      for (const K of [wasm, ref]) {
        const h = K.heap;
        const mark = h.mark();
        const rand = rng(9);
        const [rows, inDim, outDim] = [33, 10, 21];
        const x = h.allocFrom(randomArray(rand, rows * inDim)), w = h.allocFrom(randomArray(rand, inDim * outDim));
        const b = h.allocFrom(randomArray(rand, outDim));
        const y1 = h.alloc(rows * outDim), y2 = h.alloc(rows * outDim);
        K.linearAct(x, w, b, y1, rows, inDim, outDim, 'tanh');
        K.gemm(x, w, y2, rows, inDim, outDim);
        K.biasAct(y2, b, y2, rows, outDim, 'tanh');
        const r1 = h.read(y1, rows * outDim), r2 = h.read(y2, rows * outDim);
        expect(worstRatio(r1, r2, () => 4 * EPS32)).toBeLessThanOrEqual(1);
        h.reset(mark);
      }
    });
  });

  // The wasm gemm dispatches on shape (assembly/matmul.ts): n = 1 → gemv;
  // k ≤ 4 (and op(B) = B) → a direct row-by-row loop; m ≤ 4 (and !transB) → a
  // direct loop holding 2×16 entries of C in registers; otherwise the packed
  // 5×8 micro-kernel, with a 5×4 kernel for a last panel of ≤ 4 columns and an
  // epilogue finished in place (full tiles) or through a scratch tile. These
  // tests pin each path, with tails in m and n, against the reference.
  describe('gemm: every dispatch path, with tails', () => {
    const ACTS = ['linear', 'relu', 'elu', 'tanh'] as const;

    test('small k (1..4, and 5 on the packed path): NN, TN, and NT when k = 1; bias, accumulate, every activation', () => {
      let worst = 0;
      let seed = 300;
      for (const k of [1, 2, 3, 4, 5])
        for (const [m, n] of [[1, 2], [2, 3], [5, 4], [7, 5], [33, 13], [64, 100], [3, 101]] as const)
          for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const)
            for (const accumulate of [false, true])
              for (const act of ACTS) worst = Math.max(worst, runCase({ m, k, n, transA, transB, accumulate, act, bias: seed % 2 === 0 }, seed++));
      expect(worst).toBeLessThanOrEqual(1);
    });

    test('small m (1..4) for any k (including k > 256) and n with tails; TN as in ∂W of a first layer', () => {
      let worst = 0;
      let seed = 900;
      for (const m of [1, 2, 3, 4])
        for (const k of [5, 17, 300, 513])
          for (const n of [2, 3, 4, 5, 15, 16, 17, 37, 100])
            for (const transA of [false, true]) {
              const accumulate = seed % 3 === 0;
              const act = ACTS[seed % 4] as (typeof ACTS)[number];
              worst = Math.max(worst, runCase({ m, k, n, transA, transB: false, accumulate, act, bias: seed % 2 === 1 }, seed++));
            }
      expect(worst).toBeLessThanOrEqual(1);
    });

    test('packed path: last panels of 1..7 columns, partial row panels, in-place and scratch epilogues', () => {
      let worst = 0;
      let seed = 1500;
      for (const n of [9, 10, 11, 12, 13, 15, 100, 104])
        for (const m of [5, 7, 10, 64])
          for (const [transA, transB] of [[false, false], [true, false], [false, true]] as const)
            for (const accumulate of [false, true])
              for (const act of ['linear', 'relu', 'tanh'] as const)
                worst = Math.max(worst, runCase({ m, k: 37, n, transA, transB, accumulate, act, bias: seed++ % 2 === 0 }, seed));
      expect(worst).toBeLessThanOrEqual(1);
    });

    test('n = 1 (gemv), transA: blocks of 32/16/4 entries and a partial block, for k = 0..300', () => {
      let worst = 0;
      let seed = 2500;
      for (const m of [1, 3, 4, 7, 16, 31, 32, 45, 100])
        for (const k of [1, 2, 9, 300])
          for (const transA of [false, true])
            for (const accumulate of [false, true])
              worst = Math.max(worst, runCase({ m, k, n: 1, transA, transB: false, accumulate, act: ACTS[seed % 4] as (typeof ACTS)[number], bias: seed % 2 === 0 }, seed++));
      expect(worst).toBeLessThanOrEqual(1);
    });

    test('the critic shapes (2→100→100→1 at 512 rows): forward, ∂W and δ products', () => {
      const shapes: [number, number, number, boolean, boolean][] = [
        [512, 2, 100, false, false], // layer 0 forward (small k)
        [512, 100, 100, false, false], // layer 1 forward
        [512, 100, 1, false, false], // layer 2 forward (gemv)
        [100, 512, 1, true, false], // ∂W2 (gemv, transA)
        [512, 1, 100, false, true], // δ of layer 1 = δ2 · W2ᵀ (k = 1, transB)
        [100, 512, 100, true, false], // ∂W1 (two k blocks)
        [512, 100, 100, false, true], // δ of layer 0
        [2, 512, 100, true, false], // ∂W0 (small m)
      ];
      let seed = 4000;
      for (const [m, k, n, transA, transB] of shapes)
        for (const act of ['linear', 'relu'] as const)
          expect(runCase({ m, k, n, transA, transB, accumulate: false, act, bias: true }, seed++)).toBeLessThanOrEqual(1);
    });

    test('every path sums in the same order (C or +0, products in k order, bias): bit-identical rows', () => {
      const rand = rng(77);
      const h = wasm.heap;
      for (const k of [3, 5, 300, 600])
        for (const accumulate of [false, true])
          for (const act of ['linear', 'relu'] as const) {
            const [m, n] = [7, 13];
            const mark = h.mark();
            const A = randomArray(rand, m * k), B = randomArray(rand, k * n), C0 = randomArray(rand, m * n), bias = randomArray(rand, n);
            const Bt = new Float32Array(n * k);
            for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) Bt[j * k + p] = B[p * n + j] as number;
            const a = h.allocFrom(A), b = h.allocFrom(B), bt = h.allocFrom(Bt), bb = h.allocFrom(bias);
            // packed path (m = 7 > 4; with transB also for k ≤ 4)
            const c1 = h.allocFrom(C0);
            wasm.gemmBiasAct(a, k <= 4 ? bt : b, bb, c1, m, k, n, act, false, k <= 4, accumulate);
            // small-m path on the first 3 rows, small-k path on all 7
            const c2 = h.allocFrom(C0.subarray(0, 3 * n));
            wasm.gemmBiasAct(a, b, bb, c2, 3, k, n, act, false, false, accumulate);
            const c3 = h.allocFrom(C0);
            wasm.gemmBiasAct(a, b, bb, c3, m, k, n, act, false, false, accumulate);
            const packed = Array.from(h.read(c1, m * n));
            expect(Array.from(h.read(c2, 3 * n))).toEqual(packed.slice(0, 3 * n));
            if (k <= 4) expect(Array.from(h.read(c3, m * n))).toEqual(packed);
            h.reset(mark);
          }
    });

    test('never reads past an operand: A, B, bias or C ending exactly at the end of memory', async () => {
      const k = await loadWasmKernels({ fma });
      const h = k.heap;
      const rand = rng(5);
      // (m, k, n, transA, transB): 5×4 in-place tiles, partial tiles, small k with a tail, small m, gemv
      const shapes: [number, number, number, boolean, boolean][] = [
        [10, 9, 100, false, false], [7, 9, 12, false, true], [6, 37, 13, true, false],
        [9, 2, 7, false, false], [3, 40, 7, true, false], [7, 11, 1, false, false], [7, 11, 1, true, false],
      ];
      for (const [m, kk, n, transA, transB] of shapes)
        for (const last of ['a', 'b', 'bias', 'c'] as const)
          for (const accumulate of [false, true]) {
            const data = { a: randomArray(rand, m * kk), b: randomArray(rand, kk * n), bias: randomArray(rand, n), c: randomArray(rand, m * n) };
            const mark = h.mark();
            h.reset(h.alloc(1 << 16)); // make sure the memory has room, then place `last` at its very end
            const ptr: Record<string, number> = {};
            for (const key of ['a', 'b', 'bias', 'c'] as const) if (key !== last) ptr[key] = h.allocFrom(data[key]);
            h.alloc((h.capacity - h.mark()) / 4); // the rest of the memory; `last` goes at its end (4-aligned)
            ptr[last] = h.capacity - data[last].length * 4;
            h.write(ptr[last]!, data[last]);
            k.gemmBiasAct(ptr['a']!, ptr['b']!, ptr['bias']!, ptr['c']!, m, kk, n, 'relu', transA, transB, accumulate);
            const got = h.read(ptr['c']!, m * n);
            h.reset(mark);
            const r = ref.heap;
            const rm = r.mark();
            const ra = r.allocFrom(data.a), rb = r.allocFrom(data.b), rbias = r.allocFrom(data.bias), rc = r.allocFrom(data.c);
            ref.gemmBiasAct(ra, rb, rbias, rc, m, kk, n, 'relu', transA, transB, accumulate);
            expect(worstRatio(got, r.read(rc, m * n), () => (kk + 2) * EPS32 * (kk + 2))).toBeLessThanOrEqual(1);
            r.reset(rm);
          }
    });

    test('relu gives +0 for −0 and keeps NaN on every path', () => {
      // x·w = −0·1 (+0 sum) with bias −0: (+0) + (−0) = +0; and a NaN row
      for (const [m, k, n] of [[6, 2, 12], [6, 9, 12], [3, 9, 12], [6, 9, 1]] as const) {
        const h = wasm.heap;
        const mark = h.mark();
        const x = new Float32Array(m * k).fill(-0);
        x[k] = NaN; // row 1 is NaN
        const a = h.allocFrom(x), w = h.allocFrom(new Float32Array(k * n).fill(1)), b = h.allocFrom(new Float32Array(n).fill(-0)), y = h.alloc(m * n);
        wasm.linearAct(a, w, b, y, m, k, n, 'relu');
        const out = h.read(y, m * n);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            const v = out[i * n + j] as number;
            if (i === 1) expect(v).toBeNaN();
            else expect(Object.is(v, 0)).toBe(true);
          }
        h.reset(mark);
      }
    });
  });
});

describe('reference gemm vs exact float64 product', () => {
  test('random shapes, all variants: one float32 rounding of the exact result', () => {
    const rand = rng(42);
    for (let t = 0; t < 24; t++) {
      const m = 1 + Math.floor(rand() * 40), k = 1 + Math.floor(rand() * 40), n = 1 + Math.floor(rand() * 40);
      const [transA, transB] = variants[t % 4] as [boolean, boolean, string];
      const A = randomArray(rand, m * k), B = randomArray(rand, k * n);
      const h = ref.heap;
      const mark = h.mark();
      const a = h.allocFrom(A), b = h.allocFrom(B), c = h.alloc(m * n);
      ref.gemm(a, b, c, m, k, n, transA, transB);
      const got = h.read(c, m * n);
      h.reset(mark);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let exact = 0, abs = 0; // float64 products of float32 values are exact; the k-term sum errs by ≤ k·2^-53·Σ|ab|
          for (let p = 0; p < k; p++) {
            const v = (A[transA ? p * m + i : i * k + p] as number) * (B[transB ? j * k + p : p * n + j] as number);
            exact += v;
            abs += Math.abs(v);
          }
          expect(Math.abs((got[i * n + j] as number) - exact)).toBeLessThanOrEqual(U32 * Math.abs(exact) + k * 2 ** -52 * abs + 1e-45);
        }
    }
  });
});

describe('gemm argument checks', () => {
  test('rejects out-of-heap ranges, negative or fractional dimensions, and C overlapping A', () => {
    for (const K of [wasm, ref]) {
      const h = K.heap;
      const mark = h.mark();
      const a = h.alloc(6), b = h.alloc(6), c = h.alloc(4);
      expect(() => K.gemm(a, b, c, 2, 3, 3)).toThrow(RangeError); // C needs 6 floats, has 4 before the heap top
      expect(() => K.gemm(a, b, c, -1, 3, 2)).toThrow(RangeError);
      expect(() => K.gemm(a, b, c, 1.5, 3, 2)).toThrow(RangeError);
      expect(() => K.gemm(a, b, a, 2, 3, 2)).toThrow(/overlap/);
      expect(() => K.gemmBiasAct(a, b, 0, c, 2, 3, 2, 'swish' as ActLike)).toThrow(TypeError);
      h.reset(mark);
    }
  });
});

describe('the relaxed-SIMD build fuses multiply-add; the default build never does', () => {
  // a = 1 + 2⁻¹², a·a = 1 + 2⁻¹¹ + 2⁻²⁴ exactly; rounded to float32 (ties to
  // even) it is 1 + 2⁻¹¹. With c = −(1 + 2⁻¹¹): mul then add gives 0, a fused
  // multiply-add the exact 2⁻²⁴. k = 1 with accumulate takes the small-k path
  // (C + a·b in one madd); k = 8 with m = 6 the packed micro-kernel (the
  // other seven products are 0).
  const a = 1 + 2 ** -12;
  const c = -(1 + 2 ** -11);
  // Whether V8 fuses here: on x64 Linux the CPU flags say whether it has FMA3
  // (a VM may hide it; checked on this project's x64 machines); elsewhere,
  // including arm64 (not run here), either result is accepted.
  const cpuFma = ((): boolean | undefined => {
    if (process.arch !== 'x64' || !existsSync('/proc/cpuinfo')) return undefined;
    return /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  })();
  const shapes: [number, number, number][] = [
    [6, 1, 8],
    [6, 8, 8],
  ];
  test.each(BUILDS)('$name', async ({ name, fma }) => {
    const k = await loadWasmKernels({ fma });
    expect(k.name).toBe(name);
    for (const [m, kk, n] of shapes) {
      const h = k.heap;
      const mark = h.mark();
      const A = new Float32Array(m * kk);
      const B = new Float32Array(kk * n);
      for (let i = 0; i < m; i++) A[i * kk] = a;
      for (let j = 0; j < n; j++) B[j] = a;
      const C = h.allocFrom(new Float32Array(m * n).fill(c));
      k.gemm(h.allocFrom(A), h.allocFrom(B), C, m, kk, n, false, false, true);
      const got = Array.from(h.read(C, m * n));
      if (!fma) expect(got).toEqual(new Array(m * n).fill(0));
      else if (cpuFma !== undefined) expect(got).toEqual(new Array(m * n).fill(cpuFma ? 2 ** -24 : 0));
      else expect(got.every((v) => v === 0 || v === 2 ** -24)).toBe(true);
      h.reset(mark);
    }
  });
});

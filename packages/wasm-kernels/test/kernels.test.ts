import { beforeAll, describe, expect, test } from 'vitest';
import { Act, createReferenceKernels, loadWasmKernels, type ActName, type Kernels } from '../src/index.js';
import { BUILDS, EPS32, randomArray, rng, worstRatio } from './helpers.js';

// Element-wise kernels, reductions and Adam: wasm vs the reference on lengths
// that do and do not fill whole 4-float vectors, plus closed-form checks.

const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 13, 17, 64, 100, 129, 1023];
const SHAPES: [number, number][] = [
  [1, 1], [1, 3], [2, 5], [3, 4], [7, 13], [16, 16], [5, 17], [33, 20], [64, 100], [129, 7], [3, 37], [9, 23],
];
const ACTS: ActName[] = ['linear', 'relu', 'elu', 'tanh'];

let wasm: Kernels;
let ref: Kernels;
beforeAll(() => {
  ref = createReferenceKernels();
});

/** Runs `fn` on both backends with copies of the same inputs; returns [wasm, ref] outputs. */
function both(inputs: Float32Array[], outLen: number, fn: (k: Kernels, ptrs: number[], out: number) => void): [Float32Array, Float32Array] {
  const res: Float32Array[] = [];
  for (const k of [wasm, ref]) {
    const h = k.heap;
    const mark = h.mark();
    const ptrs = inputs.map((d) => h.allocFrom(d));
    const out = h.alloc(outLen);
    fn(k, ptrs, out);
    res.push(h.read(out, outLen));
    h.reset(mark);
  }
  return res as [Float32Array, Float32Array];
}

// Every test runs on both builds (default and relaxed-SIMD); only the GEMM
// kernels differ between them, the rest must stay identical.
describe.each(BUILDS)('$name build', ({ fma }) => {
  beforeAll(async () => {
    wasm = await loadWasmKernels({ fma });
  });

  describe('biasAct', () => {
    for (const act of ACTS) {
      test(`${act}: y = act(x + bias) matches the reference, with and without bias`, () => {
        let seed = 10;
        for (const [rows, cols] of SHAPES) {
          const rand = rng(seed++);
          const x = randomArray(rand, rows * cols, -4, 4), b = randomArray(rand, cols);
          // tanh/elu go through the vector exp (≤ 1 ulp) and a few float32 ops: 3 eps absolute on |y| ≤ ~4
          const tol = (): number => 3 * EPS32 * 4;
          const [w1, r1] = both([x, b], rows * cols, (k, [xp, bp], y) => k.biasAct(xp as number, bp as number, y, rows, cols, act));
          expect(worstRatio(w1, r1, tol)).toBeLessThanOrEqual(1);
          const [w2, r2] = both([x], rows * cols, (k, [xp], y) => k.biasAct(xp as number, 0, y, rows, cols, Act[act]));
          expect(worstRatio(w2, r2, tol)).toBeLessThanOrEqual(1);
        }
      });
    }

    test('activation values: relu, elu, tanh at known points; NaN propagates; in place', () => {
      const xs = [-2, -0.5, 0, 0.3, 1, 20, -20, NaN];
      for (const k of [wasm, ref]) {
        const h = k.heap;
        const mark = h.mark();
        const get = (act: ActName): Float32Array => {
          const x = h.allocFrom(xs);
          k.biasAct(x, 0, x, 1, xs.length, act); // in place
          return h.read(x, xs.length);
        };
        const relu = get('relu'), elu = get('elu'), tanh = get('tanh');
        expect(Array.from(relu.subarray(0, 7))).toEqual([0, 0, 0, Math.fround(0.3), 1, 20, 0]);
        expect(relu[7]).toBeNaN();
        xs.forEach((x, i) => {
          if (Number.isNaN(x)) {
            expect(elu[i]).toBeNaN();
            expect(tanh[i]).toBeNaN();
            return;
          }
          const xf = Math.fround(x);
          expect(Math.abs((elu[i] as number) - (xf > 0 ? xf : Math.expm1(xf)))).toBeLessThanOrEqual(3 * EPS32 * Math.max(1, Math.abs(xf)));
          expect(Math.abs((tanh[i] as number) - Math.tanh(xf))).toBeLessThanOrEqual(2 * EPS32);
        });
        h.reset(mark);
      }
    });

    test('relu(−0) = +0 (as max(x, 0)), relu(NaN) = NaN, with and without bias, body and tail lanes', () => {
      for (const k of [wasm, ref]) {
        const h = k.heap;
        const mark = h.mark();
        const xs = [-0, NaN, -1, 2, -0, 0.5, -0, NaN, 3];
        const x = h.allocFrom(xs), b = h.allocFrom(new Float32Array(xs.length).fill(-0)), y = h.alloc(xs.length);
        for (const bias of [0, b]) {
          k.biasAct(x, bias, y, 1, xs.length, 'relu');
          const out = Array.from(h.read(y, xs.length));
          const want = [0, NaN, 0, 2, 0, 0.5, 0, NaN, 3];
          out.forEach((v, i) => (Number.isNaN(want[i]) ? expect(v).toBeNaN() : expect(Object.is(v, want[i])).toBe(true)));
        }
        h.reset(mark);
      }
    });

    test('tanh is accurate near 0 (polynomial branch, no cancellation)', () => {
      const xs = [1e-6, -3e-5, 1e-3, 0.1, 0.6, 0.65, -0.62];
      const h = wasm.heap;
      const x = h.allocFrom(xs);
      wasm.biasAct(x, 0, x, 1, xs.length, 'tanh');
      const y = h.read(x, xs.length);
      xs.forEach((v, i) => {
        const t = Math.tanh(Math.fround(v));
        expect(Math.abs((y[i] as number) - t) / Math.abs(t)).toBeLessThan(3 * EPS32);
      });
      h.reset(x);
    });
  });

  describe('actBackward / actBackwardColSum / colSum', () => {
    for (const act of ACTS) {
      test(`${act}: dx = dy ⊙ act'(y) matches the reference and the formula`, () => {
        for (const len of LENGTHS) {
          const rand = rng(len + 1);
          const pre = randomArray(rand, len, -3, 3);
          const dy = randomArray(rand, len);
          // y = act(pre) as the forward pass would have saved it
          const y = new Float32Array(len);
          for (let i = 0; i < len; i++) {
            const p = pre[i] as number;
            y[i] = act === 'relu' ? Math.max(p, 0) : act === 'elu' ? (p > 0 ? p : Math.expm1(p)) : act === 'tanh' ? Math.tanh(p) : p;
          }
          const [w, r] = both([dy, y], len, (k, [d, yy], dx) => k.actBackward(d as number, yy as number, dx, len, act));
          expect(worstRatio(w, r, () => 2 * EPS32)).toBeLessThanOrEqual(1);
          // the derivative from the output equals the derivative at the pre-activation
          for (let i = 0; i < len; i++) {
            const p = pre[i] as number;
            const d = act === 'relu' ? (p > 0 ? 1 : 0) : act === 'elu' ? (p > 0 ? 1 : Math.exp(p)) : act === 'tanh' ? 1 - Math.tanh(p) ** 2 : 1;
            expect(Math.abs((w[i] as number) - (dy[i] as number) * d)).toBeLessThanOrEqual(4 * EPS32);
          }
        }
      });
    }

    test('colSum: matches float64 column sums within rows·eps·Σ|x|, accumulate adds', () => {
      for (const [rows, cols] of [...SHAPES, [256, 37] as [number, number]]) {
        const rand = rng(rows * 1000 + cols);
        const x = randomArray(rand, rows * cols);
        const init = randomArray(rand, cols);
        for (const accumulate of [false, true]) {
          const [w, r] = both([x, init], cols, (k, [xp, ip], out) => {
            k.copy(ip as number, out, cols);
            k.colSum(xp as number, out, rows, cols, accumulate);
          });
          const absCol = (c: number): number => {
            let s = accumulate ? Math.abs(init[c] as number) : 0;
            for (let i = 0; i < rows; i++) s += Math.abs(x[i * cols + c] as number);
            return s;
          };
          expect(worstRatio(w, r, (c) => (rows + 1) * EPS32 * absCol(c) + 1e-30)).toBeLessThanOrEqual(1);
        }
      }
    });

    for (const act of ACTS) {
      test(`actBackwardColSum (${act}) = actBackward then colSum`, () => {
        for (const [rows, cols] of SHAPES) {
          const rand = rng(rows + 31 * cols);
          const dy = randomArray(rand, rows * cols), y = randomArray(rand, rows * cols, -0.9, 0.9), db0 = randomArray(rand, cols);
          for (const accumulate of [false, true]) {
            for (const k of [wasm, ref]) {
              const h = k.heap;
              const mark = h.mark();
              const d = h.allocFrom(dy), yy = h.allocFrom(y);
              const dx1 = h.alloc(rows * cols), db1 = h.allocFrom(db0), dx2 = h.alloc(rows * cols), db2 = h.allocFrom(db0);
              k.actBackwardColSum(d, yy, dx1, db1, rows, cols, act, accumulate);
              k.actBackward(d, yy, dx2, rows * cols, act);
              k.colSum(dx2, db2, rows, cols, accumulate);
              expect(Array.from(h.read(dx1, rows * cols))).toEqual(Array.from(h.read(dx2, rows * cols)));
              const a = h.read(db1, cols), b = h.read(db2, cols);
              expect(worstRatio(a, b, () => (rows + 1) * EPS32 * (rows + 1))).toBeLessThanOrEqual(1);
              // wasm sums each column in row order, then adds db when accumulating, as colSum does: bit-identical
              if (k === wasm) expect(Array.from(a)).toEqual(Array.from(b));
              h.reset(mark);
            }
          }
        }
      });
    }
  });

  describe('logSumExp / logMeanExp / softmax', () => {
    /** float64 log Σ e^x of float32 values. */
    function lse64(xs: Float32Array): number {
      let m = -Infinity;
      for (const v of xs) m = Math.max(m, v);
      let s = 0;
      for (const v of xs) s += Math.exp(v - m);
      return m + Math.log(s);
    }

    test('match float64 on random data of every length', () => {
      for (const len of LENGTHS.filter((l) => l > 0)) {
        const xs = randomArray(rng(len), len, -20, 20);
        const exact = lse64(xs);
        for (const k of [wasm, ref]) {
          const h = k.heap;
          const mark = h.mark();
          const x = h.allocFrom(xs);
          // |Δ| ≤ (log-term error ≲ 2 eps) · max(1, |lse|): exp terms are ≤ 1 ulp each, summed in float64
          expect(Math.abs(k.logSumExp(x, len) - exact)).toBeLessThanOrEqual(2 * EPS32 * Math.max(1, Math.abs(exact)));
          expect(Math.abs(k.logMeanExp(x, len) - (exact - Math.log(len)))).toBeLessThanOrEqual(2 * EPS32 * Math.max(1, Math.abs(exact)));
          h.reset(mark);
        }
      }
    });

    test('stable for inputs around ±1e4 (no Inf/NaN)', () => {
      for (const center of [1e4, -1e4, 3e38]) {
        const xs = new Float32Array(1001);
        for (let i = 0; i < xs.length; i++) xs[i] = center - (i % 50) * 0.37;
        const exact = lse64(xs);
        for (const k of [wasm, ref]) {
          const h = k.heap;
          const mark = h.mark();
          const x = h.allocFrom(xs), y = h.alloc(xs.length);
          const l = k.logSumExp(x, xs.length);
          expect(Number.isFinite(l)).toBe(true);
          expect(Math.abs(l - exact)).toBeLessThanOrEqual(2 * EPS32 * Math.abs(exact));
          const s = k.softmax(x, y, xs.length);
          expect(s).toBe(l);
          const p = h.read(y, xs.length);
          expect(p.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
          h.reset(mark);
        }
      }
    });

    test('softmax: sums to 1, equals e^(x − lse), returns lse; matches the reference', () => {
      for (const len of LENGTHS.filter((l) => l > 0)) {
        const xs = randomArray(rng(7 * len), len, -10, 10);
        const [w, r] = both([xs], len, (k, [x], y) => {
          const l = k.softmax(x as number, y, len);
          expect(Math.abs(l - lse64(xs))).toBeLessThanOrEqual(2 * EPS32 * Math.max(1, Math.abs(l)));
        });
        let sum = 0;
        for (const v of w) sum += v;
        expect(Math.abs(sum - 1)).toBeLessThanOrEqual(len * EPS32); // each term rounded once (plus the scale)
        // wasm rounds x − max to float32 before exp (relative error |x − max|·u in
        // the result), then exp (≤ 1 ulp) and the 1/Σ scale (½ ulp): allow (|x − max| + 3)·eps32.
        const mx = Math.max(...xs);
        expect(worstRatio(w, r, (i) => (Math.abs((xs[i] as number) - mx) + 3) * EPS32 * (r[i] as number) + 1e-45)).toBeLessThanOrEqual(1);
      }
    });

    test('edge cases: empty, −Inf, +Inf, NaN', () => {
      for (const k of [wasm, ref]) {
        const h = k.heap;
        const mark = h.mark();
        const y = h.alloc(3);
        expect(k.logSumExp(h.alloc(0), 0)).toBe(-Infinity);
        expect(k.logMeanExp(h.alloc(0), 0)).toBeNaN();
        const allNegInf = h.allocFrom([-Infinity, -Infinity, -Infinity]);
        expect(k.logSumExp(allNegInf, 3)).toBe(-Infinity);
        expect(k.softmax(allNegInf, y, 3)).toBe(-Infinity);
        expect(Array.from(h.read(y, 3)).every(Number.isNaN)).toBe(true);
        const someNegInf = h.allocFrom([-Infinity, 0, -Infinity]);
        expect(k.logSumExp(someNegInf, 3)).toBe(0);
        expect(k.softmax(someNegInf, y, 3)).toBe(0);
        expect(Array.from(h.read(y, 3))).toEqual([0, 1, 0]);
        expect(k.logSumExp(h.allocFrom([1, Infinity, 2]), 3)).toBe(Infinity);
        expect(k.logSumExp(h.allocFrom([1, NaN, 2, 3, 4]), 5)).toBeNaN();
        h.reset(mark);
      }
    });
  });

  describe('adam (Kingma & Ba 2015, Algorithm 1)', () => {
    test('three steps match the hand-written update, wasm and reference', () => {
      const len = 11; // a 4-float body plus a 3-float tail
      const rand = rng(99);
      const theta0 = randomArray(rand, len);
      const grads = [randomArray(rand, len), randomArray(rand, len, -5, 5), randomArray(rand, len, -1e-3, 1e-3)];
      const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
      // by hand, float64
      const th = Float64Array.from(theta0), m = new Float64Array(len), v = new Float64Array(len);
      for (let t = 1; t <= 3; t++) {
        const g = grads[t - 1] as Float32Array;
        for (let i = 0; i < len; i++) {
          const gi = g[i] as number;
          m[i] = b1 * (m[i] as number) + (1 - b1) * gi;
          v[i] = b2 * (v[i] as number) + (1 - b2) * gi * gi;
          const mHat = (m[i] as number) / (1 - b1 ** t);
          const vHat = (v[i] as number) / (1 - b2 ** t);
          th[i] = (th[i] as number) - (lr * mHat) / (Math.sqrt(vHat) + eps);
        }
      }
      for (const k of [wasm, ref]) {
        const h = k.heap;
        const mark = h.mark();
        const p = h.allocFrom(theta0), g = h.alloc(len), mp = h.allocZeroed(len), vp = h.allocZeroed(len);
        for (let t = 1; t <= 3; t++) {
          h.write(g, grads[t - 1] as Float32Array);
          k.adam(p, g, mp, vp, len, lr, b1, b2, eps, t);
        }
        const got = h.read(p, len);
        // float32 state and hyper-parameters: each step moves θ by ≤ lr·(1 + O(eps32)); allow 1e-6 absolute
        for (let i = 0; i < len; i++) expect(Math.abs((got[i] as number) - (th[i] as number))).toBeLessThanOrEqual(1e-6);
        // the first step moves every θ by lr·sign(g) (m̂/√v̂ = g/|g|)
        h.reset(mark);
      }
    });

    test('step 1 moves each parameter by ≈ lr·sign(g)', () => {
      for (const k of [wasm, ref]) {
        const h = k.heap;
        const mark = h.mark();
        const p = h.allocZeroed(6), g = h.allocFrom([3, -2, 0.5, -1e-3, 7, -7]), m = h.allocZeroed(6), v = h.allocZeroed(6);
        k.adam(p, g, m, v, 6, 0.1, 0.9, 0.999, 1e-8, 1);
        const got = h.read(p, 6);
        [-0.1, 0.1, -0.1, 0.1, -0.1, 0.1].forEach((e, i) => expect(Math.abs((got[i] as number) - e)).toBeLessThan(1e-5));
        h.reset(mark);
      }
    });

    test('step < 1 throws', () => {
      for (const k of [wasm, ref]) {
        const h = k.heap;
        const p = h.alloc(4);
        expect(() => k.adam(p, p, p, p, 4, 0.1, 0.9, 0.999, 1e-8, 0)).toThrow(/step must be >= 1/);
        h.reset(p);
      }
    });
  });

  describe('BLAS-1 helpers: scale, axpy, fill, copy, sum, dot', () => {
    test('match the reference and float64 on every length', () => {
      for (const len of LENGTHS) {
        const rand = rng(len + 500);
        const x = randomArray(rand, len), y = randomArray(rand, len);
        const [s1, s2] = both([x], len, (k, [xp], out) => k.scale(xp as number, out, len, -2.5));
        expect(Array.from(s1)).toEqual(Array.from(s2)); // one float32 multiply each: bit-identical
        const [a1, a2] = both([x, y], len, (k, [xp, yp], out) => {
          k.copy(yp as number, out, len);
          k.axpy(xp as number, out, len, 0.75);
        });
        expect(worstRatio(a1, a2, () => 2 * EPS32 * 2)).toBeLessThanOrEqual(1);
        const [f1] = both([], len, (k, _p, out) => k.fill(out, len, 3.25));
        expect(f1.every((v) => v === 3.25)).toBe(true);
        let sum = 0, dot = 0, absDot = 0;
        for (let i = 0; i < len; i++) {
          sum += x[i] as number;
          dot += (x[i] as number) * (y[i] as number);
          absDot += Math.abs((x[i] as number) * (y[i] as number));
        }
        for (const k of [wasm, ref]) {
          const h = k.heap;
          const mark = h.mark();
          const xp = h.allocFrom(x), yp = h.allocFrom(y);
          expect(Math.abs(k.sum(xp, len) - sum)).toBeLessThanOrEqual(1e-12 * Math.max(1, len));
          expect(Math.abs(k.dot(xp, yp, len) - dot)).toBeLessThanOrEqual(EPS32 * absDot + 1e-30); // products rounded to float32 in wasm
          h.reset(mark);
        }
      }
    });

    test('copy handles overlapping ranges like memmove', () => {
      for (const k of [wasm, ref]) {
        const h = k.heap;
        const mark = h.mark();
        const p = h.allocFrom([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        k.copy(p, p + 8, 7); // forward overlap
        expect(Array.from(h.read(p, 10))).toEqual([0, 1, 0, 1, 2, 3, 4, 5, 6, 9]);
        k.copy(p + 8, p, 7); // backward overlap
        expect(Array.from(h.read(p, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 5, 6, 9]);
        h.reset(mark);
      }
    });
  });
});

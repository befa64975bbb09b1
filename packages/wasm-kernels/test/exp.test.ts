import { beforeAll, describe, expect, test } from 'vitest';
import { createReferenceKernels, loadWasmKernels, type Kernels } from '../src/index.js';
import { EPS32 } from './helpers.js';

let wasm: Kernels;
beforeAll(async () => {
  wasm = await loadWasmKernels();
});

/** exp of `xs` through a kernel; the inputs are rounded to float32 first. */
function kexp(k: Kernels, xs: ArrayLike<number>): Float32Array {
  const h = k.heap;
  const mark = h.mark();
  const x = h.allocFrom(xs);
  const y = h.alloc(xs.length);
  k.exp(x, y, xs.length);
  const out = h.read(y, xs.length);
  h.reset(mark);
  return out;
}

describe('vectorized exp (Cephes expf, assembly/exp.ts)', () => {
  test('max relative error over a dense sweep of [−87, 88] is ≤ 2 ulp', () => {
    // 2,000,001 points, step 8.75e-5: denser than the polynomial's features
    // and crossing every binade of the result. Reference: Math.exp in float64
    // of the same float32 input; relative error |y − e^x| / e^x.
    const N = 2_000_001;
    const xs = new Float32Array(N);
    for (let i = 0; i < N; i++) xs[i] = -87 + (175 * i) / (N - 1);
    const ys = kexp(wasm, xs);
    let maxRel = 0;
    let at = 0;
    for (let i = 0; i < N; i++) {
      const e = Math.exp(xs[i] as number);
      const rel = Math.abs((ys[i] as number) - e) / e;
      if (rel > maxRel) {
        maxRel = rel;
        at = xs[i] as number;
      }
    }
    console.log(`exp: max relative error ${maxRel.toExponential(3)} (${(maxRel / EPS32).toFixed(2)} ulp) at x = ${at}`);
    expect(maxRel).toBeLessThanOrEqual(2 * EPS32); // 2 ulp = 2.38e-7
  });

  test('edges: overflow to +Inf, underflow to 0, NaN, ±Inf, subnormal range', () => {
    const xs = [88.72, 88.73, 89, 1e4, Infinity, -Infinity, -104, -1e4, NaN, 0, -0, -90, -100];
    const ys = kexp(wasm, xs);
    expect(ys[0]).toBeGreaterThan(3.3e38); // e^88.72 = 3.39e38 < FLT_MAX
    expect(Number.isFinite(ys[0])).toBe(true);
    expect(ys[1]).toBe(Infinity); // e^88.73 > FLT_MAX
    expect(ys[2]).toBe(Infinity);
    expect(ys[3]).toBe(Infinity);
    expect(ys[4]).toBe(Infinity);
    expect(ys[5]).toBe(0);
    expect(ys[6]).toBe(0);
    expect(ys[7]).toBe(0);
    expect(ys[8]).toBeNaN();
    expect(ys[9]).toBe(1);
    expect(ys[10]).toBe(1);
    // subnormal results (e^-90 ≈ 8.2e-40, e^-100 ≈ 3.7e-44): within a few subnormal ulps (2^-149 ≈ 1.4e-45)
    expect(Math.abs((ys[11] as number) - Math.exp(-90))).toBeLessThan(Math.exp(-90) * 1e-5);
    expect(Math.abs((ys[12] as number) - Math.exp(-100))).toBeLessThan(4 * 2 ** -149);
  });

  test('tail elements (len % 4 ≠ 0) get exactly the body result; in place works', () => {
    const vals = [-3.7, 0.1, 2.5, 10.25, -50, 7];
    for (let len = 1; len <= 11; len++) {
      const xs = Array.from({ length: len }, (_, i) => vals[i % vals.length] as number);
      const ys = kexp(wasm, xs);
      const body = kexp(wasm, [...xs, ...xs, ...xs, ...xs]); // positions shift into the SIMD body
      for (let i = 0; i < len; i++) expect(ys[i]).toBe(body[i + len]);
    }
    const h = wasm.heap;
    const x = h.allocFrom([1, 2, 3, 4, 5]);
    wasm.exp(x, x, 5);
    const r = h.read(x, 5);
    for (let i = 0; i < 5; i++) expect(Math.abs((r[i] as number) - Math.exp(i + 1)) / Math.exp(i + 1)).toBeLessThan(2 * EPS32);
    h.reset(x);
  });

  test('agrees with the reference kernels to ≤ 2 ulp on random inputs', () => {
    const ref = createReferenceKernels();
    const xs = Array.from({ length: 10_003 }, (_, i) => -80 + ((i * 7919) % 10_003) * (160 / 10_003));
    const a = kexp(wasm, xs), b = kexp(ref, xs);
    for (let i = 0; i < xs.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(2.5 * EPS32 * (b[i] as number));
  });
});

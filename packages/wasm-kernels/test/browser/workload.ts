// The same seeded workload runs in Node (the test) and in the browser worker,
// so the two result sets can be compared bit for bit.
import type { Kernels } from '../../src/index.js';

/** Small LCG (Numerical Recipes constants) → floats in [−1, 1): deterministic everywhere. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2147483648 - 1;
  };
}

export interface WorkloadResult {
  name: string;
  gemmNN: number[];
  gemmNT: number[];
  gemmTN: number[];
  exp: number[];
  logSumExp: number;
  logMeanExp: number;
  /** biasAct with each activation on the NN product (the reference computes elu/tanh in JS). */
  elu: number[];
  tanh: number[];
  /** Parameters after three Adam steps (the bias corrections use pow). */
  adam: number[];
}

/**
 * GEMM in three variants on 37×29·29×23 (tails everywhere), exp, logSumExp,
 * logMeanExp, elu and tanh activations and Adam: every kernel whose reference
 * uses a transcendental function. An engine-dependent `Math.*` in the reference
 * shows up as a Node/browser mismatch only where it survives rounding to
 * float32 (the f64 results logSumExp/logMeanExp show every bit; the float32
 * outputs hide most last-bit differences), so the portability scan in core is
 * the main guard and this is the end-to-end check.
 */
export function runWorkload(k: Kernels): WorkloadResult {
  const rand = lcg(12345);
  const m = 37;
  const kk = 29;
  const n = 23;
  const a = k.heap.allocFrom(Float32Array.from({ length: m * kk }, rand));
  const b = k.heap.allocFrom(Float32Array.from({ length: kk * n }, rand));
  const c = k.heap.alloc(m * n);
  const out = (p: number, len: number) => Array.from(k.heap.read(p, len));
  k.gemm(a, b, c, m, kk, n, false, false, false);
  const gemmNN = out(c, m * n);
  // Same buffers reinterpreted: A as (kk×m)ᵀ, B as (n×kk)ᵀ, shapes chosen to fit.
  k.gemm(a, b, c, m, kk, n, false, true, false);
  const gemmNT = out(c, m * n);
  k.gemm(a, b, c, m, kk, n, true, false, false);
  const gemmTN = out(c, m * n);
  const x = k.heap.allocFrom(Float32Array.from({ length: 1001 }, () => 40 * rand()));
  const y = k.heap.alloc(1001);
  k.exp(x, y, 1001);
  const expOut = out(y, 1001);
  // Activations on the NN product (values in about ±3, where elu and tanh are curved).
  k.gemm(a, b, c, m, kk, n, false, false, false);
  const bias = k.heap.allocFrom(Float32Array.from({ length: n }, rand));
  const h = k.heap.alloc(m * n);
  k.biasAct(c, bias, h, m, n, 'elu');
  const elu = out(h, m * n);
  k.biasAct(c, bias, h, m, n, 'tanh');
  const tanh = out(h, m * n);
  const len = 257;
  const param = k.heap.allocFrom(Float32Array.from({ length: len }, rand));
  const grad = k.heap.allocFrom(Float32Array.from({ length: len }, rand));
  const mom = k.heap.alloc(len);
  const vel = k.heap.alloc(len);
  k.fill(mom, len, 0);
  k.fill(vel, len, 0);
  for (let t = 1; t <= 3; t++) k.adam(param, grad, mom, vel, len, 1e-3, 0.9, 0.999, 1e-8, t);
  return {
    name: k.name,
    gemmNN,
    gemmNT,
    gemmTN,
    exp: expOut,
    logSumExp: k.logSumExp(x, 1001),
    logMeanExp: k.logMeanExp(x, 1001),
    elu,
    tanh,
    adam: out(param, len),
  };
}

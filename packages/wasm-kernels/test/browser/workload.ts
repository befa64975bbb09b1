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
}

/** GEMM in three variants on 37×29·29×23 (tails everywhere), exp and logSumExp. */
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
  return { name: k.name, gemmNN, gemmNT, gemmTN, exp: out(y, 1001), logSumExp: k.logSumExp(x, 1001) };
}

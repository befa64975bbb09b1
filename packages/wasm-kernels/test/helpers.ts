// Shared test helpers: a seeded RNG, random data, float32 constants.
import type { Kernels } from '../src/index.js';

/**
 * The two embedded wasm builds every kernel test runs on. The relaxed-SIMD
 * one needs V8's relaxed SIMD, on by default from V8 11.4 (Node 22) and
 * switched on for Node 20 by vitest.relaxed-simd.ts at the repository root.
 */
export const BUILDS = [
  { name: 'wasm', fma: false },
  { name: 'wasm-fma', fma: true },
] as const;

/** Unit roundoff of float32, u = 2^-24 ≈ 5.96e-8 (half an ulp at 1). */
export const U32 = 2 ** -24;
/** Machine epsilon of float32, 2^-23 ≈ 1.19e-7 (one ulp at 1). */
export const EPS32 = 2 ** -23;

/** mulberry32: small, fast, seeded; good enough for test data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n float32-representable values uniform in [lo, hi). */
export function randomArray(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/** Copies `data` into a fresh allocation of `k`'s heap. */
export function put(k: Kernels, data: ArrayLike<number>): number {
  return k.heap.allocFrom(data);
}

/** Largest |a[i] − b[i]| / tol[i] (NaN-aware: matching NaNs count as 0, one-sided NaN as Infinity). */
export function worstRatio(a: ArrayLike<number>, b: ArrayLike<number>, tol: (i: number) => number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number, y = b[i] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(Number.isNaN(x) && Number.isNaN(y))) return Infinity;
      continue;
    }
    if (x === y) continue;
    worst = Math.max(worst, Math.abs(x - y) / tol(i));
  }
  return worst;
}

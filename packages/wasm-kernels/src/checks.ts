/** Argument checks shared by both Kernels implementations. */
import type { Heap } from './heap.js';

/** Checks that every pointer addresses `len` floats inside the allocated heap. */
export function checkAll(h: Heap, len: number, ...ptrs: number[]): void {
  for (const p of ptrs) h.check(p, len);
}

/**
 * Shape and range checks for gemm: non-negative integer dimensions, A (m·k
 * floats), B (k·n), C (m·n) and bias (n, if non-zero) inside the heap, and C
 * not overlapping A or B.
 */
export function checkGemm(h: Heap, a: number, b: number, c: number, m: number, k: number, n: number, bias: number): void {
  if (!isDim(m) || !isDim(k) || !isDim(n)) throw new RangeError(`gemm: dimensions must be non-negative integers, got m=${m} k=${k} n=${n}`);
  h.check(a, m * k);
  h.check(b, k * n);
  h.check(c, m * n);
  if (bias) h.check(bias, n);
  if (m * n > 0 && (overlaps(c, m * n, a, m * k) || overlaps(c, m * n, b, k * n))) throw new RangeError('gemm: C must not overlap A or B');
}

function isDim(d: number): boolean {
  return Number.isInteger(d) && d >= 0;
}

/** Whether float ranges [p, p + 4·lp) and [q, q + 4·lq) intersect (empty ranges never do). */
function overlaps(p: number, lp: number, q: number, lq: number): boolean {
  return lp > 0 && lq > 0 && p < q + 4 * lq && q < p + 4 * lp;
}

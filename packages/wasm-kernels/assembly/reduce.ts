// Reductions: sum, dot, log-sum-exp, softmax. Partial sums are carried in
// f64 (each f32x4 is widened exactly with f64x2.promote_low_f32x4), so the
// only f32 rounding is in the inputs and in e^x; results are returned as f64.

import { PAIR, vexp, vexp2 } from './exp';
import { loadPartial, storePartial, accumulateF64, hsumF64, hmax, sumLanes } from './simd';

/** Σ x[i] in f64. */
export function sum(x: usize, len: i32): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) acc = accumulateF64(acc, v128.load(x + (<usize>i << 2)));
  let s = hsumF64(acc);
  for (; i < len; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

/** Σ x[i]·y[i]: products in f32 (exact to 1 rounding), sum in f64. */
export function dot(x: usize, y: usize, len: i32): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    acc = accumulateF64(acc, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  let s = hsumF64(acc);
  for (; i < len; i++) {
    const o = <usize>i << 2;
    s += <f64>(load<f32>(x + o) * load<f32>(y + o));
  }
  return s;
}

/** max x[i] (NaN if any is NaN; −Inf for len = 0). */
export function maxOf(x: usize, len: i32): f32 {
  let m = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= len; i += 4) m = f32x4.max(m, v128.load(x + (<usize>i << 2)));
  let r = hmax(m);
  for (; i < len; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v != v) return v; // NaN
    if (v > r) r = v;
  }
  return r;
}

/**
 * Σ e^{x[i] − shift} in f64, optionally storing the f32 terms in y (y = 0: don't).
 */
function sumExpShifted(x: usize, y: usize, len: i32, shift: f32): f64 {
  const sv = f32x4.splat(shift);
  let acc = f64x2.splat(0);
  let i = 0;
  // two vectors per step, their exp chains interleaved (vexp2), summed in order
  for (; i + 8 <= len; i += 8) {
    const o = <usize>i << 2;
    const out = y ? y + o : PAIR;
    vexp2(f32x4.sub(v128.load(x + o), sv), f32x4.sub(v128.load(x + o, 16), sv), out);
    acc = accumulateF64(acc, v128.load(out));
    acc = accumulateF64(acc, v128.load(out, 16));
  }
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const e = vexp(f32x4.sub(v128.load(x + o), sv));
    if (y) v128.store(y + o, e);
    acc = accumulateF64(acc, e);
  }
  let s = hsumF64(acc);
  const rest = len - i;
  if (rest > 0) {
    const o = <usize>i << 2;
    const e = vexp(f32x4.sub(loadPartial(x + o, rest, 0), sv));
    if (y) storePartial(y + o, e, rest);
    s += sumLanes(e, rest);
  }
  return s;
}

/**
 * log Σ e^{x[i]}, stabilised: m + log Σ e^{x[i] − m} with m = max x, so no
 * term overflows and the largest is exactly 1. Edge cases: len = 0 → −Inf;
 * all −Inf → −Inf; any +Inf → +Inf; any NaN → NaN.
 */
export function logSumExp(x: usize, len: i32): f64 {
  const m = maxOf(x, len);
  if (!isFinite(m)) return <f64>m; // NaN, +Inf, or −Inf (all −Inf / empty)
  return <f64>m + Math.log(sumExpShifted(x, 0, len, m));
}

/**
 * y = softmax(x) = e^{x − lse} (the gradient of logSumExp), returns lse.
 * Computed as e^{x − max} / Σ, so Σ y = 1 up to f32 rounding of each term.
 * If max x is not finite (NaN, +Inf, or every entry −Inf, or len = 0) y is
 * filled with NaN and that max is returned. y may alias x.
 */
export function softmax(x: usize, y: usize, len: i32): f64 {
  const m = maxOf(x, len);
  if (!isFinite(m)) {
    const nan = f32x4.splat(NaN);
    let i = 0;
    for (; i + 4 <= len; i += 4) v128.store(y + (<usize>i << 2), nan);
    for (; i < len; i++) store<f32>(y + (<usize>i << 2), NaN);
    return <f64>m;
  }
  const s = sumExpShifted(x, y, len, m);
  const inv = <f32>(1.0 / s);
  const iv = f32x4.splat(inv);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.mul(v128.load(y + o), iv));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) * inv);
  }
  return <f64>m + Math.log(s);
}

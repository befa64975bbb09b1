// Vectorized exp, tanh and the activation functions built on them.
//
// vexp follows Cephes `expf` (S. L. Moshier, Cephes Math Library 2.2,
// single/expf.c), lane-parallel:
//   1. range reduction  x = n·ln2 + r,  n = round(x·log2 e),
//      r = (x − n·C1) − n·C2 with the Cody–Waite two-constant split of ln 2
//      (W. J. Cody & W. Waite, "Software Manual for the Elementary Functions",
//      1980): C1 = 0.693359375 has 9 significant bits, so n·C1 is exact for
//      |n| < 2^15 and x − n·C1 is exact (Sterbenz); C2 = ln2 − C1 carries the rest.
//   2. e^r on |r| ≤ ln2/2 by Cephes' degree-5 minimax polynomial
//      e^r ≈ 1 + r + r²·P(r).
//   3. scaling by 2^n built from exponent bits: ((n + 127) << 23). To cover
//      n = 128 (x up to ln FLT_MAX = 88.72) and gradual underflow, 2^n is
//      applied as two factors 2^(n>>1)·2^(n−(n>>1)), each a normal float.
//
// Behaviour at the edges (tested in test/exp.test.ts):
//   - inputs are clamped to [−104, 88.8] first; x > 88.7228 (ln FLT_MAX)
//     gives +Inf, x < −103.97 gives +0, results below 2^−126 are subnormal
//     (rounded by the last multiply), −Inf → 0, +Inf → +Inf;
//   - NaN in → NaN out (wasm f32x4.min/max propagate NaN).
// Measured accuracy (test/exp.test.ts prints it on every run): over a dense
// sweep of 2 000 001 points of [−87, 88], max relative error vs Math.exp (f64)
// 8.0e-8 = 0.67·2^−23 (under 1 ulp, including the final rounding to f32).

//
// vexp/vtanh take and return v128, which cannot cross the JS boundary; they are
// internal (not exported from the module), so asconfig.json disables the
// AS112 warning about exchanging v128 values.

import { loadPartial, storePartial } from './simd';

// @ts-ignore: decorator
@inline const LOG2E: f32 = reinterpret<f32>(0x3FB8AA3B); // 1.44269504 = log2(e)
// @ts-ignore: decorator
@inline const C1: f32 = reinterpret<f32>(0x3F318000); // 0.693359375 (exact), high part of ln 2
// @ts-ignore: decorator
@inline const C2: f32 = reinterpret<f32>(0xB95E8083); // -2.12194440e-4, ln 2 − C1
// Cephes expf polynomial P(r), e^r ≈ 1 + r + r²·P(r):
// @ts-ignore: decorator
@inline const P0: f32 = reinterpret<f32>(0x39506967); // 1.9875691500e-4
// @ts-ignore: decorator
@inline const P1: f32 = reinterpret<f32>(0x3AB743CE); // 1.3981999507e-3
// @ts-ignore: decorator
@inline const P2: f32 = reinterpret<f32>(0x3C088908); // 8.3334519073e-3
// @ts-ignore: decorator
@inline const P3: f32 = reinterpret<f32>(0x3D2AA9C1); // 4.1665795894e-2
// @ts-ignore: decorator
@inline const P4: f32 = reinterpret<f32>(0x3E2AAAAA); // 1.6666665459e-1
// @ts-ignore: decorator
@inline const P5: f32 = reinterpret<f32>(0x3F000000); // 5.0000001201e-1 (rounds to 0.5)
// @ts-ignore: decorator
@inline const EXP_LO: f32 = reinterpret<f32>(0xC2D00000); // -104: e^-104 < 2^-150, result rounds to 0
// @ts-ignore: decorator
@inline const EXP_HI: f32 = reinterpret<f32>(0x42B1999A); // 88.8 > ln FLT_MAX = 88.7228: result overflows to +Inf

/** e^x lane-wise (Cephes expf, see the file header). */
export function vexp(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const fn = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(fn, f32x4.splat(C1)));
  r = f32x4.sub(r, f32x4.mul(fn, f32x4.splat(C2)));
  const z = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  p = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1.0));
  // 2^n as 2^n1 · 2^n2; n ∈ [−150, 128] so n1, n2 ∈ [−75, 64]: both normal.
  const n = i32x4.trunc_sat_f32x4_s(fn); // NaN → 0 (p is already NaN)
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// Cephes tanhf polynomial for |x| < 0.625: tanh x ≈ x + x·z·T(z), z = x².
// @ts-ignore: decorator
@inline const T0: f32 = reinterpret<f32>(0xBBBAF0EA); // -5.70498872745e-3
// @ts-ignore: decorator
@inline const T1: f32 = reinterpret<f32>(0x3CA9134E); // 2.06390887954e-2
// @ts-ignore: decorator
@inline const T2: f32 = reinterpret<f32>(0xBD5C1E2D); // -5.37397155531e-2
// @ts-ignore: decorator
@inline const T3: f32 = reinterpret<f32>(0x3E088393); // 1.33314422036e-1
// @ts-ignore: decorator
@inline const T4: f32 = reinterpret<f32>(0xBEAAAA99); // -3.33332819422e-1

/**
 * tanh lane-wise, after Cephes `tanhf`: |x| < 0.625 by an odd polynomial (no
 * cancellation near 0), otherwise sign(x)·(1 − 2/(e^{2|x|} + 1)). Saturates to
 * ±1 for |x| > 9.01; NaN → NaN. Max abs error ≈ 1.2e-7 (test/kernels.test.ts).
 */
export function vtanh(x: v128): v128 {
  const sign = v128.and(x, i32x4.splat(i32.MIN_VALUE));
  const ax = f32x4.abs(x);
  const e = vexp(f32x4.add(ax, ax));
  const big = f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.splat(2.0), f32x4.add(e, f32x4.splat(1.0))));
  const bigSigned = v128.or(big, sign);
  const z = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T0), z), f32x4.splat(T1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T4));
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, z), p));
  return v128.bitselect(small, bigSigned, f32x4.lt(ax, f32x4.splat(0.625)));
}

// Activation codes; keep in sync with `Act` in src/types.ts.
// @ts-ignore: decorator
@inline export const ACT_LINEAR: i32 = 0;
// @ts-ignore: decorator
@inline export const ACT_RELU: i32 = 1;
// @ts-ignore: decorator
@inline export const ACT_ELU: i32 = 2;
// @ts-ignore: decorator
@inline export const ACT_TANH: i32 = 3;

/**
 * relu lane-wise, with exactly f32x4.max(x, 0)'s results (+0 for ±0, NaN → NaN)
 * in two instructions: pmax(x, 0) = x < 0 ? 0 : x is a single maxps on x64
 * (f32x4.max compiles to ~8 to get NaN and −0 right) and keeps NaN and −0;
 * adding +0 turns −0 into +0 and changes nothing else.
 */
// @ts-ignore: decorator
@inline export function relu4(x: v128): v128 {
  const z = f32x4.splat(0);
  return f32x4.add(f32x4.pmax(x, z), z);
}

/**
 * act(x) lane-wise. relu: max(x, 0) (NaN → NaN); elu (α = 1): x > 0 ? x : e^x − 1
 * (abs error ≲ 1.2e-7 near 0 from the subtraction; NaN → NaN); tanh: vtanh; linear/unknown: x.
 * Inline it only into loops where `act` is a compile-time constant (see
 * elementwise.ts): with a runtime `act`, V8 hoists the exp constants of the
 * elu branch out of the loop, runs out of registers and reloads them from the
 * stack on every iteration of every branch (measured 3× slower relu loops).
 */
// @ts-ignore: decorator
@inline export function applyAct(x: v128, act: i32): v128 {
  if (act == ACT_RELU) return relu4(x);
  if (act == ACT_ELU) {
    const neg = f32x4.sub(vexp(x), f32x4.splat(1.0));
    // bitselect keeps x where x > 0 or x is NaN (x != x), else e^x − 1.
    return v128.bitselect(x, neg, v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.ne(x, x)));
  }
  if (act == ACT_TANH) return vtanh(x);
  return x;
}

/** y[i] = e^{x[i]} for i < len. In place (y == x) is allowed. */
export function expKernel(x: usize, y: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, vexp(v128.load(x + o)));
  }
  const rest = len - i;
  if (rest > 0) {
    const o = <usize>i << 2;
    storePartial(y + o, vexp(loadPartial(x + o, rest, 0)), rest);
  }
}

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

// MAGIC = 1.5·2^23: for |y| < 2^22, y + MAGIC rounds y to the nearest
// integer (ties to even: MAGIC is even, and the ulp in [2^23, 2^24) is 1), so
// (y + MAGIC) − MAGIC = nearest(y) exactly, and the integer itself is the
// low bits: bits(y + MAGIC) − bits(MAGIC). One add and one integer subtract
// instead of f32x4.nearest and i32x4.trunc_sat_f32x4_s (≈ 10 instructions in
// V8 on x64, for its NaN and saturation handling we do not need here).
// @ts-ignore: decorator
@inline const MAGIC: f32 = 12582912.0;

// The vector constants of vexp and vtanh, each splatted to 16 bytes, as a
// table in linear memory. V8 (11.3, x64) materialises every v128.const where
// it is used, inside the loop, with ≈ 4 instructions (two 64-bit immediates
// through a general register); a load from this table is one.
//
// Speed (bench/elementwise.mjs, ns per element over 2^18 floats, two runs of
// each build): exp 3.03–3.11 → 1.68–1.83, tanh 6.04–6.86 → 3.16–3.20, elu
// 2.73–2.78 → 2.25–2.29, logSumExp 4.24–4.52 → 2.88–3.17, from four changes
// that keep every result bit for bit: this table; the MAGIC rounding; pmin/
// pmax for the clamp (f32x4.min/max are ≈ 8 instructions each in V8 for their
// NaN and −0 rules); and vexp/vtanh inlined, with the kernels' loops taking
// two vectors per step through vexp2/vtanh2. Before, vexp was a call per
// vector (V8 11.3 does not inline wasm calls), and one vexp is a chain of ≈ 25
// dependent operations: interleaving two chains statement by statement was
// worth 1.4× on its own, where two inlined vexp one after the other per loop
// step gave about 5%.
const KT: usize = memory.data<f32>([
  EXP_LO, EXP_LO, EXP_LO, EXP_LO, //   0
  EXP_HI, EXP_HI, EXP_HI, EXP_HI, //  16
  LOG2E, LOG2E, LOG2E, LOG2E, //      32
  MAGIC, MAGIC, MAGIC, MAGIC, //      48
  C1, C1, C1, C1, //                  64
  C2, C2, C2, C2, //                  80
  P0, P0, P0, P0, //                  96
  P1, P1, P1, P1, //                 112
  P2, P2, P2, P2, //                 128
  P3, P3, P3, P3, //                 144
  P4, P4, P4, P4, //                 160
  P5, P5, P5, P5, //                 176
  1.0, 1.0, 1.0, 1.0, //             192
  2.0, 2.0, 2.0, 2.0, //             208
  T0, T0, T0, T0, //                 224
  T1, T1, T1, T1, //                 240
  T2, T2, T2, T2, //                 256
  T3, T3, T3, T3, //                 272
  T4, T4, T4, T4, //                 288
  0.625, 0.625, 0.625, 0.625, //     304
], 16);
// Integer constants (as i32 bit patterns) after the float ones.
const KI: usize = memory.data<i32>([
  127, 127, 127, 127, //                                              0: exponent bias
  0x4B400000, 0x4B400000, 0x4B400000, 0x4B400000, //                 16: bits of MAGIC
  i32.MIN_VALUE, i32.MIN_VALUE, i32.MIN_VALUE, i32.MIN_VALUE, //     32: sign bit
], 16);

/** 32 bytes of scratch: where vexp/vtanh and applyActPair put results that cannot go straight to their destination. */
export const PAIR: usize = memory.data(32, 16);

/**
 * e^x lane-wise (Cephes expf, see the file header): vexp2 with both inputs x
 * (for loop tails; loops take two vectors per step through vexp2).
 */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  vexp2(x, x, PAIR);
  return v128.load(PAIR);
}

/**
 * e^a and e^b lane-wise (the file header's method), stored at out and
 * out + 16. One exp is a chain of ≈ 25 dependent operations, and the CPU
 * overlapped little of one loop step's chain with the next one's (two
 * copies one after the other: about 5% faster than one); written
 * interleaved, statement by statement, the two chains ran 1.4× faster on
 * the exp kernel (see KT). The chains never mix:
 * a lane's result does not depend on the other vector. A NaN input leaves
 * its n meaningless, but its p is NaN and so is the product.
 */
// @ts-ignore: decorator
@inline export function vexp2(a: v128, b: v128, out: usize): void {
  const lo = v128.load(KT), hi = v128.load(KT, 16);
  a = f32x4.pmin(f32x4.pmax(a, lo), hi);
  b = f32x4.pmin(f32x4.pmax(b, lo), hi);
  const l2e = v128.load(KT, 32), mg = v128.load(KT, 48);
  const ta = f32x4.add(f32x4.mul(a, l2e), mg);
  const tb = f32x4.add(f32x4.mul(b, l2e), mg);
  const fa = f32x4.sub(ta, mg);
  const fb = f32x4.sub(tb, mg);
  const c1 = v128.load(KT, 64), c2 = v128.load(KT, 80);
  let ra = f32x4.sub(a, f32x4.mul(fa, c1));
  let rb = f32x4.sub(b, f32x4.mul(fb, c1));
  ra = f32x4.sub(ra, f32x4.mul(fa, c2));
  rb = f32x4.sub(rb, f32x4.mul(fb, c2));
  const p0 = v128.load(KT, 96), p1 = v128.load(KT, 112);
  let pa = f32x4.add(f32x4.mul(p0, ra), p1);
  let pb = f32x4.add(f32x4.mul(p0, rb), p1);
  const p2 = v128.load(KT, 128);
  pa = f32x4.add(f32x4.mul(pa, ra), p2);
  pb = f32x4.add(f32x4.mul(pb, rb), p2);
  const p3 = v128.load(KT, 144);
  pa = f32x4.add(f32x4.mul(pa, ra), p3);
  pb = f32x4.add(f32x4.mul(pb, rb), p3);
  const p4 = v128.load(KT, 160);
  pa = f32x4.add(f32x4.mul(pa, ra), p4);
  pb = f32x4.add(f32x4.mul(pb, rb), p4);
  const p5 = v128.load(KT, 176);
  pa = f32x4.add(f32x4.mul(pa, ra), p5);
  pb = f32x4.add(f32x4.mul(pb, rb), p5);
  const za = f32x4.mul(ra, ra);
  const zb = f32x4.mul(rb, rb);
  const one = v128.load(KT, 192);
  pa = f32x4.add(f32x4.add(f32x4.mul(pa, za), ra), one);
  pb = f32x4.add(f32x4.add(f32x4.mul(pb, zb), rb), one);
  const mb = v128.load(KI, 16), bias = v128.load(KI);
  const na = i32x4.sub(ta, mb);
  const nb = i32x4.sub(tb, mb);
  const na1 = i32x4.shr_s(na, 1);
  const nb1 = i32x4.shr_s(nb, 1);
  const sa1 = i32x4.shl(i32x4.add(na1, bias), 23);
  const sb1 = i32x4.shl(i32x4.add(nb1, bias), 23);
  const sa2 = i32x4.shl(i32x4.add(i32x4.sub(na, na1), bias), 23);
  const sb2 = i32x4.shl(i32x4.add(i32x4.sub(nb, nb1), bias), 23);
  v128.store(out, f32x4.mul(f32x4.mul(pa, sa1), sa2));
  v128.store(out, f32x4.mul(f32x4.mul(pb, sb1), sb2), 16);
}

/**
 * tanh lane-wise, after Cephes `tanhf`: |x| < 0.625 by an odd polynomial (no
 * cancellation near 0), otherwise sign(x)·(1 − 2/(e^{2|x|} + 1)). Saturates to
 * ±1 for |x| > 9.01; NaN → NaN. Max abs error ≈ 1.2e-7 (test/kernels.test.ts).
 * vtanh2 with both inputs x (for loop tails).
 */
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  vtanh2(x, x, PAIR);
  return v128.load(PAIR);
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

/**
 * tanh of two vectors (see vtanh), stored at out and out + 16, the two
 * chains interleaved as in vexp2.
 */
// @ts-ignore: decorator
@inline export function vtanh2(a: v128, b: v128, out: usize): void {
  const sm = v128.load(KI, 32);
  const sa = v128.and(a, sm);
  const sb = v128.and(b, sm);
  const aa = f32x4.abs(a);
  const ab = f32x4.abs(b);
  vexp2(f32x4.add(aa, aa), f32x4.add(ab, ab), out);
  const one = v128.load(KT, 192), two = v128.load(KT, 208);
  const ba = v128.or(f32x4.sub(one, f32x4.div(two, f32x4.add(v128.load(out), one))), sa);
  const bb = v128.or(f32x4.sub(one, f32x4.div(two, f32x4.add(v128.load(out, 16), one))), sb);
  const za = f32x4.mul(a, a);
  const zb = f32x4.mul(b, b);
  const t0 = v128.load(KT, 224), t1 = v128.load(KT, 240);
  let pa = f32x4.add(f32x4.mul(t0, za), t1);
  let pb = f32x4.add(f32x4.mul(t0, zb), t1);
  const t2 = v128.load(KT, 256);
  pa = f32x4.add(f32x4.mul(pa, za), t2);
  pb = f32x4.add(f32x4.mul(pb, zb), t2);
  const t3 = v128.load(KT, 272);
  pa = f32x4.add(f32x4.mul(pa, za), t3);
  pb = f32x4.add(f32x4.mul(pb, zb), t3);
  const t4 = v128.load(KT, 288);
  pa = f32x4.add(f32x4.mul(pa, za), t4);
  pb = f32x4.add(f32x4.mul(pb, zb), t4);
  const smallA = f32x4.add(a, f32x4.mul(f32x4.mul(a, za), pa));
  const smallB = f32x4.add(b, f32x4.mul(f32x4.mul(b, zb), pb));
  const th = v128.load(KT, 304);
  v128.store(out, v128.bitselect(smallA, ba, f32x4.lt(aa, th)));
  v128.store(out, v128.bitselect(smallB, bb, f32x4.lt(ab, th)), 16);
}

/**
 * act(a) and act(b), stored at out and out + 16 (same bits as applyAct on
 * each). For tanh and elu the two exp chains run interleaved (vexp2: one
 * chain alone is latency-bound). `act` must be a compile-time constant at
 * the call site, as for applyAct.
 */
// @ts-ignore: decorator
@inline export function applyActPair(a: v128, b: v128, act: i32, out: usize): void {
  if (act == ACT_TANH) {
    vtanh2(a, b, out);
  } else if (act == ACT_ELU) {
    vexp2(a, b, out);
    const one = v128.load(KT, 192);
    const z = f32x4.splat(0);
    // as applyAct: x where x > 0 or x is NaN, else e^x − 1
    v128.store(out, v128.bitselect(a, f32x4.sub(v128.load(out), one), v128.or(f32x4.gt(a, z), f32x4.ne(a, a))));
    v128.store(out, v128.bitselect(b, f32x4.sub(v128.load(out, 16), one), v128.or(f32x4.gt(b, z), f32x4.ne(b, b))), 16);
  } else {
    v128.store(out, applyAct(a, act));
    v128.store(out, applyAct(b, act), 16);
  }
}

/** y[i] = e^{x[i]} for i < len. In place (y == x) is allowed. */
export function expKernel(x: usize, y: usize, len: i32): void {
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const o = <usize>i << 2;
    vexp2(v128.load(x + o), v128.load(x + o, 16), y + o);
  }
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

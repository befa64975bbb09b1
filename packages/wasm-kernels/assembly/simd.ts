// Small SIMD helpers shared by the kernels: partial (tail) loads/stores and
// horizontal reductions. Pointers are byte offsets into linear memory; a
// float pointer only needs 4-byte alignment (v128.load has no alignment trap).

/** Loads `n` (0..4) floats from `p` into lanes 0..n-1; the other lanes get `fill`. Never reads past p + 4n. */
// @ts-ignore: decorator
@inline export function loadPartial(p: usize, n: i32, fill: f32): v128 {
  let v = f32x4.splat(fill);
  if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  if (n > 3) v = f32x4.replace_lane(v, 3, load<f32>(p, 12));
  return v;
}

/** Stores lanes 0..n-1 (n in 0..4) of `v` at `p`. Never writes past p + 4n. */
// @ts-ignore: decorator
@inline export function storePartial(p: usize, v: v128, n: i32): void {
  if (n > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
  if (n > 3) store<f32>(p, f32x4.extract_lane(v, 3), 12);
}

/** Sum of the first `n` lanes (0..4) of `v`, in f64. */
// @ts-ignore: decorator
@inline export function sumLanes(v: v128, n: i32): f64 {
  let s: f64 = 0;
  if (n > 0) s += <f64>f32x4.extract_lane(v, 0);
  if (n > 1) s += <f64>f32x4.extract_lane(v, 1);
  if (n > 2) s += <f64>f32x4.extract_lane(v, 2);
  if (n > 3) s += <f64>f32x4.extract_lane(v, 3);
  return s;
}

/** Adds the four f32 lanes of `v` into the two f64 lanes of `acc` (exact widening, then f64 adds). */
// @ts-ignore: decorator
@inline export function accumulateF64(acc: v128, v: v128): v128 {
  acc = f64x2.add(acc, f64x2.promote_low_f32x4(v));
  return f64x2.add(acc, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
}

/** Horizontal sum of an f64x2. */
// @ts-ignore: decorator
@inline export function hsumF64(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** Horizontal max of an f32x4 (NaN-propagating, like f32x4.max). */
// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  const s = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  const t = f32x4.max(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
  return f32x4.extract_lane(t, 0);
}

/**
 * c + a·b lane-wise. Built with relaxed SIMD (`--enable relaxed-simd`, the
 * `fma` build) this is one `f32x4.relaxed_madd`, a fused multiply-add with a
 * single rounding on CPUs that have FMA; otherwise `f32x4.mul` then
 * `f32x4.add`, two roundings, the same bits on every engine.
 */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

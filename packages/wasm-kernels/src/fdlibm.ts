/**
 * Deterministic elementary functions: ports of fdlibm 5.3 (Sun Microsystems,
 * 1993/2004, http://www.netlib.org/fdlibm) to TypeScript, using only IEEE 754
 * double arithmetic (+ − × ÷ and `Math.sqrt`, all correctly rounded) and bit
 * manipulation of the 64-bit pattern.
 *
 * Why: ECMAScript leaves `Math.log`, `Math.exp`, `Math.pow`, `Math.sin`… to the
 * engine ("implementation-approximated"), and engines differ in the last bit —
 * Node 20's V8 11.3 uses fdlibm ports while newer Chromium V8 uses LLVM libc's
 * routines — so the same seed gave different numbers in Node and in browsers.
 * These functions give the same bits on every engine. Each is a line-by-line
 * port of the fdlibm routine named in its comment, with the original's
 * constants (hex in comments) and branch structure. Accuracy is fdlibm's: below
 * 1 ulp for log, exp, log1p and expm1 (its error analysis), "nearly rounded"
 * for pow; fdlibm states none for tanh and asinh (measured below 1.9 and 1.2
 * ulp against 200-bit mpmath). On Node 20 (V8 11.3, itself fdlibm-based) all
 * but pow return exactly what `Math.*` returns there (V8 regroups e_pow.c's
 * last step; ~4% of pow results differ by 1 ulp).
 *
 * Original notice, preserved as its licence requires:
 *   Copyright (C) 1993 (2004 for e_exp.c, s_expm1.c, e_pow.c) by Sun
 *   Microsystems, Inc. All rights reserved. Developed at SunSoft, a Sun
 *   Microsystems, Inc. business. Permission to use, copy, modify, and
 *   distribute this software is freely granted, provided that this notice is
 *   preserved.
 *
 * Word access: one shared 8-byte buffer viewed as a Float64Array and an
 * Int32Array. `HI` is the index of the sign/exponent word (1 on little-endian
 * hosts, 0 on big-endian), found once at load, so the code is endian-neutral.
 * fdlibm's `__HI(x)`/`__LO(x)` become `i32[HI]`/`i32[LO]` after `f64[0] = x`.
 * Words are signed int32 here; where fdlibm declares a word `unsigned`, the
 * port compares only quantities for which that makes no difference, or says so.
 */

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);
const HI = new Uint8Array(new Float64Array([-0]).buffer)[7] === 0x80 ? 1 : 0;
const LO = 1 - HI;

/** The high (sign, exponent, top 20 mantissa bits) word of x, as a signed int32. */
function highWord(x: number): number {
  f64[0] = x;
  return i32[HI]!;
}

/** The double whose high word is `hi` and low word `lo` (fdlibm's INSERT_WORDS). */
function fromWords(hi: number, lo: number): number {
  i32[HI] = hi;
  i32[LO] = lo;
  return f64[0]!;
}

/** x with its high word replaced by `hi` (fdlibm's SET_HIGH_WORD / `__HI(x) = hi`). */
function withHighWord(x: number, hi: number): number {
  f64[0] = x;
  i32[HI] = hi;
  return f64[0]!;
}

/** x with its low word set to 0 (fdlibm's `__LO(x) = 0`): the leading 21 mantissa bits of x. */
function clearLow(x: number): number {
  f64[0] = x;
  i32[LO] = 0;
  return f64[0]!;
}

/** x · 2^k by adding k to the exponent field (fdlibm's `__HI(y) += k<<20`); the caller guarantees the result is normal. */
function addExponent(y: number, k: number): number {
  f64[0] = y;
  i32[HI] = i32[HI]! + (k << 20);
  return f64[0]!;
}

/**
 * POW2[e + 1074] = 2^e for e = −1074 … 1023 (built by exact doublings and halvings). Multiplying a
 * double by 2^e is exact whenever the product is normal, so `x * pow2(e)` gives the same bits as
 * fdlibm's `__HI(x) += e<<20` or `__HI(x) = …` exponent surgery, with one multiplication instead of
 * a word store and a reload through the shared buffer (about 10% faster in `log`).
 */
const POW2 = new Float64Array(2098);
{
  let p = 1;
  for (let e = 0; e <= 1023; e++, p *= 2) POW2[e + 1074] = p;
  p = 1;
  for (let e = 0; e >= -1074; e--, p /= 2) POW2[e + 1074] = p;
}

/** 2^e for −1074 ≤ e ≤ 1023, exact. */
function pow2(e: number): number {
  return POW2[e + 1074]!;
}

/**
 * fdlibm tests ranges on the high word of |x|: `hx >= H` is |x| ≥ word(H), `hx < H` is |x| < word(H),
 * and `hx > H` is |x| ≥ word(H + 1), where word(H) is the double with high word H and low word 0.
 * The functions below use these comparisons on doubles where they need no other bits of x (NaN
 * fails every comparison and is caught first).
 */
function word(hi: number): number {
  return fromWords(hi, 0);
}

// Shared constants (e_log.c, e_exp.c, s_log1p.c, s_expm1.c).
const LN2_HI = 6.93147180369123816490e-1; /* 3fe62e42 fee00000 */
const LN2_LO = 1.90821492927058770002e-10; /* 3dea39ef 35793c76 */
const TWO54 = 1.8014398509481984e16; /* 43500000 00000000 */
const INVLN2 = 1.442695040888963387e0; /* 3ff71547 652b82fe */
const O_THRESHOLD = 7.09782712893383973096e2; /* 40862e42 fefa39ef */
const U_THRESHOLD = -7.45133219101941108420e2; /* c0874910 d52d3051 */
const TWOM1000 = 9.3326361850321887899e-302; /* 01700000 00000000 = 2^-1000 */
const TWO1023 = 8.98846567431157953865e307; /* 7fe00000 00000000 = 2^1023 */
const HUGE = 1.0e300;
// High-word thresholds of |x| as doubles (see `word`).
const W_709 = word(0x40862e42); // 709.78…: exp/expm1 overflow range
const W_HALF_LN2 = word(0x3fd62e43); // hx > 0x3fd62e42: |x| > 0.5·ln2
const W_1_5_LN2 = word(0x3ff0a2b2); // hx < 0x3ff0a2b2: |x| < 1.5·ln2
const W_2M28 = word(0x3e300000); // 2^-28
const W_56_LN2 = word(0x4043687a); // 56·ln2
const W_2M54 = word(0x3c900000); // 2^-54

// e_log.c: log(1+f) = f − s·(f − R) with s = f/(2+f), R ≈ Lg1·s² + … + Lg7·s¹⁴ (Remez, error < 2^-58.45).
const Lg1 = 6.666666666666735130e-1; /* 3FE55555 55555593 */
const Lg2 = 3.999999999940941908e-1; /* 3FD99999 9997FA04 */
const Lg3 = 2.857142874366239149e-1; /* 3FD24924 94229359 */
const Lg4 = 2.222219843214978396e-1; /* 3FCC71C5 1D8E78AF */
const Lg5 = 1.818357216161805012e-1; /* 3FC74664 96CB03DE */
const Lg6 = 1.531383769920937332e-1; /* 3FC39A09 D078C69F */
const Lg7 = 1.479819860511658591e-1; /* 3FC2F112 DF3E5244 */

/**
 * Natural logarithm ln x, fdlibm `__ieee754_log` (e_log.c 1.3, 95/01/18):
 * x = 2^k·(1+f) with √2/2 < 1+f < √2, then ln x = k·ln2_hi + (f − (hfsq −
 * (s·(hfsq+R) + k·ln2_lo))). Error < 1 ulp. log(±0) = −∞, log(x<0) = NaN,
 * log(+∞) = +∞, log(NaN) = NaN, log(1) = +0; subnormals are scaled by 2^54 first.
 */
export function log(x: number): number {
  f64[0] = x;
  const hx = i32[HI]!; // high word of x
  // The code is split so that the common path (log → logNormal) stays under V8's inlining limit: a
  // call that is not inlined boxes its double argument and result, which made log 3× slower than
  // Math.log.
  if (hx < 0x00100000 || hx >= 0x7ff00000) return logSpecial(x, hx);
  return logNormal(x, hx, 0);
}

/** `log` for x < 2^-1022 (±0, negatives, subnormals) and for +∞ / NaN, in e_log.c's order of tests. */
function logSpecial(x: number, hx: number): number {
  if (hx < 0x00100000) {
    if (x === 0) return -Infinity; // ((hx&0x7fffffff)|lx)==0: -two54/zero
    if (hx < 0) return Number.NaN; // (x-x)/zero
    x *= TWO54; // subnormal: scale up, k −= 54
    f64[0] = x;
    return logNormal(x, i32[HI]!, -54);
  }
  return x + x; // +∞ or NaN
}

/**
 * e_log.c from `k += (hx>>20)-1023` on, for a positive normal x with high word hx (k = 0, or −54 for
 * a scaled subnormal). e_log.c returns its `k==0` forms (f − R, f − (hfsq − s·(hfsq+R)),
 * f − s·(f−R)) when k = 0; they equal the general forms used here with k = 0, to the bit: the k·ln2
 * terms are then exactly 0, and 0 − (a − f) rounds like f − a (round-to-nearest is symmetric).
 * Folding them keeps this function small enough to inline.
 */
function logNormal(x: number, hx: number, k: number): number {
  const m = hx & 0x000fffff;
  let i = (m + 0x95f64) & 0x100000;
  // `__HI(x) = m|(i^0x3ff00000)` normalises x (or x/2) into [√2/2, √2): the same as x·2^-e.
  const e = (hx >> 20) - 1023 + (i >> 20);
  k += e;
  const f = x * pow2(-e) - 1.0;
  if ((0x000fffff & (2 + m)) < 3) return logNearOne(f, k); // |f| < 2^-20
  const s = f / (2.0 + f);
  const z = s * s;
  i = m - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - m;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f);
  }
  return k * LN2_HI - (s * (f - R) - k * LN2_LO - f);
}

/** e_log.c's |f| < 2^-20 branch: ln(2^k·(1+f)) by f − f²/2 + f³/3 (k = 0 forms folded as in `logNormal`). */
function logNearOne(f: number, k: number): number {
  if (f === 0) return k * LN2_HI + k * LN2_LO;
  const R = f * f * (0.5 - 0.33333333333333333 * f);
  return k * LN2_HI - (R - k * LN2_LO - f);
}

// e_exp.c: R(r²) = r·(e^r+1)/(e^r−1) ≈ 2 + P1·z + … + P5·z⁵ on [0, 0.34658] (Remez, error < 2^-59).
const P1 = 1.66666666666666019037e-1; /* 3FC55555 5555553E */
const P2 = -2.77777777770155933842e-3; /* BF66C16C 16BEBD93 */
const P3 = 6.61375632143793436117e-5; /* 3F11566A AF25DE2C */
const P4 = -1.65339022054652515390e-6; /* BEBBBD41 C5D26BF1 */
const P5 = 4.13813679705723846039e-8; /* 3E663769 72BEA4D0 */
/** e correctly rounded, 0x4005BF0A 8B145769. */
const E = 2.718281828459045;

/**
 * e^x, fdlibm `__ieee754_exp` (e_exp.c 1.6, 04/04/22): x = k·ln2 + r with
 * |r| ≤ ln2/2 (r = hi − lo), e^r = 1 + r + r·R1(r)/(2 − R1(r)), then scale by
 * 2^k. Error < 1 ulp. exp(+∞) = +∞, exp(−∞) = +0, exp(NaN) = NaN; overflows to
 * +∞ above 709.782712893384 (o_threshold) and underflows to +0 below
 * −745.1332191019411 (u_threshold). One addition to the original, as in V8's
 * port (src/base/ieee754.cc): exp(1) returns e correctly rounded, where the
 * formula is 1 ulp high.
 */
export function exp(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < W_709)) {
    // |x| ≥ 709.78…, or NaN: non-finite, overflow or underflow.
    if (x !== x) return x + x; // NaN
    if (ax === Infinity) return x > 0 ? x : 0.0; // exp(+-inf) = {inf, 0}
    if (x > O_THRESHOLD) return HUGE * HUGE; // overflow
    if (x < U_THRESHOLD) return TWOM1000 * TWOM1000; // underflow
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (ax >= W_HALF_LN2) {
    // |x| > 0.5 ln2: argument reduction.
    if (ax < W_1_5_LN2) {
      // and |x| < 1.5 ln2
      if (x === 1.0) return E;
      if (x > 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = (INVLN2 * x + (x > 0 ? 0.5 : -0.5)) | 0; // C's (int) truncation
      const t = k;
      hi = x - t * LN2_HI; // t*ln2_hi is exact here
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (ax < W_2M28) {
    return 1 + x; // |x| < 2^-28
  }
  // x is now in the primary range.
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - (lo - (x * c) / (2.0 - c) - hi);
  // `__HI(y) += k<<20` (result normal), or `__HI(y) += (k+1000)<<20; y*twom1000` (subnormal).
  if (k >= -1021) return k === 1024 ? y * 2 * TWO1023 : y * pow2(k);
  return y * pow2(k + 1000) * TWOM1000;
}

const W_0_41422 = word(0x3fda827a); // hx < 0x3fda827a: x < 0.41422
const W_2M29 = word(0x3e200000); // 2^-29
const W_0_2929 = word(0x3fd2bec4); // hx <= (int)0xbfd2bec3 for x < 0: x > −0.2929
const TWO53 = 9007199254740992.0; /* 43400000 00000000 */

/**
 * ln(1 + x), accurate for small |x|: fdlibm `log1p` (s_log1p.c 1.3, 95/01/18).
 * Same polynomial as `log` on 1+x = 2^k·(1+f), plus the correction c/u for the
 * rounding of u = 1+x. Error < 1 ulp. log1p(−1) = −∞, log1p(x < −1) = NaN,
 * log1p(±0) = ±0, log1p(+∞) = +∞.
 */
export function log1p(x: number): number {
  let k = 1;
  let f = 0;
  let c = 0;
  let hu = 0;
  if (x < W_0_41422) {
    // x < 0.41422
    const ax = Math.abs(x);
    if (ax >= 1) return x === -1.0 ? -Infinity : Number.NaN; // x ≤ −1.0
    if (ax < W_2M29) return ax < W_2M54 ? x : x - x * x * 0.5; // |x| < 2^-29; below 2^-54, x itself
    if (x > 0 || x > -W_0_2929) {
      // −0.2929 < x < 0.41422
      k = 0;
      f = x;
      hu = 1;
    }
  } else if (!(x < Infinity)) {
    return x + x; // +Inf or NaN (a NaN fails x < 0.41422 too; −NaN and NaN both land here)
  }
  if (k !== 0) {
    let u: number;
    if (x < TWO53) {
      u = 1.0 + x;
      f64[0] = u;
      hu = i32[HI]!;
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0); // correction term
      c /= u;
    } else {
      u = x;
      f64[0] = u;
      hu = i32[HI]!;
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    // `__HI(u) = hu|0x3ff00000` (or `hu|0x3fe00000` with k+1) normalises u: the same as u·2^-k.
    if (hu >= 0x6a09e) {
      k += 1;
      hu = (0x00100000 - hu) >> 2;
    }
    u *= pow2(-k);
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    // |f| < 2^-20
    if (f === 0) {
      if (k === 0) return 0;
      c += k * LN2_LO;
      return k * LN2_HI + c;
    }
    const R = hfsq * (1.0 - 0.66666666666666666 * f);
    return k === 0 ? f - R : k * LN2_HI - (R - (k * LN2_LO + c) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (Lg1 + z * (Lg2 + z * (Lg3 + z * (Lg4 + z * (Lg5 + z * (Lg6 + z * Lg7))))));
  return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - (hfsq - (s * (hfsq + R) + (k * LN2_LO + c)) - f);
}

// s_expm1.c: scaled coefficients Qi·2^i of R1(z) ≈ 1 + Q1·z + … + Q5·z⁵ (Remez on [0, 0.347], error < 2^-61).
const Q1 = -3.33333333333331316428e-2; /* BFA11111 111110F4 */
const Q2 = 1.58730158725481460165e-3; /* 3F5A01A0 19FE5585 */
const Q3 = -7.93650757867487942473e-5; /* BF14CE19 9EAADBB7 */
const Q4 = 4.00821782732936239552e-6; /* 3ED0CFCA 86E65239 */
const Q5 = -2.01099218183624371326e-7; /* BE8AFDB7 6E09C32D */

/**
 * e^x − 1, accurate for small |x|: fdlibm `expm1` (s_expm1.c 1.5, 04/04/22).
 * x = k·ln2 + r with a correction term for the rounding of r, expm1(r) by a
 * rational approximation, then 2^k·(expm1(r) + 1) − 1 arranged per k to avoid
 * cancellation. Error < 1 ulp. expm1(+∞) = +∞, expm1(−∞) = −1, expm1(±0) = ±0;
 * overflows to +∞ above 709.782712893384.
 */
export function expm1(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < W_56_LN2)) {
    // |x| ≥ 56·ln2, or NaN
    if (!(ax < W_709)) {
      // |x| ≥ 709.78…
      if (x !== x) return x + x; // NaN
      if (ax === Infinity) return x > 0 ? x : -1.0; // expm1(+-inf) = {inf, -1}
      if (x > O_THRESHOLD) return HUGE * HUGE; // overflow
    }
    if (x < 0) return -1.0; // x < −56·ln2: e^x − 1 rounds to −1
  }
  let k = 0;
  let c = 0;
  if (ax >= W_HALF_LN2) {
    // |x| > 0.5 ln2
    let hi: number;
    let lo: number;
    if (ax < W_1_5_LN2) {
      // and |x| < 1.5 ln2
      if (x > 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = (INVLN2 * x + (x > 0 ? 0.5 : -0.5)) | 0;
      const t = k;
      hi = x - t * LN2_HI; // t*ln2_hi is exact here
      lo = t * LN2_LO;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (ax < W_2M54) {
    return x; // |x| < 2^-54
  }
  // x is now in the primary range.
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k === 0) return x - (x * e - hxs); // c is 0
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1 + 2.0 * (x - e);
  // Below, `__HI(y) += k<<20` is y·2^k (normal results; 2^1024 itself is not a double).
  if (k <= -2 || k > 56) {
    // suffices to return exp(x) − 1
    const y = 1 - (e - x);
    return (k === 1024 ? y * 2 * TWO1023 : y * pow2(k)) - 1;
  }
  if (k < 20) return (1 - pow2(-k) - (e - x)) * pow2(k); // t = 1 − 2^-k (`__HI(t) = 0x3ff00000 - (0x200000>>k)`)
  return (x - (e + pow2(-k)) + 1) * pow2(k); // t = 2^-k (`__HI(t) = (0x3ff-k)<<20`)
}

const W_22 = word(0x40360000); // 22
const W_2M55 = word(0x3c800000); // 2^-55

/**
 * Hyperbolic tangent, fdlibm `tanh` (s_tanh.c 1.3, 95/01/18): for 2^-55 < |x| < 1,
 * −t/(t+2) with t = expm1(−2|x|); for 1 ≤ |x| < 22, 1 − 2/(t+2) with t = expm1(2|x|);
 * ±1 beyond 22; x·(1+x) below 2^-55. tanh(±∞) = ±1, tanh(NaN) = NaN, tanh(±0) = ±0.
 * Error: fdlibm states none; measured ≤ 1.9 ulp (30 000 points on (−25, 25), 200-bit mpmath).
 */
export function tanh(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < Infinity)) return x > 0 ? 1 / x + 1 : 1 / x - 1; // ±1 for ±Inf, NaN for NaN
  let z: number;
  if (ax < W_22) {
    if (ax < W_2M55) return x * (1 + x); // |x| < 2^-55
    if (ax >= 1) {
      const t = expm1(2 * ax);
      z = 1 - 2 / (t + 2);
    } else {
      const t = expm1(-2 * ax);
      z = -t / (t + 2);
    }
  } else {
    z = 1; // |x| ≥ 22: one − tiny rounds to 1
  }
  return x > 0 ? z : -z;
}

/** ln 2 correctly rounded (s_asinh.c `ln2`, 0x3FE62E42 FEFA39EF). */
const LN2 = 6.93147180559945286227e-1;
const W_2P28 = word(0x41b00001); // hx > 0x41b00000: |x| > 2^28
const W_2 = word(0x40000001); // hx > 0x40000000: |x| > 2

/**
 * Inverse hyperbolic sine, fdlibm `asinh` (s_asinh.c 1.3, 95/01/18):
 * sign(x)·(log|x| + ln2) for |x| > 2^28, sign(x)·log(2|x| + 1/(|x| + √(x²+1)))
 * for |x| > 2, sign(x)·log1p(|x| + x²/(1 + √(1+x²))) below, x itself under
 * 2^-28. asinh(±∞) = ±∞, asinh(NaN) = NaN. Error: fdlibm states none; measured
 * ≤ 1.2 ulp (30 000 points on (−100, 100), 200-bit mpmath).
 */
export function asinh(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < Infinity)) return x + x; // Inf or NaN
  if (ax < W_2M28) return x; // |x| < 2^-28
  let w: number;
  if (ax >= W_2P28) {
    w = log(ax) + LN2;
  } else if (ax >= W_2) {
    w = log(2.0 * ax + 1 / (Math.sqrt(x * x + 1) + ax));
  } else {
    const t = x * x;
    w = log1p(ax + t / (1 + Math.sqrt(1 + t)));
  }
  return x > 0 ? w : -w;
}

// e_pow.c constants.
const BP = [1.0, 1.5] as const;
const DP_H = [0.0, 5.84962487220764160156e-1] as const; /* 3FE2B803 40000000 */
const DP_L = [0.0, 1.35003920212974897128e-8] as const; /* 3E4CFDEB 43CFD006 */
const TINY = 1.0e-300;
// Polynomial coefficients for (3/2)·(log(x) − 2s − 2/3·s³).
const L1 = 5.99999999999994648725e-1; /* 3FE33333 33333303 */
const L2 = 4.28571428578550184252e-1; /* 3FDB6DB6 DB6FABFF */
const L3 = 3.33333329818377432918e-1; /* 3FD55555 518F264D */
const L4 = 2.72728123808534006489e-1; /* 3FD17460 A91D4101 */
const L5 = 2.30660745775561754067e-1; /* 3FCD864A 93C9DB65 */
const L6 = 2.06975017800338417784e-1; /* 3FCA7E28 4A454EEF */
const LG2_H = 6.93147182464599609375e-1; /* 3FE62E43 00000000 */
const LG2_L = -1.90465429995776804525e-9; /* BE205C61 0CA86C39 */
const OVT = 8.0085662595372944372e-17; /* −(1024 − log2(ovfl + .5ulp)) */
const CP = 9.61796693925975554329e-1; /* 3FEEC709 DC3A03FD = 2/(3 ln2) */
const CP_H = 9.61796700954437255859e-1; /* 3FEEC709 E0000000 = (float)cp */
const CP_L = -7.02846165095275826516e-9; /* BE3E2FE0 145B01F5 = tail of cp_h */
const IVLN2_H = 1.44269502162933349609e0; /* 3FF71547 60000000 = 24-bit 1/ln2 */
const IVLN2_L = 1.92596299112661746887e-8; /* 3E54AE0B F85DDF44 = 1/ln2 tail */

/**
 * x^y, fdlibm `__ieee754_pow` (e_pow.c 1.5, 04/04/22): log2|x| in two pieces
 * (t1 + t2, t1 with 29 trailing zero bits), y·log2|x| = n + y′ in simulated
 * extra precision, then 2^n·e^{y′·ln2}. "Nearly rounded"; pow(integer,
 * integer) is exact when representable. Special cases follow C99 except, as
 * ECMAScript requires, (±1)^(±∞) = NaN (fdlibm's own rule 9).
 */
export function pow(x: number, y: number): number {
  f64[0] = x;
  const hx = i32[HI]!;
  const lx = i32[LO]! >>> 0; // unsigned, as in fdlibm
  f64[0] = y;
  const hy = i32[HI]!;
  const ly = i32[LO]! >>> 0;
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;

  if ((iy | ly) === 0) return 1; // x**0 = 1
  if (ix > 0x7ff00000 || (ix === 0x7ff00000 && lx !== 0) || iy > 0x7ff00000 || (iy === 0x7ff00000 && ly !== 0)) return x + y; // NaN

  // yisint = 0: y not an integer; 1: odd integer; 2: even integer (only needed for x < 0).
  let yisint = 0;
  let k: number;
  let j: number;
  if (hx < 0) {
    if (iy >= 0x43400000) yisint = 2;
    else if (iy >= 0x3ff00000) {
      k = (iy >> 20) - 0x3ff; // exponent
      if (k > 20) {
        j = ly >>> (52 - k);
        if ((j << (52 - k)) >>> 0 === ly) yisint = 2 - (j & 1);
      } else if (ly === 0) {
        j = iy >> (20 - k);
        if (j << (20 - k) === iy) yisint = 2 - (j & 1);
      }
    }
  }

  // Special values of y.
  if (ly === 0) {
    if (iy === 0x7ff00000) {
      // y is ±∞
      if (((ix - 0x3ff00000) | lx) === 0) return y - y; // (±1)**±inf is NaN
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0; // (|x|>1)**±inf = inf, 0
      return hy < 0 ? -y : 0; // (|x|<1)**-,+inf = inf, 0
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x; // y is ±1
    if (hy === 0x40000000) return x * x; // y is 2
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x); // y is 0.5, x ≥ +0
  }

  let ax = Math.abs(x);
  // Special values of x: ±0, ±∞, ±1.
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) {
    let z = ax;
    if (hy < 0) z = 1 / z; // 1/|x|
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yisint) === 0) z = Number.NaN; // (-1)**non-int
      else if (yisint === 1) z = -z; // (x<0)**odd = -(|x|**odd)
    }
    return z;
  }

  let n = (hx >> 31) + 1;
  if ((n | yisint) === 0) return Number.NaN; // (x<0)**(non-int)
  let s = 1; // sign of the result
  if ((n | (yisint - 1)) === 0) s = -1; // (-ve)**(odd int)

  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) {
    // |y| > 2^31
    if (iy > 0x43f00000) {
      // |y| > 2^64: must over/underflow
      if (ix <= 0x3fefffff) return hy < 0 ? HUGE * HUGE : TINY * TINY;
      if (ix >= 0x3ff00000) return hy > 0 ? HUGE * HUGE : TINY * TINY;
    }
    // Over/underflow if x is not close to one.
    if (ix < 0x3fefffff) return hy < 0 ? s * HUGE * HUGE : s * TINY * TINY;
    if (ix > 0x3ff00000) return hy > 0 ? s * HUGE * HUGE : s * TINY * TINY;
    // Now |1−x| ≤ 2^-20: log(x) by x − x²/2 + x³/3 − x⁴/4.
    const t = ax - 1; // t has 20 trailing zeros
    const w = t * t * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
    const u = IVLN2_H * t; // ivln2_h has 21 significant bits
    const v = t * IVLN2_L - w * INVLN2;
    t1 = clearLow(u + v);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) {
      // subnormal x
      ax *= TWO53;
      n -= 53;
      ix = highWord(ax);
    }
    n += (ix >> 20) - 0x3ff;
    j = ix & 0x000fffff;
    // Determine the interval.
    ix = j | 0x3ff00000; // normalise ix
    if (j <= 0x3988e) k = 0; // |x| < √(3/2)
    else if (j < 0xbb67a) k = 1; // |x| < √3
    else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    f64[0] = ax;
    i32[HI] = ix;
    ax = f64[0]!;
    const bpk = k === 0 ? BP[0] : BP[1];
    // ss = s_h + s_l = (x−1)/(x+1) or (x−1.5)/(x+1.5)
    let u = ax - bpk;
    let v = 1 / (ax + bpk);
    const ss = u * v;
    const s_h = clearLow(ss);
    // t_h = ax + bp[k], high part
    let t_h = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0);
    let t_l = ax - (t_h - bpk);
    const s_l = v * (u - s_h * t_h - s_h * t_l);
    // log(ax)
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += s_l * (s_h + ss);
    s2 = s_h * s_h;
    t_h = clearLow(3.0 + s2 + r);
    t_l = r - (t_h - 3.0 - s2);
    // u + v = ss·(1 + …)
    u = s_h * t_h;
    v = s_l * t_h + t_l * ss;
    // 2/(3 log2)·(ss + …)
    const p_h = clearLow(u + v);
    const p_l = v - (p_h - u);
    const z_h = CP_H * p_h; // cp_h + cp_l = 2/(3 log2)
    const z_l = CP_L * p_h + p_l * CP + (k === 0 ? DP_L[0] : DP_L[1]);
    // log2(ax) = (ss + …)·2/(3 log2) = n + dp_h + z_h + z_l
    const dph = k === 0 ? DP_H[0] : DP_H[1];
    const t = n;
    t1 = clearLow(z_h + z_l + dph + t);
    t2 = z_l - (t1 - t - dph - z_h);
  }

  // Split y into y1 + y2 and compute (y1 + y2)·(t1 + t2).
  const y1 = clearLow(y);
  let p_l = (y - y1) * t1 + y * t2;
  let p_h = y1 * t1;
  let z = p_l + p_h;
  f64[0] = z;
  j = i32[HI]!;
  let i = i32[LO]!;
  if (j >= 0x40900000) {
    // z ≥ 1024
    if (((j - 0x40900000) | i) !== 0) return s * HUGE * HUGE; // z > 1024: overflow
    if (p_l + OVT > z - p_h) return s * HUGE * HUGE;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    // z ≤ −1075 (j − 0xc090cc00 is computed mod 2^32 by `|`, as in C's unsigned arithmetic)
    if (((j - 0xc090cc00) | i) !== 0) return s * TINY * TINY; // z < −1075: underflow
    if (p_l <= z - p_h) return s * TINY * TINY;
  }

  // 2^(p_h + p_l)
  i = j & 0x7fffffff;
  k = (i >> 20) - 0x3ff;
  n = 0;
  if (i > 0x3fe00000) {
    // |z| > 0.5: n = [z + 0.5]
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff; // new k for n
    const t = fromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    p_h -= t;
  }
  const t = clearLow(p_l + p_h);
  const u = t * LG2_H;
  const v = (p_l - (t - p_h)) * LN2 + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  const tt = z * z;
  const tt1 = z - tt * (P1 + tt * (P2 + tt * (P3 + tt * (P4 + tt * P5))));
  const r = (z * tt1) / (tt1 - 2) - (w + z * w);
  z = 1 - (r - z);
  j = highWord(z) + (n << 20);
  z = j >> 20 <= 0 ? scalbn(z, n) : addExponent(z, n); // subnormal output via scalbn
  return s * z;
}

const TWOM54 = 5.5511151231257827021e-17; /* 3C900000 00000000 */

/** x·2^n by exponent manipulation, fdlibm `scalbn` (s_scalbn.c 1.3, 95/01/18); used by `pow` for subnormal results. */
function scalbn(x: number, n: number): number {
  f64[0] = x;
  let hx = i32[HI]!;
  const lx = i32[LO]!;
  let k = (hx & 0x7ff00000) >> 20; // exponent
  if (k === 0) {
    // 0 or subnormal x
    if ((lx | (hx & 0x7fffffff)) === 0) return x; // ±0
    x *= TWO54;
    hx = highWord(x);
    k = ((hx & 0x7ff00000) >> 20) - 54;
    if (n < -50000) return TINY * x; // underflow
  }
  if (k === 0x7ff) return x + x; // NaN or Inf
  k = k + n;
  const sign = x < 0 ? -1 : 1;
  if (k > 0x7fe) return HUGE * (sign * HUGE); // overflow
  if (k > 0) return withHighWord(x, (hx & 0x800fffff) | (k << 20)); // normal result
  if (k <= -54) {
    if (n > 50000) return HUGE * (sign * HUGE); // overflow (integer overflow guard in n+k)
    return TINY * (sign * TINY); // underflow
  }
  k += 54; // subnormal result
  return withHighWord(x, (hx & 0x800fffff) | (k << 20)) * TWOM54;
}

// k_sin.c / k_cos.c kernel polynomials on [−π/4, π/4] (Remez, error < 2^-58).
const S1 = -1.66666666666666324348e-1; /* BFC55555 55555549 */
const S2 = 8.33333333332248946124e-3; /* 3F811111 1110F8A6 */
const S3 = -1.98412698298579493134e-4; /* BF2A01A0 19C161D5 */
const S4 = 2.75573137070700676789e-6; /* 3EC71DE3 57B1FE7D */
const S5 = -2.50507602534068634195e-8; /* BE5AE5E6 8A2B9CEB */
const S6 = 1.58969099521155010221e-10; /* 3DE5D93A 5ACFD57C */
const C1 = 4.16666666666666019037e-2; /* 3FA55555 5555554C */
const C2 = -1.38888888888741095749e-3; /* BF56C16C 16C15177 */
const C3 = 2.48015872894767294178e-5; /* 3EFA01A0 19CB1590 */
const C4 = -2.75573143513906633035e-7; /* BE927E4F 809C52AD */
const C5 = 2.08757232129817482790e-9; /* 3E21EE9E BDB4B1C4 */
const C6 = -1.13596475577881948265e-11; /* BDA8FAE9 BE8838D4 */

/** sin(x + y) for |x| ≤ π/4 and y a tail below ulp(x), fdlibm `__kernel_sin(x, y, 1)` (k_sin.c 1.3, 95/01/18). */
function kernelSin(x: number, y: number): number {
  if ((highWord(x) & 0x7fffffff) < 0x3e400000) return x; // |x| < 2^-27
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

/** cos(x + y) for |x| ≤ π/4 and y a tail below ulp(x), fdlibm `__kernel_cos(x, y)` (k_cos.c 1.4, 96/03/07). */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  // 1 − qx and z/2 − qx are exact, reducing the rounding error of the subtraction.
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0); // |x|/4, or 0.28125 above 0.78125
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

// π = PI + PI_TAIL (fdlibm's pio2_hi/pio2_lo ×2: 400921FB 54442D18, 3CA1A626 33145C07), and PI split
// into two 26-bit halves for Dekker's exact product (Veltkamp splitting, factor 2^27 + 1).
const PI_TAIL = 1.2246467991473531772e-16;
const SPLIT = 134217729;
const PI_HEAD = SPLIT * Math.PI - (SPLIT * Math.PI - Math.PI);
const PI_REST = Math.PI - PI_HEAD;
let productTail = 0;

/** π·r rounded, leaving the rest (|rest| ≲ ulp) in `productTail`: Dekker's exact product PI·r plus r·PI_TAIL. */
function timesPi(r: number): number {
  const hi = Math.PI * r;
  const c = SPLIT * r;
  const rh = c - (c - r);
  const rl = r - rh;
  productTail = PI_HEAD * rh - hi + PI_HEAD * rl + PI_REST * rh + PI_REST * rl + r * PI_TAIL;
  return hi;
}

/**
 * sin(πx), for the reflection formula Γ(x)Γ(1−x) = π/sin(πx). The reduction
 * is exact (x − 2⌊x/2⌋, then sin(π(1−r)) = sin(πr), all exact in binary), and
 * π·r is formed as an unevaluated sum hi + lo (Dekker's product), which
 * fdlibm's `__kernel_sin`/`__kernel_cos` take as (x, y) on [0, π/4]. This
 * avoids a full `sin` port (whose reduction by π/2 needs k_rem_pio2.c's
 * 1,584-bit table of 2/π) and is more accurate than sin(π·x), whose rounded
 * argument costs up to ~1.4 ulp below x = ½ and all relative accuracy near
 * integers. sinPi(±∞) = NaN, sinPi(NaN) = NaN, sinPi(n) = ±0 for integers n.
 */
export function sinPi(x: number): number {
  if (!Number.isFinite(x)) return Number.NaN;
  if (x === 0) return x; // ±0, sign kept as by sin
  const ax = Math.abs(x);
  if (ax >= 4503599627370496) return x * 0; // |x| ≥ 2^52 is an even integer
  let r = ax - 2 * Math.floor(ax / 2); // in [0, 2), exact
  let sign = x < 0 ? -1 : 1;
  if (r >= 1) {
    r -= 1; // sin(π(r+1)) = −sin(πr); exact (Sterbenz)
    sign = -sign;
  }
  if (r > 0.5) r = 1 - r; // sin(π(1−r)) = sin(πr); exact
  let v: number;
  if (r <= 0.25) {
    const hi = timesPi(r);
    v = kernelSin(hi, productTail);
  } else {
    const hi = timesPi(0.5 - r); // sin(πr) = cos(π(½ − r)); ½ − r exact
    v = kernelCos(hi, productTail);
  }
  return sign * v;
}

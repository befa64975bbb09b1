// Single-precision GEMM, C[m×n] (=|+=) op(A)·op(B) (+ bias, activation),
// row-major, on 128-bit SIMD without FMA (f32x4.mul + f32x4.add).
//
// Structure (Goto & van de Geijn, "Anatomy of High-Performance Matrix
// Multiplication", ACM TOMS 2008; the BLIS loop ordering of Van Zee & van de
// Geijn 2015):
//
//   for jc in n step NC:                       B block: KC×NC, packed to BP (L2)
//     for pc in k step KC:
//       pack op(B)[pc:pc+KC, jc:jc+NC] into 8-column panels  (k-major, zero-padded)
//       for ic in m step MC:                   A block: MC×KC, packed to AP (L2)
//         pack op(A)[ic:ic+MC, pc:pc+KC] into 5-row panels   (k-major, splatted, zero-padded)
//         for jr in NC step 8:                 one B panel (KC·8 floats, L1)
//           for ir in MC step 5:
//             5×8 micro-kernel: 10 f32x4 accumulators, per k: 2 loads of B,
//             5 loads of pre-splatted A, 10 mul + 10 add.
//
// Because packing puts every variant in the same panel layout, transA and
// transB only change the packing routines (B: a vector copy, or 4×4 shuffle
// transposes for Bᵀ; A: lane-splat shuffles from rows or from columns), so all
// four variants (NN, NT, TN, TT) run the same micro-kernel at about the same
// speed. Edges (m % 5, n % 8, any k) are zero-padded in the packed panels and
// finished by a masked epilogue, so no scalar tail code sits in the hot loop.
// n = 1 (matrix × vector) skips packing: see gemv. Packing costs O(mk + kn) against the 2mnk flops (measured ≈ 5 % at
// 512×128·128×128, all in packA).
//
// Throughput (bench/gemm.mjs, 1 thread, Zen 3 at ~2.5–3 GHz, V8 11.3 / Node 20):
// ~33–35 GFLOP/s for 512×128·128×128 in every variant, against a mul+add
// ceiling of 4 f32x4 ops/cycle ≈ 16 flop/cycle. The micro-kernel alone
// (L1-resident panels) reaches ~37.5; V8's loop overhead (stack check,
// zero-extension of i32 addresses) makes it front-end bound, not FP bound.
//
// Scratch panels are static (memory.data below __heap_base), so the kernel
// never allocates or grows memory and never touches the JS-managed heap.

import { applyAct } from './exp';
import { loadPartial, storePartial } from './simd';

// @ts-ignore: decorator
@inline const MR: i32 = 5;
// @ts-ignore: decorator
@inline const NR: i32 = 8;
// @ts-ignore: decorator
@inline const KC: i32 = 256; // B panel KC·NR·4 B = 8 KiB stays in L1 while the A block streams
// @ts-ignore: decorator
@inline const MC: i32 = 60; // packed A block MC·KC·16 B = 240 KiB (pre-splatted): fits L2 (512 KiB)
// @ts-ignore: decorator
@inline const NC: i32 = 512; // packed B block KC·NC·4 B = 512 KiB

/** Packed A: MC×KC floats, each pre-splatted to a v128 (16 B). */
const AP: usize = memory.data(MC * KC * 16, 16);
/** Packed B: KC×NC floats. */
const BP: usize = memory.data(KC * NC * 4, 16);
/** One micro-tile (MR rows × NR floats) for the general epilogue. */
const TILE: usize = memory.data(MR * NR * 4, 16);

/**
 * Packs op(A)[ic:ic+mc, pc:pc+kc] into AP as ceil(mc/5) panels. Panel q holds
 * rows ic+5q..ic+5q+4 as kc groups of 5 v128 (k-major), each the row's element
 * splatted to 4 lanes; rows ≥ mc are 0. Pre-splatting costs 4× the packed
 * bytes but lets the micro-kernel use plain v128.load with a constant offset
 * (V8 does not fold the offset of v128.load32_splat into the address and emits
 * an extra lea per broadcast; measured +7 % kernel throughput).
 * !transA: A is m×k (element (i,p) at a[i·k + p]); transA: A is stored k×m
 * (element (i,p) at a[p·m + i]).
 */
function packA(a: usize, transA: bool, m: i32, k: i32, ic: i32, pc: i32, mc: i32, kc: i32): void {
  // byte strides of op(A) along rows (i) and along k (p)
  const rs: usize = transA ? 4 : <usize>k << 2;
  const ps: usize = transA ? <usize>m << 2 : 4;
  let dst = AP;
  const zero = f32x4.splat(0);
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min<i32>(MR, mc - ir);
    const src = a + <usize>(ic + ir) * rs + <usize>pc * ps;
    if (mr == MR && !transA) {
      // rows are contiguous along k: one v128 load gives 4 k steps of a row,
      // lane shuffles splat them.
      let s = src;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const x0 = v128.load(s), x1 = v128.load(s + rs), x2 = v128.load(s + 2 * rs);
        const x3 = v128.load(s + 3 * rs), x4 = v128.load(s + 4 * rs);
        v128.store(dst, v128.shuffle<f32>(x0, x0, 0, 0, 0, 0));
        v128.store(dst, v128.shuffle<f32>(x1, x1, 0, 0, 0, 0), 16);
        v128.store(dst, v128.shuffle<f32>(x2, x2, 0, 0, 0, 0), 32);
        v128.store(dst, v128.shuffle<f32>(x3, x3, 0, 0, 0, 0), 48);
        v128.store(dst, v128.shuffle<f32>(x4, x4, 0, 0, 0, 0), 64);
        v128.store(dst, v128.shuffle<f32>(x0, x0, 1, 1, 1, 1), 80);
        v128.store(dst, v128.shuffle<f32>(x1, x1, 1, 1, 1, 1), 96);
        v128.store(dst, v128.shuffle<f32>(x2, x2, 1, 1, 1, 1), 112);
        v128.store(dst, v128.shuffle<f32>(x3, x3, 1, 1, 1, 1), 128);
        v128.store(dst, v128.shuffle<f32>(x4, x4, 1, 1, 1, 1), 144);
        v128.store(dst, v128.shuffle<f32>(x0, x0, 2, 2, 2, 2), 160);
        v128.store(dst, v128.shuffle<f32>(x1, x1, 2, 2, 2, 2), 176);
        v128.store(dst, v128.shuffle<f32>(x2, x2, 2, 2, 2, 2), 192);
        v128.store(dst, v128.shuffle<f32>(x3, x3, 2, 2, 2, 2), 208);
        v128.store(dst, v128.shuffle<f32>(x4, x4, 2, 2, 2, 2), 224);
        v128.store(dst, v128.shuffle<f32>(x0, x0, 3, 3, 3, 3), 240);
        v128.store(dst, v128.shuffle<f32>(x1, x1, 3, 3, 3, 3), 256);
        v128.store(dst, v128.shuffle<f32>(x2, x2, 3, 3, 3, 3), 272);
        v128.store(dst, v128.shuffle<f32>(x3, x3, 3, 3, 3, 3), 288);
        v128.store(dst, v128.shuffle<f32>(x4, x4, 3, 3, 3, 3), 304);
        s += 16;
        dst += 320;
      }
      for (; p < kc; p++) {
        v128.store(dst, v128.load32_splat(s));
        v128.store(dst, v128.load32_splat(s + rs), 16);
        v128.store(dst, v128.load32_splat(s + 2 * rs), 32);
        v128.store(dst, v128.load32_splat(s + 3 * rs), 48);
        v128.store(dst, v128.load32_splat(s + 4 * rs), 64);
        s += 4;
        dst += 80;
      }
    } else if (mr == MR) {
      // transA: the 5 rows are contiguous at each k: one v128 load + lane
      // shuffles for rows 0..3, a splat load for row 4.
      let s = src;
      for (let p = 0; p < kc; p++) {
        const x = v128.load(s);
        v128.store(dst, v128.shuffle<f32>(x, x, 0, 0, 0, 0));
        v128.store(dst, v128.shuffle<f32>(x, x, 1, 1, 1, 1), 16);
        v128.store(dst, v128.shuffle<f32>(x, x, 2, 2, 2, 2), 32);
        v128.store(dst, v128.shuffle<f32>(x, x, 3, 3, 3, 3), 48);
        v128.store(dst, v128.load32_splat(s, 16), 64);
        s += ps;
        dst += 80;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const s = src + <usize>p * ps;
        for (let r = 0; r < MR; r++) {
          v128.store(dst + (<usize>r << 4), r < mr ? v128.load32_splat(s + <usize>r * rs) : zero);
        }
        dst += 80;
      }
    }
  }
}

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] into BP as ceil(nc/8) panels; panel q holds
 * columns jc+8q..jc+8q+7 as kc groups of 8 floats (k-major), columns ≥ nc are 0.
 * !transB: B is k×n (element (p,j) at b[p·n + j]): a vector copy.
 * transB: B is stored n×k (element (p,j) at b[j·k + p]): 4×4 shuffle transposes.
 */
function packB(b: usize, transB: bool, k: i32, n: i32, pc: i32, jc: i32, kc: i32, nc: i32): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min<i32>(NR, nc - jr);
    let dst = BP + (<usize>jr * <usize>kc << 2);
    const j0 = jc + jr;
    if (!transB) {
      const ldbB = <usize>n << 2;
      let src = b + ((<usize>pc * <usize>n + <usize>j0) << 2);
      if (nr == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += ldbB;
          dst += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let c = 0; c < NR; c++) {
            const v: f32 = c < nr ? load<f32>(src + (<usize>c << 2)) : 0;
            store<f32>(dst + (<usize>c << 2), v);
          }
          src += ldbB;
          dst += 32;
        }
      }
    } else {
      const ldbB = <usize>k << 2;
      const c0 = b + ((<usize>j0 * <usize>k + <usize>pc) << 2);
      if (nr == NR) {
        const c1 = c0 + ldbB, c2 = c1 + ldbB, c3 = c2 + ldbB;
        const c4 = c3 + ldbB, c5 = c4 + ldbB, c6 = c5 + ldbB, c7 = c6 + ldbB;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          // columns 0..3: 4×4 transpose, rows of the result are k = p..p+3
          let x0 = v128.load(c0 + o), x1 = v128.load(c1 + o), x2 = v128.load(c2 + o), x3 = v128.load(c3 + o);
          let t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          let t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          let t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          let t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
          v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
          v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
          // columns 4..7
          x0 = v128.load(c4 + o); x1 = v128.load(c5 + o); x2 = v128.load(c6 + o); x3 = v128.load(c7 + o);
          t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), 16);
          v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 48);
          v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 80);
          v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 112);
          dst += 128;
        }
        for (; p < kc; p++) {
          const o = <usize>p << 2;
          for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), load<f32>(c0 + <usize>c * ldbB + o));
          dst += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 2;
          for (let c = 0; c < NR; c++) {
            const v: f32 = c < nr ? load<f32>(c0 + <usize>c * ldbB + o) : 0;
            store<f32>(dst + (<usize>c << 2), v);
          }
          dst += 32;
        }
      }
    }
  }
}

/**
 * General epilogue for one micro-tile whose accumulators are in TILE:
 * C[r, 0..nr) = act((beta ? C : 0) + TILE[r] (+ bias)) for r < mr. Partial
 * rows (nr < 8) never read or write C outside the nr valid columns.
 */
function finishTile(c: usize, ldc: usize, mr: i32, nr: i32, beta: bool, bias: usize, act: i32): void {
  const n0 = min<i32>(nr, 4), n1 = nr - n0;
  let bv0 = f32x4.splat(0), bv1 = f32x4.splat(0);
  if (bias) {
    bv0 = loadPartial(bias, n0, 0);
    bv1 = loadPartial(bias + 16, n1, 0);
  }
  for (let r = 0; r < mr; r++) {
    const t = TILE + (<usize>r << 5);
    let r0 = f32x4.add(v128.load(t), bv0);
    let r1 = f32x4.add(v128.load(t, 16), bv1);
    if (beta) {
      if (nr == NR) {
        r0 = f32x4.add(r0, v128.load(c));
        r1 = f32x4.add(r1, v128.load(c, 16));
      } else {
        r0 = f32x4.add(r0, loadPartial(c, n0, 0));
        r1 = f32x4.add(r1, loadPartial(c + 16, n1, 0));
      }
    }
    if (act) {
      r0 = applyAct(r0, act);
      r1 = applyAct(r1, act);
    }
    if (nr == NR) {
      v128.store(c, r0);
      v128.store(c, r1, 16);
    } else {
      v128.store(t, r0);
      v128.store(t, r1, 16);
      memory.copy(c, t, <usize>nr << 2);
    }
    c += ldc;
  }
}

/**
 * The 5×8 micro-kernel: D[0..5, 0..8) = Ap(5×kc panel, pre-splatted) ·
 * Bp(kc×8 panel), stored at dst with row stride ldd bytes (C itself for full
 * tiles without epilogue, else TILE).
 *
 * Inner loop per k: 2 B loads, 5 A loads, 10 mul + 10 add into 10 v128
 * accumulators; 14 live xmm registers (V8 allocates 15 on x64) and no spills.
 * It is kept a small leaf function on purpose: inlined into the loop over
 * row panels, V8 scheduled all seven loads first and spilled accumulators
 * (16 vs 30+ GFLOP/s). Measured alternatives (isolated, this machine):
 * 4×8 with v128.load32_splat 33, 4×8 pre-splatted 36, 5×8 pre-splatted 37.5
 * GFLOP/s; unrolling k by 2 drops to ~24 (the second step's loads get
 * hoisted and the accumulators spill).
 */
function micro(kc: i32, ap: usize, bp: usize, dst: usize, ldd: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  const end = bp + (<usize>kc << 5);
  while (bp < end) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load(ap, 16);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load(ap, 32);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load(ap, 48);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a = v128.load(ap, 64);
    c40 = f32x4.add(c40, f32x4.mul(a, b0)); c41 = f32x4.add(c41, f32x4.mul(a, b1));
    ap += 80;
    bp += 32;
  }
  v128.store(dst, c00); v128.store(dst, c01, 16); dst += ldd;
  v128.store(dst, c10); v128.store(dst, c11, 16); dst += ldd;
  v128.store(dst, c20); v128.store(dst, c21, 16); dst += ldd;
  v128.store(dst, c30); v128.store(dst, c31, 16); dst += ldd;
  v128.store(dst, c40); v128.store(dst, c41, 16);
}

/**
 * Runs the micro-kernel down one 8-column B panel for all mc rows of the
 * packed A block. c points at C[ic, jc+jr]; ldc is C's row stride in bytes.
 */
function panelKernel(kc: i32, bpanel: usize, c: usize, ldc: usize, mc: i32, nr: i32, beta: bool, bias: usize, act: i32): void {
  const simple = nr == NR && !beta && !bias && !act;
  const panelBytes = <usize>kc * 80;
  let ap = AP;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min<i32>(MR, mc - ir);
    if (simple && mr == MR) {
      micro(kc, ap, bpanel, c, ldc);
    } else {
      micro(kc, ap, bpanel, TILE, 32);
      finishTile(c, ldc, mr, nr, beta, bias, act);
    }
    ap += panelBytes;
    c += ldc * MR;
  }
}

/**
 * n = 1 (matrix × vector, e.g. a critic's 1-unit output layer and its weight
 * gradient): packing A would cost more than the product, so compute directly.
 * op(B) is a k-vector at b either way (k×1 and 1×k are the same floats).
 * !transA: y[i] = A[i,:]·b, a SIMD dot product per row; transA (A stored k×m):
 * y = Σ_p b[p]·A[p,:], SIMD axpys over the rows of A. Then the epilogue.
 */
function gemv(a: usize, b: usize, c: usize, m: i32, k: i32, transA: bool, accumulate: bool, bias: usize, act: i32): void {
  const biasV: f32 = bias ? load<f32>(bias) : 0;
  if (!transA) {
    const rowBytes = <usize>k << 2;
    for (let i = 0; i < m; i++) {
      const row = a + <usize>i * rowBytes;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let p = 0;
      for (; p + 8 <= k; p += 8) {
        const o = <usize>p << 2;
        s0 = f32x4.add(s0, f32x4.mul(v128.load(row + o), v128.load(b + o)));
        s1 = f32x4.add(s1, f32x4.mul(v128.load(row + o, 16), v128.load(b + o, 16)));
      }
      for (; p < k; p += 4) {
        const o = <usize>p << 2;
        const r = min<i32>(4, k - p);
        s0 = f32x4.add(s0, f32x4.mul(loadPartial(row + o, r, 0), loadPartial(b + o, r, 0)));
      }
      s0 = f32x4.add(s0, s1);
      s0 = f32x4.add(s0, v128.shuffle<f32>(s0, s0, 2, 3, 0, 1));
      let y = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1);
      const ci = c + (<usize>i << 2);
      if (accumulate) y += load<f32>(ci);
      store<f32>(ci, y + biasV);
    }
  } else {
    const rowBytes = <usize>m << 2;
    for (let p = 0; p < k; p++) {
      const bp = f32x4.splat(load<f32>(b + (<usize>p << 2)));
      const row = a + <usize>p * rowBytes;
      const first = p == 0 && !accumulate;
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const o = <usize>i << 2;
        const t = f32x4.mul(v128.load(row + o), bp);
        v128.store(c + o, first ? t : f32x4.add(v128.load(c + o), t));
      }
      for (; i < m; i++) {
        const o = <usize>i << 2;
        const t = load<f32>(row + o) * f32x4.extract_lane(bp, 0);
        store<f32>(c + o, first ? t : load<f32>(c + o) + t);
      }
    }
    if (k == 0 && !accumulate) memory.fill(c, 0, <usize>m << 2);
    if (bias) {
      const bv = f32x4.splat(biasV);
      let i = 0;
      for (; i + 4 <= m; i += 4) v128.store(c + (<usize>i << 2), f32x4.add(v128.load(c + (<usize>i << 2)), bv));
      for (; i < m; i++) store<f32>(c + (<usize>i << 2), load<f32>(c + (<usize>i << 2)) + biasV);
    }
  }
  if (act) {
    let i = 0;
    for (; i + 4 <= m; i += 4) v128.store(c + (<usize>i << 2), applyAct(v128.load(c + (<usize>i << 2)), act));
    const r = m - i;
    if (r > 0) {
      const o = c + (<usize>i << 2);
      storePartial(o, applyAct(loadPartial(o, r, 0), act), r);
    }
  }
}

/**
 * C[m×n] (=|+=) op(A)·op(B), then optionally + bias[n] and an activation, all
 * row-major f32. op(A) is m×k (A stored k×m when transA); op(B) is k×n (B
 * stored n×k when transB). accumulate: C += instead of C =. bias = 0: none.
 * act: 0 linear, 1 relu, 2 elu, 3 tanh, applied to the final sum
 * C = act((accumulate ? C : 0) + op(A)·op(B) + bias). k = 0 gives op(A)·op(B) = 0.
 * C must not overlap A or B. Any 4-byte-aligned pointers are accepted.
 */
export function gemmEx(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, transB: bool, accumulate: bool, bias: usize, act: i32): void {
  assert(m >= 0 && k >= 0 && n >= 0, 'gemm: negative dimension');
  if (m == 0 || n == 0) return;
  if (n == 1) {
    gemv(a, b, c, m, k, transA, accumulate, bias, act);
    return;
  }
  const ldc = <usize>n << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min<i32>(NC, n - jc);
    let pc = 0;
    do {
      const kc = min<i32>(KC, k - pc);
      const beta = pc > 0 || accumulate;
      const last = pc + kc >= k;
      const epiAct = last ? act : 0;
      packB(b, transB, k, n, pc, jc, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min<i32>(MC, m - ic);
        packA(a, transA, m, k, ic, pc, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min<i32>(NR, nc - jr);
          const epiBias: usize = last && bias != 0 ? bias + (<usize>(jc + jr) << 2) : 0;
          panelKernel(kc, BP + (<usize>jr * <usize>kc << 2), c + <usize>ic * ldc + (<usize>(jc + jr) << 2), ldc, mc, nr, beta, epiBias, epiAct);
        }
      }
      pc += kc;
    } while (pc < k);
  }
}

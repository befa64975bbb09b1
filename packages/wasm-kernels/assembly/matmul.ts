// Single-precision GEMM, C[m×n] (=|+=) op(A)·op(B) (+ bias, activation),
// row-major, on 128-bit SIMD. Every multiply-add goes through `madd`
// (simd.ts): f32x4.mul + f32x4.add in the default build, one
// f32x4.relaxed_madd (a fused multiply-add on CPUs with FMA) in the `fma`
// build (asconfig.json target `fma`, `--enable relaxed-simd`). Same source,
// same summation order; the fma build rounds once per product-sum.
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
// speed. Edges (m % 5, n % 8, any k) are zero-padded in the packed panels; a
// last panel of ≤ 4 columns (n = 100) runs a 5×4 kernel, and partial tiles
// are finished through a scratch tile, so no scalar tail code sits in the hot
// loop. Full tiles go straight to C (accumulating: the kernel starts from C),
// and a bias/activation epilogue is applied to the tile in place while it is
// in L1 (fusing it into the micro-kernel made V8 spill accumulators in the k
// loop). Packing costs O(mk + kn) against the 2mnk flops (≈ 6–8 % at
// 512×100·100×100, mostly packA).
//
// Shapes where packing and 5×8 tiles waste most of the work skip them:
//   n = 1          gemv (matrix × vector)
//   k ≤ 4          smallK: row by row, C = act(Σ_p a_ip·B[p,:] + bias) in one
//                  pass (a critic's first layer on 1–2-dim x and y)
//   m ≤ 4          smallM: 2 rows × 16 columns of C in registers down all k
//                  (the weight gradient of such a first layer, 2×512·512×100)
//
// Throughput (1 thread, Zen 3 EPYC at ~3 GHz, V8 11.3 / Node 20, a shared
// 2-core VM): ~35 GFLOP/s for 512×100·100×100 in every variant (≈ 290 µs).
// The ceiling is not the FP pipes (2 mul + 2 add f32x4 per cycle = 16
// flop/cycle) but dispatch: V8 does not fold loads into vmulps, so a k step
// is 7 loads + 20 FP ops, and Zen 3 dispatches ≈ 4 FP-side ops per cycle;
// measured ≈ 6.8 cycles per k step in isolation, where removing 4 of the
// loads (same arithmetic) gave 5.6. So ≈ 0.34 FP ops per flop is the floor
// for any tile that fits V8's 15 allocatable xmm registers (5×8 is the best
// such shape). The fma build removes the 10 adds: 7 loads + 10 FMA per k
// step, measured 1.10–1.32× the default build's GFLOP/s on the bench shapes
// (0.99× for the k = 1 product) with the two interleaved (bench/gemm.mjs;
// relaxed SIMD is on by default from V8 11.4, behind
// --experimental-wasm-relaxed-simd in Node 20). With FMA a 6×8 tile would fit
// (12 accumulators, no temporaries), but by instruction count it is no better
// per flop (20 per 96 flops against 17 per 80), so it was not tried.
//
// Scratch panels are static (memory.data below __heap_base), so the kernel
// never allocates or grows memory and never touches the JS-managed heap.

import { applyActPair, relu4, PAIR, ACT_LINEAR, ACT_RELU, ACT_ELU, ACT_TANH } from './exp';
import { biasAct } from './elementwise';
import { loadPartial, madd, storePartial } from './simd';

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
 * Epilogue for one micro-tile whose sums are at src (row stride srcStride
 * bytes): C[r, 0..nr) = act(src[r] (+ bias)) for r < mr. src is TILE, or C
 * itself (then srcStride = ldc and the tile is finished in place while it is
 * in L1). Partial rows (nr < 8) never read or write C outside the nr valid
 * columns. `act` is a compile-time constant in each copy (see finishTile).
 */
// @ts-ignore: decorator
@inline function finishTileBody(src: usize, srcStride: usize, c: usize, ldc: usize, mr: i32, nr: i32, bias: usize, act: i32): void {
  const n0 = min<i32>(nr, 4), n1 = nr - n0;
  let bv0 = f32x4.splat(0), bv1 = f32x4.splat(0);
  if (bias) {
    bv0 = loadPartial(bias, n0, 0);
    bv1 = loadPartial(bias + 16, n1, 0);
  }
  const wide = nr > 4; // in place (src = C) with nr ≤ 4, never read past the row's nr floats
  let t = src;
  for (let r = 0; r < mr; r++) {
    let r0 = v128.load(t), r1 = wide ? v128.load(t, 16) : f32x4.splat(0);
    if (bias) {
      r0 = f32x4.add(r0, bv0);
      r1 = f32x4.add(r1, bv1);
    }
    if (nr == NR) {
      applyActPair(r0, r1, act, c);
    } else {
      applyActPair(r0, r1, act, PAIR);
      // (memory.copy here was a runtime call in V8: ~10 µs per 512×100 gemm)
      storePartial(c, v128.load(PAIR), n0);
      storePartial(c + 16, v128.load(PAIR, 16), n1);
    }
    t += srcStride;
    c += ldc;
  }
}

function finishTile(src: usize, srcStride: usize, c: usize, ldc: usize, mr: i32, nr: i32, bias: usize, act: i32): void {
  if (act == ACT_RELU) finishTileBody(src, srcStride, c, ldc, mr, nr, bias, ACT_RELU);
  else if (act == ACT_ELU) finishTileBody(src, srcStride, c, ldc, mr, nr, bias, ACT_ELU);
  else if (act == ACT_TANH) finishTileBody(src, srcStride, c, ldc, mr, nr, bias, ACT_TANH);
  else finishTileBody(src, srcStride, c, ldc, mr, nr, bias, ACT_LINEAR);
}

/**
 * Loads the mr×nr block of C at c into TILE (zero elsewhere), so a partial
 * tile accumulates onto C like a full one (the kernel starts from TILE).
 */
function loadTile(c: usize, ldc: usize, mr: i32, nr: i32): void {
  const n0 = min<i32>(nr, 4), n1 = nr - n0;
  let t = TILE;
  for (let r = 0; r < MR; r++) {
    if (r < mr) {
      v128.store(t, loadPartial(c, n0, 0));
      v128.store(t, loadPartial(c + 16, n1, 0), 16);
    } else {
      v128.store(t, f32x4.splat(0));
      v128.store(t, f32x4.splat(0), 16);
    }
    t += 32;
    c += ldc;
  }
}

/**
 * Epilogue of a full 5×8 tile for linear/relu, the common case, as a small
 * straight-line function, in place on C (the tile still in L1):
 * C[r] = act(C[r] (+ bias)) for r < 5.
 */
function finishFull(c: usize, ldc: usize, bias: usize, relu: bool): void {
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0);
  if (bias) {
    b0 = v128.load(bias);
    b1 = v128.load(bias, 16);
  }
  for (let r = 0; r < MR; r++) {
    let r0 = v128.load(c), r1 = v128.load(c, 16);
    if (bias) {
      r0 = f32x4.add(r0, b0);
      r1 = f32x4.add(r1, b1);
    }
    if (relu) {
      r0 = relu4(r0);
      r1 = relu4(r1);
    }
    v128.store(c, r0);
    v128.store(c, r1, 16);
    c += ldc;
  }
}

/**
 * The 5×8 micro-kernel: D[0..5, 0..8) (= | +=) Ap(5×kc panel, pre-splatted)
 * · Bp(kc×8 panel), D at dst with row stride ldd bytes (C itself for full
 * tiles, else TILE); `beta`: start from D instead of 0 (the accumulators are
 * loaded before the loop, so the loop is the same).
 *
 * Inner loop per k: 2 B loads, 5 A loads, 10 mul + 10 add into 10 v128
 * accumulators; 14 live xmm registers (V8 allocates 15 on x64) and no spills.
 * It is kept a small leaf function on purpose: inlined into the loop over
 * row panels, or with an epilogue after the loop that needs a few more
 * registers, V8 scheduled the loads first and spilled accumulators inside
 * the loop (2× slower). Measured alternatives (isolated): 4×8 with
 * v128.load32_splat ~10 % slower, 5×8 with load32_splat from a compact A
 * panel 15 % slower, 6×8 (16 registers) spills, unrolling k by 2 spills (the
 * second step's loads get hoisted).
 */
function micro(kc: i32, ap: usize, bp: usize, dst: usize, ldd: usize, beta: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  if (beta) {
    // accumulate into dst: start from it (before the loop, so the loop is unchanged)
    let d = dst;
    c00 = v128.load(d); c01 = v128.load(d, 16); d += ldd;
    c10 = v128.load(d); c11 = v128.load(d, 16); d += ldd;
    c20 = v128.load(d); c21 = v128.load(d, 16); d += ldd;
    c30 = v128.load(d); c31 = v128.load(d, 16); d += ldd;
    c40 = v128.load(d); c41 = v128.load(d, 16);
  }
  // The loop pointers start one step back (and the loads carry that step in
  // their offsets): V8 then knows they are results of an i32 subtraction,
  // i.e. already zero-extended, and drops the two `movl` it otherwise emits
  // per k step to zero-extend the pointers it got as parameters (−6 % time).
  // ap, bp point into AP/BP (static data at ≥ 1 KiB), so nothing wraps.
  let a = ap - 80, b = bp - 32;
  const end = b + (<usize>kc << 5);
  while (b < end) {
    const b0 = v128.load(b, 32), b1 = v128.load(b, 48);
    let x = v128.load(a, 80);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load(a, 96);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load(a, 112);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load(a, 128);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    x = v128.load(a, 144);
    c40 = madd(x, b0, c40); c41 = madd(x, b1, c41);
    a += 80;
    b += 32;
  }
  v128.store(dst, c00); v128.store(dst, c01, 16); dst += ldd;
  v128.store(dst, c10); v128.store(dst, c11, 16); dst += ldd;
  v128.store(dst, c20); v128.store(dst, c21, 16); dst += ldd;
  v128.store(dst, c30); v128.store(dst, c31, 16); dst += ldd;
  v128.store(dst, c40); v128.store(dst, c41, 16);
}

/**
 * The 5×4 micro-kernel for a last B panel of at most 4 columns (n = 100 has
 * twelve 8-column panels and one of 4): the left half of micro (same
 * arguments), reading the first 4 floats of each 8-float row of the
 * zero-padded panel. Half the work of running micro on the padded panel.
 */
function micro4(kc: i32, ap: usize, bp: usize, dst: usize, ldd: usize, beta: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0), c4 = f32x4.splat(0);
  if (beta) {
    c0 = v128.load(dst);
    c1 = v128.load(dst + ldd);
    c2 = v128.load(dst + 2 * ldd);
    c3 = v128.load(dst + 3 * ldd);
    c4 = v128.load(dst + 4 * ldd);
  }
  let a = ap - 80, b = bp - 32; // see micro
  const end = b + (<usize>kc << 5);
  while (b < end) {
    const b0 = v128.load(b, 32);
    c0 = madd(v128.load(a, 80), b0, c0);
    c1 = madd(v128.load(a, 96), b0, c1);
    c2 = madd(v128.load(a, 112), b0, c2);
    c3 = madd(v128.load(a, 128), b0, c3);
    c4 = madd(v128.load(a, 144), b0, c4);
    a += 80;
    b += 32;
  }
  v128.store(dst, c0); dst += ldd;
  v128.store(dst, c1); dst += ldd;
  v128.store(dst, c2); dst += ldd;
  v128.store(dst, c3); dst += ldd;
  v128.store(dst, c4);
}

/**
 * Runs the micro-kernel down one 8-column B panel for all mc rows of the
 * packed A block. c points at C[ic, jc+jr]; ldc is C's row stride in bytes.
 * Every tile computes (C if beta, else 0) + Σ_p in order, so accumulation
 * and the k blocks continue one running sum. Full tiles (and 5×4 ones) run
 * on C itself, then (with a bias or an activation) are finished in place
 * while still in L1; partial tiles run on TILE (loaded from C when
 * accumulating). The epilogue is deliberately not fused into the
 * micro-kernel: its extra live vectors made V8 spill accumulators inside the
 * k loop (2× slower).
 */
function panelKernel(kc: i32, bpanel: usize, c: usize, ldc: usize, mc: i32, nr: i32, beta: bool, bias: usize, act: i32): void {
  const simpleAct = act == ACT_LINEAR || act == ACT_RELU;
  const relu = act == ACT_RELU;
  const epi = bias != 0 || act != 0;
  const panelBytes = <usize>kc * 80;
  let ap = AP;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min<i32>(MR, mc - ir);
    if (nr == NR && mr == MR) {
      micro(kc, ap, bpanel, c, ldc, beta);
      if (epi) {
        if (simpleAct) finishFull(c, ldc, bias, relu);
        else finishTile(c, ldc, c, ldc, MR, NR, bias, act);
      }
    } else if (nr == 4 && mr == MR) {
      micro4(kc, ap, bpanel, c, ldc, beta);
      if (epi) finishTile(c, ldc, c, ldc, MR, 4, bias, act);
    } else {
      if (beta) loadTile(c, ldc, mr, nr);
      if (nr <= 4) micro4(kc, ap, bpanel, TILE, 32, beta);
      else micro(kc, ap, bpanel, TILE, 32, beta);
      finishTile(TILE, 32, c, ldc, mr, nr, bias, act);
    }
    ap += panelBytes;
    c += ldc * MR;
  }
}

/**
 * One block of `nv` (1..8) vectors of y = Σ_p b[p]·A[p, i0..] for gemv's
 * transA case (A stored k×m, row stride `rowBytes`), kept in registers down
 * all k rows. Summation order per entry as before: C (when accumulating) or
 * the p = 0 product first, then p = 1, 2, ... in order. `partial` (1..3,
 * with nv = 1): the last block has fewer than 4 floats.
 */
// @ts-ignore: decorator
@inline function gemvTBlock(a: usize, b: usize, c: usize, k: i32, rowBytes: usize, accumulate: bool, nv: i32, partial: i32): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0), s7 = f32x4.splat(0);
  let p = 0;
  let row = a;
  if (accumulate) {
    if (partial > 0) s0 = loadPartial(c, partial, 0);
    else {
      s0 = v128.load(c);
      if (nv > 1) s1 = v128.load(c, 16);
      if (nv > 2) s2 = v128.load(c, 32);
      if (nv > 3) s3 = v128.load(c, 48);
      if (nv > 4) s4 = v128.load(c, 64);
      if (nv > 5) s5 = v128.load(c, 80);
      if (nv > 6) s6 = v128.load(c, 96);
      if (nv > 7) s7 = v128.load(c, 112);
    }
  } else if (k > 0) {
    const bp = v128.load32_splat(b);
    if (partial > 0) s0 = f32x4.mul(loadPartial(row, partial, 0), bp);
    else {
      s0 = f32x4.mul(v128.load(row), bp);
      if (nv > 1) s1 = f32x4.mul(v128.load(row, 16), bp);
      if (nv > 2) s2 = f32x4.mul(v128.load(row, 32), bp);
      if (nv > 3) s3 = f32x4.mul(v128.load(row, 48), bp);
      if (nv > 4) s4 = f32x4.mul(v128.load(row, 64), bp);
      if (nv > 5) s5 = f32x4.mul(v128.load(row, 80), bp);
      if (nv > 6) s6 = f32x4.mul(v128.load(row, 96), bp);
      if (nv > 7) s7 = f32x4.mul(v128.load(row, 112), bp);
    }
    p = 1;
    row += rowBytes;
  }
  let bq = b + (<usize>p << 2);
  for (; p < k; p++) {
    const bp = v128.load32_splat(bq);
    if (partial > 0) s0 = madd(loadPartial(row, partial, 0), bp, s0);
    else {
      s0 = madd(v128.load(row), bp, s0);
      if (nv > 1) s1 = madd(v128.load(row, 16), bp, s1);
      if (nv > 2) s2 = madd(v128.load(row, 32), bp, s2);
      if (nv > 3) s3 = madd(v128.load(row, 48), bp, s3);
      if (nv > 4) s4 = madd(v128.load(row, 64), bp, s4);
      if (nv > 5) s5 = madd(v128.load(row, 80), bp, s5);
      if (nv > 6) s6 = madd(v128.load(row, 96), bp, s6);
      if (nv > 7) s7 = madd(v128.load(row, 112), bp, s7);
    }
    row += rowBytes;
    bq += 4;
  }
  if (partial > 0) storePartial(c, s0, partial);
  else {
    v128.store(c, s0);
    if (nv > 1) v128.store(c, s1, 16);
    if (nv > 2) v128.store(c, s2, 32);
    if (nv > 3) v128.store(c, s3, 48);
    if (nv > 4) v128.store(c, s4, 64);
    if (nv > 5) v128.store(c, s5, 80);
    if (nv > 6) v128.store(c, s6, 96);
    if (nv > 7) v128.store(c, s7, 112);
  }
}

/**
 * n = 1 (matrix × vector, e.g. a critic's 1-unit output layer and its weight
 * gradient): packing A would cost more than the product, so compute directly.
 * op(B) is a k-vector at b either way (k×1 and 1×k are the same floats).
 * !transA: y[i] = A[i,:]·b, a SIMD dot product per row; transA (A stored k×m):
 * y = Σ_p b[p]·A[p,:] over blocks of up to 32 entries of y held in registers
 * down all k rows of A. Then bias and activation in one pass.
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
        s0 = madd(v128.load(row + o), v128.load(b + o), s0);
        s1 = madd(v128.load(row + o, 16), v128.load(b + o, 16), s1);
      }
      for (; p < k; p += 4) {
        const o = <usize>p << 2;
        const r = min<i32>(4, k - p);
        s0 = madd(loadPartial(row + o, r, 0), loadPartial(b + o, r, 0), s0);
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
    let i = 0;
    for (; i + 32 <= m; i += 32) gemvTBlock(a + (<usize>i << 2), b, c + (<usize>i << 2), k, rowBytes, accumulate, 8, 0);
    for (; i + 16 <= m; i += 16) gemvTBlock(a + (<usize>i << 2), b, c + (<usize>i << 2), k, rowBytes, accumulate, 4, 0);
    for (; i + 4 <= m; i += 4) gemvTBlock(a + (<usize>i << 2), b, c + (<usize>i << 2), k, rowBytes, accumulate, 1, 0);
    if (i < m) gemvTBlock(a + (<usize>i << 2), b, c + (<usize>i << 2), k, rowBytes, accumulate, 1, m - i);
    if (bias) {
      const bv = f32x4.splat(biasV);
      let i = 0;
      for (; i + 4 <= m; i += 4) v128.store(c + (<usize>i << 2), f32x4.add(v128.load(c + (<usize>i << 2)), bv));
      for (; i < m; i++) store<f32>(c + (<usize>i << 2), load<f32>(c + (<usize>i << 2)) + biasV);
    }
  }
  if (act) biasAct(c, 0, c, 1, m, act);
}

/**
 * Small k (1..4, the first layer of a critic on low-dimensional x, y, or an
 * outer product): packing and the 5×8 micro-kernel cost far more than the
 * 2mnk flops here, so compute C row by row: splat the k entries of row i of
 * op(A), then per 4 columns C = act((C or +0) + Σ_p a_p·B[p, j..j+4) + bias)
 * in one pass, B's k rows staying in L1. Same order of operations as the
 * packed path (C or +0, the products in p order, then the bias), so the
 * results are bit-identical. `K`, `act` (linear or relu) and `hasBias` are compile-time
 * constants in each copy; `beta` (accumulate) is a runtime flag. op(B) must be
 * B itself (k×n, row stride n), i.e. !transB or k = 1.
 */
// @ts-ignore: decorator
@inline function smallKBody(a: usize, b: usize, c: usize, m: i32, n: i32, rs: usize, ps: usize, beta: bool, bias: usize, K: i32, act: i32, hasBias: bool): void {
  const ldb = <usize>n << 2;
  const b1 = b + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
  const body = <usize>(n & ~3) << 2;
  const zero = f32x4.splat(0);
  let ar = a, cr = c;
  for (let i = 0; i < m; i++) {
    const a0 = v128.load32_splat(ar);
    let a1 = zero, a2 = zero, a3 = zero;
    if (K > 1) a1 = v128.load32_splat(ar + ps);
    if (K > 2) a2 = v128.load32_splat(ar + 2 * ps);
    if (K > 3) a3 = v128.load32_splat(ar + 3 * ps);
    let o: usize = 0;
    for (; o < body; o += 16) {
      // from C or +0, like the packed path (+0: a −0 product sums to +0)
      let s = madd(a0, v128.load(b + o), beta ? v128.load(cr + o) : zero);
      if (K > 1) s = madd(a1, v128.load(b1 + o), s);
      if (K > 2) s = madd(a2, v128.load(b2 + o), s);
      if (K > 3) s = madd(a3, v128.load(b3 + o), s);
      if (hasBias) s = f32x4.add(s, v128.load(bias + o));
      if (act == ACT_RELU) s = relu4(s);
      v128.store(cr + o, s);
    }
    ar += rs;
    cr += ldb;
  }
}

// @ts-ignore: decorator
@inline function smallKAct(a: usize, b: usize, c: usize, m: i32, n: i32, rs: usize, ps: usize, beta: bool, bias: usize, K: i32, relu: bool): void {
  if (relu) {
    if (bias) smallKBody(a, b, c, m, n, rs, ps, beta, bias, K, ACT_RELU, true);
    else smallKBody(a, b, c, m, n, rs, ps, beta, 0, K, ACT_RELU, false);
  } else {
    if (bias) smallKBody(a, b, c, m, n, rs, ps, beta, bias, K, ACT_LINEAR, true);
    else smallKBody(a, b, c, m, n, rs, ps, beta, 0, K, ACT_LINEAR, false);
  }
}

/**
 * The last n % 4 columns of smallK (one partial vector per row), with the
 * same arithmetic in the same order as smallKBody; k and the flags at run
 * time (one shared copy instead of one per specialised body).
 */
function smallKTail(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, rs: usize, ps: usize, beta: bool, bias: usize, relu: bool): void {
  const ldb = <usize>n << 2;
  const j = n & ~3;
  const rest = n - j;
  const o = <usize>j << 2;
  const bv = bias ? loadPartial(bias + o, rest, 0) : f32x4.splat(0);
  let ar = a, cr = c + o;
  for (let i = 0; i < m; i++) {
    let s = beta ? loadPartial(cr, rest, 0) : f32x4.splat(0);
    let bp = b + o;
    for (let p = 0; p < k; p++) {
      s = madd(v128.load32_splat(ar + <usize>p * ps), loadPartial(bp, rest, 0), s);
      bp += ldb;
    }
    if (bias) s = f32x4.add(s, bv);
    if (relu) s = relu4(s);
    storePartial(cr, s, rest);
    ar += rs;
    cr += ldb;
  }
}

/** Largest k that takes the small-k path (see smallKBody). */
// @ts-ignore: decorator
@inline const SMALL_K: i32 = 4;

function smallK(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, beta: bool, bias: usize, act: i32): void {
  // byte strides of op(A) along rows (i) and along k (p)
  const rs: usize = transA ? 4 : <usize>k << 2;
  const ps: usize = transA ? <usize>m << 2 : 4;
  const relu = act == ACT_RELU;
  if (n >= 4) {
    if (k == 1) smallKAct(a, b, c, m, n, rs, ps, beta, bias, 1, relu);
    else if (k == 2) smallKAct(a, b, c, m, n, rs, ps, beta, bias, 2, relu);
    else if (k == 3) smallKAct(a, b, c, m, n, rs, ps, beta, bias, 3, relu);
    else smallKAct(a, b, c, m, n, rs, ps, beta, bias, 4, relu);
  }
  if (n & 3) smallKTail(a, b, c, m, k, n, rs, ps, beta, bias, relu);
  // elu / tanh: the same pre-activation, then the activation in place
  if (act != ACT_LINEAR && !relu) biasAct(c, 0, c, m, n, act);
}

/**
 * One block of smallM: rows i0 (and i1 when R = 2) of C, columns [0, 4·NV)
 * from b and c (`partial` 1..3 with NV = 1: fewer than 4 columns), the
 * R×NV vectors of sums in registers down all k rows of B (row stride ldb
 * bytes), starting from C when accumulating. A(i, p) is read with a splat
 * load at ai + p·ps. Then C = act(sum + bias) as in the other paths (relu in
 * place here, elu/tanh by the caller).
 */
// @ts-ignore: decorator
@inline function smallMBlock(a0: usize, a1: usize, ps: usize, b: usize, ldb: usize, k: i32, c0: usize, c1: usize, beta: bool, bias: usize, relu: bool, R: i32, NV: i32, partial: i32): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
  if (beta) {
    if (partial > 0) {
      s00 = loadPartial(c0, partial, 0);
      if (R > 1) s10 = loadPartial(c1, partial, 0);
    } else {
      s00 = v128.load(c0);
      if (NV > 1) {
        s01 = v128.load(c0, 16);
        s02 = v128.load(c0, 32);
        s03 = v128.load(c0, 48);
      }
      if (R > 1) {
        s10 = v128.load(c1);
        if (NV > 1) {
          s11 = v128.load(c1, 16);
          s12 = v128.load(c1, 32);
          s13 = v128.load(c1, 48);
        }
      }
    }
  }
  let bp = b;
  let o: usize = 0;
  for (let p = 0; p < k; p++) {
    const x0 = v128.load32_splat(a0 + o);
    if (partial > 0) {
      const v0 = loadPartial(bp, partial, 0);
      s00 = madd(x0, v0, s00);
      if (R > 1) s10 = madd(v128.load32_splat(a1 + o), v0, s10);
    } else {
      const v0 = v128.load(bp);
      s00 = madd(x0, v0, s00);
      if (NV > 1) {
        const v1 = v128.load(bp, 16), v2 = v128.load(bp, 32), v3 = v128.load(bp, 48);
        s01 = madd(x0, v1, s01);
        s02 = madd(x0, v2, s02);
        s03 = madd(x0, v3, s03);
        if (R > 1) {
          const x1 = v128.load32_splat(a1 + o);
          s10 = madd(x1, v0, s10);
          s11 = madd(x1, v1, s11);
          s12 = madd(x1, v2, s12);
          s13 = madd(x1, v3, s13);
        }
      } else if (R > 1) {
        s10 = madd(v128.load32_splat(a1 + o), v0, s10);
      }
    }
    bp += ldb;
    o += ps;
  }
  smallMFinish(c0, s00, s01, s02, s03, bias, relu, NV, partial);
  if (R > 1) smallMFinish(c1, s10, s11, s12, s13, bias, relu, NV, partial);
}

// @ts-ignore: decorator
@inline function smallMFinish(c: usize, s0: v128, s1: v128, s2: v128, s3: v128, bias: usize, relu: bool, NV: i32, partial: i32): void {
  if (partial > 0) {
    if (bias) s0 = f32x4.add(s0, loadPartial(bias, partial, 0));
    if (relu) s0 = relu4(s0);
    storePartial(c, s0, partial);
    return;
  }
  if (bias) {
    s0 = f32x4.add(s0, v128.load(bias));
    if (NV > 1) {
      s1 = f32x4.add(s1, v128.load(bias, 16));
      s2 = f32x4.add(s2, v128.load(bias, 32));
      s3 = f32x4.add(s3, v128.load(bias, 48));
    }
  }
  if (relu) {
    s0 = relu4(s0);
    if (NV > 1) {
      s1 = relu4(s1);
      s2 = relu4(s2);
      s3 = relu4(s3);
    }
  }
  v128.store(c, s0);
  if (NV > 1) {
    v128.store(c, s1, 16);
    v128.store(c, s2, 32);
    v128.store(c, s3, 48);
  }
}

/** Largest m that takes the small-m path (see smallM). */
// @ts-ignore: decorator
@inline const SMALL_M: i32 = 4;

/**
 * Small m (1..4 rows of C; e.g. the weight gradient Xᵀ·δ of a critic's first
 * layer with 2 inputs, 2×512·512×100): the packed path would compute 5-row
 * tiles for 1..4 useful rows and pack A for nothing, so compute C directly,
 * two rows at a time, 16 columns at a time in registers down all k rows of
 * B (which must be stored k×n: !transB). A's entries are splat-loaded in
 * place (either layout). The same order of operations as the packed path (C
 * or +0, the products in p order, the bias, the activation), so the results
 * are bit-identical to it.
 */
function smallM(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, beta: bool, bias: usize, act: i32): void {
  const rs: usize = transA ? 4 : <usize>k << 2;
  const ps: usize = transA ? <usize>m << 2 : 4;
  const ldb = <usize>n << 2;
  const relu = act == ACT_RELU;
  for (let i = 0; i < m; i += 2) {
    const a0 = a + <usize>i * rs;
    const c0 = c + <usize>i * ldb;
    let j = 0;
    if (i + 1 < m) {
      const a1 = a0 + rs, c1 = c0 + ldb;
      for (; j + 16 <= n; j += 16) {
        const o = <usize>j << 2;
        smallMBlock(a0, a1, ps, b + o, ldb, k, c0 + o, c1 + o, beta, bias ? bias + o : 0, relu, 2, 4, 0);
      }
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        smallMBlock(a0, a1, ps, b + o, ldb, k, c0 + o, c1 + o, beta, bias ? bias + o : 0, relu, 2, 1, 0);
      }
      if (j < n) {
        const o = <usize>j << 2;
        smallMBlock(a0, a1, ps, b + o, ldb, k, c0 + o, c1 + o, beta, bias ? bias + o : 0, relu, 2, 1, n - j);
      }
    } else {
      for (; j + 16 <= n; j += 16) {
        const o = <usize>j << 2;
        smallMBlock(a0, 0, ps, b + o, ldb, k, c0 + o, 0, beta, bias ? bias + o : 0, relu, 1, 4, 0);
      }
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        smallMBlock(a0, 0, ps, b + o, ldb, k, c0 + o, 0, beta, bias ? bias + o : 0, relu, 1, 1, 0);
      }
      if (j < n) {
        const o = <usize>j << 2;
        smallMBlock(a0, 0, ps, b + o, ldb, k, c0 + o, 0, beta, bias ? bias + o : 0, relu, 1, 1, n - j);
      }
    }
  }
  // elu / tanh: the same pre-activation, then the activation in place
  if (act != ACT_LINEAR && !relu) biasAct(c, 0, c, m, n, act);
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
  if (k >= 1 && k <= SMALL_K && (!transB || k == 1)) {
    smallK(a, b, c, m, k, n, transA, accumulate, bias, act);
    return;
  }
  if (m <= SMALL_M && !transB) {
    smallM(a, b, c, m, k, n, transA, accumulate, bias, act);
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

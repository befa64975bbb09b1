// Row/element-wise kernels: bias + activation, activation backward, column
// sums, BLAS-1 helpers. Every kernel is a SIMD body over 4-float groups plus a
// tail of 0..3 floats handled with the same vector math on a partially loaded
// vector (so a tail element gets bit-identical results to a body element).
// Pointers are byte offsets, 4-byte aligned (16 is faster, not required).

import { applyAct, applyActPair, ACT_LINEAR, ACT_RELU, ACT_ELU, ACT_TANH } from './exp';
import { loadPartial, storePartial } from './simd';

// Activation dispatch: every kernel below branches on `act` ONCE, outside its
// loops, into a copy of the loop (an @inline body) in which `act` is a
// constant, so the loop contains only that activation's code. With a runtime
// `act` inside the loop, V8 hoisted the elu branch's exp constants out of the
// loop, ran out of xmm registers and reloaded a dozen spilled vectors from
// the stack on every iteration, whatever the activation (relu biasAct over
// 512×100 took 56 µs; now ~10).

// @ts-ignore: decorator
@inline function biasActBody(x: usize, bias: usize, y: usize, rows: i32, cols: i32, act: i32, hasBias: bool): void {
  if (!hasBias) {
    // rows×cols contiguous floats: one flat loop
    const len = rows * cols;
    let i = 0;
    for (; i + 8 <= len; i += 8) {
      const o = <usize>i << 2;
      applyActPair(v128.load(x + o), v128.load(x + o, 16), act, y + o);
    }
    for (; i < len; i += 4) {
      const o = <usize>i << 2;
      const rest = min<i32>(4, len - i);
      if (rest == 4) v128.store(y + o, applyAct(v128.load(x + o), act));
      else storePartial(y + o, applyAct(loadPartial(x + o, rest, 0), act), rest);
    }
    return;
  }
  const rowBytes = <usize>cols << 2;
  const body = <usize>(cols & ~3) << 2;
  const rest = cols & 3;
  let xr = x, yr = y;
  for (let r = 0; r < rows; r++) {
    let o: usize = 0;
    for (; o + 32 <= body; o += 32) {
      const a = f32x4.add(v128.load(xr + o), v128.load(bias + o));
      const b = f32x4.add(v128.load(xr + o, 16), v128.load(bias + o, 16));
      applyActPair(a, b, act, yr + o);
    }
    for (; o < body; o += 16) {
      v128.store(yr + o, applyAct(f32x4.add(v128.load(xr + o), v128.load(bias + o)), act));
    }
    if (rest > 0) {
      storePartial(yr + o, applyAct(f32x4.add(loadPartial(xr + o, rest, 0), loadPartial(bias + o, rest, 0)), act), rest);
    }
    xr += rowBytes;
    yr += rowBytes;
  }
}

/**
 * y[r, c] = act(x[r, c] + bias[c]) for a row-major rows×cols block. bias = 0
 * means no bias. In place (y == x) is allowed.
 */
export function biasAct(x: usize, bias: usize, y: usize, rows: i32, cols: i32, act: i32): void {
  if (rows <= 0 || cols <= 0) return;
  if (bias) {
    if (act == ACT_RELU) biasActBody(x, bias, y, rows, cols, ACT_RELU, true);
    else if (act == ACT_ELU) biasActBody(x, bias, y, rows, cols, ACT_ELU, true);
    else if (act == ACT_TANH) biasActBody(x, bias, y, rows, cols, ACT_TANH, true);
    else biasActBody(x, bias, y, rows, cols, ACT_LINEAR, true);
  } else {
    if (act == ACT_RELU) biasActBody(x, 0, y, rows, cols, ACT_RELU, false);
    else if (act == ACT_ELU) biasActBody(x, 0, y, rows, cols, ACT_ELU, false);
    else if (act == ACT_TANH) biasActBody(x, 0, y, rows, cols, ACT_TANH, false);
    else if (x != y) memory.copy(y, x, <usize>rows * <usize>cols << 2);
  }
}

/** dy ⊙ act'(pre), with act' written in terms of the activation's OUTPUT y. */
// @ts-ignore: decorator
@inline function actGrad(dy: v128, y: v128, act: i32): v128 {
  if (act == ACT_RELU) return v128.and(dy, f32x4.gt(y, f32x4.splat(0)));
  if (act == ACT_ELU) {
    // elu'(pre) = 1 for pre > 0, e^pre = y + 1 otherwise.
    const d = v128.bitselect(f32x4.splat(1.0), f32x4.add(y, f32x4.splat(1.0)), f32x4.gt(y, f32x4.splat(0)));
    return f32x4.mul(dy, d);
  }
  if (act == ACT_TANH) return f32x4.mul(dy, f32x4.sub(f32x4.splat(1.0), f32x4.mul(y, y)));
  return dy;
}

// @ts-ignore: decorator
@inline function actBackwardBody(dy: usize, y: usize, dx: usize, len: i32, act: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, actGrad(v128.load(dy + o), v128.load(y + o), act));
  }
  const rest = len - i;
  if (rest > 0) {
    const o = <usize>i << 2;
    storePartial(dx + o, actGrad(loadPartial(dy + o, rest, 0), loadPartial(y + o, rest, 0), act), rest);
  }
}

/** dx[i] = dy[i] · act'(pre[i]) from the saved output y (see actGrad). dx may alias dy or y. */
export function actBackward(dy: usize, y: usize, dx: usize, len: i32, act: i32): void {
  if (act == ACT_RELU) actBackwardBody(dy, y, dx, len, ACT_RELU);
  else if (act == ACT_ELU) actBackwardBody(dy, y, dx, len, ACT_ELU);
  else if (act == ACT_TANH) actBackwardBody(dy, y, dx, len, ACT_TANH);
  else if (dx != dy) memory.copy(dx, dy, <usize>len << 2);
}

/**
 * One column block of actBackwardColSum: `nv` (1..4) vectors of columns
 * [c0, c0 + 4·nv) down all rows, the column sums kept in registers (so db is
 * touched once per column, and dx/dy/y are read a cache line per row).
 * `partial` (0..3, only with nv = 1): a last block of fewer than 4 columns.
 */
// @ts-ignore: decorator
@inline function actColBlock(dy: usize, y: usize, dx: usize, db: usize, rows: i32, rowBytes: usize, act: i32, accumulate: bool, nv: i32, partial: i32): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let o: usize = 0;
  for (let r = 0; r < rows; r++) {
    if (partial > 0) {
      const g = actGrad(loadPartial(dy + o, partial, 0), loadPartial(y + o, partial, 0), act);
      storePartial(dx + o, g, partial);
      s0 = f32x4.add(s0, g);
    } else {
      const g0 = actGrad(v128.load(dy + o), v128.load(y + o), act);
      v128.store(dx + o, g0);
      s0 = f32x4.add(s0, g0);
      if (nv > 1) {
        const g1 = actGrad(v128.load(dy + o, 16), v128.load(y + o, 16), act);
        v128.store(dx + o, g1, 16);
        s1 = f32x4.add(s1, g1);
      }
      if (nv > 2) {
        const g2 = actGrad(v128.load(dy + o, 32), v128.load(y + o, 32), act);
        v128.store(dx + o, g2, 32);
        s2 = f32x4.add(s2, g2);
      }
      if (nv > 3) {
        const g3 = actGrad(v128.load(dy + o, 48), v128.load(y + o, 48), act);
        v128.store(dx + o, g3, 48);
        s3 = f32x4.add(s3, g3);
      }
    }
    o += rowBytes;
  }
  if (partial > 0) {
    if (accumulate) s0 = f32x4.add(s0, loadPartial(db, partial, 0));
    storePartial(db, s0, partial);
  } else {
    if (accumulate) {
      s0 = f32x4.add(s0, v128.load(db));
      if (nv > 1) s1 = f32x4.add(s1, v128.load(db, 16));
      if (nv > 2) s2 = f32x4.add(s2, v128.load(db, 32));
      if (nv > 3) s3 = f32x4.add(s3, v128.load(db, 48));
    }
    v128.store(db, s0);
    if (nv > 1) v128.store(db, s1, 16);
    if (nv > 2) v128.store(db, s2, 32);
    if (nv > 3) v128.store(db, s3, 48);
  }
}

// @ts-ignore: decorator
@inline function actBackwardColSumBody(dy: usize, y: usize, dx: usize, db: usize, rows: i32, cols: i32, act: i32, accumulate: bool): void {
  const rowBytes = <usize>cols << 2;
  let c = 0;
  for (; c + 16 <= cols; c += 16) {
    const o = <usize>c << 2;
    actColBlock(dy + o, y + o, dx + o, db + o, rows, rowBytes, act, accumulate, 4, 0);
  }
  for (; c + 4 <= cols; c += 4) {
    const o = <usize>c << 2;
    actColBlock(dy + o, y + o, dx + o, db + o, rows, rowBytes, act, accumulate, 1, 0);
  }
  const rest = cols - c;
  if (rest > 0) {
    const o = <usize>c << 2;
    actColBlock(dy + o, y + o, dx + o, db + o, rows, rowBytes, act, accumulate, 1, rest);
  }
}

/**
 * Fused dense-layer backward prologue: dx = dy ⊙ act'(y) (rows×cols) and
 * db[c] (=|+=) Σ_r dx[r, c], in one pass over dy and y instead of two.
 * dx may alias dy. Column sums are accumulated in f32 in row order (then
 * added to db when accumulating), as colSum does.
 */
export function actBackwardColSum(dy: usize, y: usize, dx: usize, db: usize, rows: i32, cols: i32, act: i32, accumulate: bool): void {
  if (cols <= 0) return;
  if (act == ACT_RELU) actBackwardColSumBody(dy, y, dx, db, rows, cols, ACT_RELU, accumulate);
  else if (act == ACT_ELU) actBackwardColSumBody(dy, y, dx, db, rows, cols, ACT_ELU, accumulate);
  else if (act == ACT_TANH) actBackwardColSumBody(dy, y, dx, db, rows, cols, ACT_TANH, accumulate);
  else {
    if (dx != dy) memory.copy(dx, dy, <usize>rows * <usize>cols << 2);
    colSum(dx, db, rows, cols, accumulate);
  }
}

/**
 * out[c] (=|+=) Σ_r x[r, c] for a row-major rows×cols block (bias gradient).
 * Sixteen columns at a time are summed in registers down all rows, so out is
 * touched once per column; f32 accumulation in row order.
 */
export function colSum(x: usize, out: usize, rows: i32, cols: i32, accumulate: bool): void {
  const rowBytes = <usize>cols << 2;
  let c = 0;
  for (; c + 16 <= cols; c += 16) {
    const base = x + (<usize>c << 2);
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let r = 0; r < rows; r++) {
      const p = base + <usize>r * rowBytes;
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32));
      s3 = f32x4.add(s3, v128.load(p, 48));
    }
    const o = out + (<usize>c << 2);
    if (accumulate) {
      s0 = f32x4.add(s0, v128.load(o));
      s1 = f32x4.add(s1, v128.load(o, 16));
      s2 = f32x4.add(s2, v128.load(o, 32));
      s3 = f32x4.add(s3, v128.load(o, 48));
    }
    v128.store(o, s0);
    v128.store(o, s1, 16);
    v128.store(o, s2, 32);
    v128.store(o, s3, 48);
  }
  for (; c < cols; c += 4) {
    const n = min<i32>(4, cols - c);
    const base = x + (<usize>c << 2);
    let s = f32x4.splat(0);
    if (n == 4) {
      for (let r = 0; r < rows; r++) s = f32x4.add(s, v128.load(base + <usize>r * rowBytes));
    } else {
      for (let r = 0; r < rows; r++) s = f32x4.add(s, loadPartial(base + <usize>r * rowBytes, n, 0));
    }
    const o = out + (<usize>c << 2);
    if (accumulate) s = f32x4.add(s, loadPartial(o, n, 0));
    storePartial(o, s, n);
  }
}

/** y[i] = alpha · x[i]. In place allowed. */
export function scale(x: usize, y: usize, len: i32, alpha: f32): void {
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.mul(v128.load(x + o), a));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(x + o) * alpha);
  }
}

/** y[i] += alpha · x[i] (BLAS saxpy). */
export function axpy(x: usize, y: usize, len: i32, alpha: f32): void {
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(v128.load(x + o), a)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + load<f32>(x + o) * alpha);
  }
}

/** x[i] = value for i < len. */
export function fill(x: usize, len: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= len; i += 4) v128.store(x + (<usize>i << 2), v);
  for (; i < len; i++) store<f32>(x + (<usize>i << 2), value);
}

/** dst[i] = src[i] for i < len (memmove semantics: overlap allowed). */
export function copy(src: usize, dst: usize, len: i32): void {
  memory.copy(dst, src, <usize>len << 2);
}

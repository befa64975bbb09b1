// Row/element-wise kernels: bias + activation, activation backward, column
// sums, BLAS-1 helpers. Every kernel is a SIMD body over 4-float groups plus a
// tail of 0..3 floats handled with the same vector math on a partially loaded
// vector (so a tail element gets bit-identical results to a body element).
// Pointers are byte offsets, 4-byte aligned (16 is faster, not required).

import { applyAct, ACT_RELU, ACT_ELU, ACT_TANH } from './exp';
import { loadPartial, storePartial } from './simd';

/**
 * y[r, c] = act(x[r, c] + bias[c]) for a row-major rows×cols block. bias = 0
 * means no bias. In place (y == x) is allowed.
 */
export function biasAct(x: usize, bias: usize, y: usize, rows: i32, cols: i32, act: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      let v = v128.load(xr + o);
      if (bias) v = f32x4.add(v, v128.load(bias + o));
      v128.store(yr + o, applyAct(v, act));
    }
    const rest = cols - c;
    if (rest > 0) {
      const o = <usize>c << 2;
      let v = loadPartial(xr + o, rest, 0);
      if (bias) v = f32x4.add(v, loadPartial(bias + o, rest, 0));
      storePartial(yr + o, applyAct(v, act), rest);
    }
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

/** dx[i] = dy[i] · act'(pre[i]) from the saved output y (see actGrad). dx may alias dy or y. */
export function actBackward(dy: usize, y: usize, dx: usize, len: i32, act: i32): void {
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

/**
 * Fused dense-layer backward prologue: dx = dy ⊙ act'(y) (rows×cols) and
 * db[c] (=|+=) Σ_r dx[r, c], in one pass over dy and y instead of two.
 * dx may alias dy. Column sums are accumulated in f32 in row order.
 */
export function actBackwardColSum(dy: usize, y: usize, dx: usize, db: usize, rows: i32, cols: i32, act: i32, accumulate: bool): void {
  const rowBytes = <usize>cols << 2;
  if (!accumulate) memory.fill(db, 0, rowBytes);
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = off + (<usize>c << 2);
      const g = actGrad(v128.load(dy + o), v128.load(y + o), act);
      v128.store(dx + o, g);
      const bo = db + (<usize>c << 2);
      v128.store(bo, f32x4.add(v128.load(bo), g));
    }
    const rest = cols - c;
    if (rest > 0) {
      const o = off + (<usize>c << 2);
      const g = actGrad(loadPartial(dy + o, rest, 0), loadPartial(y + o, rest, 0), act);
      storePartial(dx + o, g, rest);
      const bo = db + (<usize>c << 2);
      storePartial(bo, f32x4.add(loadPartial(bo, rest, 0), g), rest);
    }
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

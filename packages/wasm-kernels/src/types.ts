/**
 * The `Kernels` contract shared by the wasm kernels and the TS reference.
 *
 * Conventions for every method:
 * - **Pointers** are byte offsets into `kernels.heap` (the wasm linear memory,
 *   or the reference's ArrayBuffer), as returned by `heap.alloc`. Allocations
 *   are 16-byte aligned; kernels accept any 4-byte-aligned pointer, so
 *   `ptr + 4 * i` addresses element i of an allocation.
 * - **Data** is float32, **matrices are row-major**: element (r, c) of an
 *   R×C matrix at `ptr` lives at byte `ptr + 4 * (r * C + c)`.
 * - **Lengths and shapes** are element counts (not bytes), non-negative
 *   integers. A kernel never allocates or grows memory, so views taken before
 *   a kernel call stay valid across it (only `heap.alloc` can grow memory).
 * - **Aliasing**: element-wise kernels allow the output to be an input
 *   (in place); `gemm` outputs must not overlap its inputs.
 */
import type { Heap } from './heap.js';

/**
 * Activation codes, passed to the kernels as small integers.
 * - `linear`: f(x) = x
 * - `relu`: f(x) = max(x, 0) (NaN stays NaN)
 * - `elu`: f(x) = x for x > 0, e^x − 1 otherwise (α = 1; Clevert et al. 2016)
 * - `tanh`: f(x) = tanh x
 */
export const Act = { linear: 0, relu: 1, elu: 2, tanh: 3 } as const;
/** An activation's name: `'linear' | 'relu' | 'elu' | 'tanh'`. */
export type ActName = keyof typeof Act;
/** An activation's integer code (0..3), see {@link Act}. */
export type Act = (typeof Act)[ActName];
/** An activation given by code or by name; names are mapped with {@link actCode}. */
export type ActLike = Act | ActName;

/** Maps an activation name or code to its integer code; throws on anything else. */
export function actCode(act: ActLike): Act {
  if (typeof act === 'number') {
    if (act === 0 || act === 1 || act === 2 || act === 3) return act;
  } else if (Object.prototype.hasOwnProperty.call(Act, act)) {
    return Act[act];
  }
  throw new TypeError(`unknown activation ${JSON.stringify(act)} (expected ${Object.keys(Act).join(', ')} or 0..3)`);
}

/**
 * The compute layer for small MLPs (the MINE critic): implemented by the wasm
 * SIMD kernels (`loadWasmKernels`) and by a plain TS reference
 * (`createReferenceKernels`) with identical pointer semantics, so code written
 * against this interface runs unchanged on either.
 */
export interface Kernels {
  /** `'wasm'` for the SIMD kernels, `'wasm-fma'` for their relaxed-SIMD build (fused multiply-add in GEMM), `'js'` for the reference. */
  readonly name: 'wasm' | 'wasm-fma' | 'js';
  /** The arena that owns the memory every pointer refers to. */
  readonly heap: Heap;

  /**
   * General matrix product, C[m×n] (= | +=) op(A)·op(B), row-major float32.
   * op(A) is m×k: A stored m×k, or k×m when `transA` (then op(A) = Aᵀ).
   * op(B) is k×n: B stored k×n, or n×k when `transB`.
   * `accumulate`: C += op(A)·op(B) instead of C = op(A)·op(B).
   * k = 0 gives a zero product. C must not overlap A or B.
   * In wasm all four variants run the same packed micro-kernel at about the same speed;
   * n = 1 runs a matrix–vector loop, and k ≤ 4 or m ≤ 4 direct loops (bit-identical to the packed path).
   */
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, transA?: boolean, transB?: boolean, accumulate?: boolean): void;

  /**
   * `gemm` with a fused epilogue (one pass over C instead of three):
   * C = act((accumulate ? C : 0) + op(A)·op(B) + bias), bias a length-n row
   * vector broadcast over rows (`bias = 0`: none). Shapes as in `gemm`.
   */
  gemmBiasAct(a: number, b: number, bias: number, c: number, m: number, k: number, n: number, act: ActLike, transA?: boolean, transB?: boolean, accumulate?: boolean): void;

  /**
   * Dense layer forward, fused: y[rows×out] = act(x[rows×in] · w[in×out] + b[out]).
   * w is stored in×out (row-major), so y = x·w; `b = 0` means no bias.
   * Saves the separate bias and activation passes over y.
   */
  linearAct(x: number, w: number, b: number, y: number, rows: number, inDim: number, outDim: number, act: ActLike): void;

  /**
   * y[r, c] = act(x[r, c] + bias[c]) over a row-major rows×cols block;
   * `bias = 0` means no bias (pure activation). In place (y = x) allowed.
   */
  biasAct(x: number, bias: number, y: number, rows: number, cols: number, act: ActLike): void;

  /**
   * dx = dy ⊙ act'(pre), computed from the saved activation OUTPUT y (so the
   * pre-activation need not be kept): relu y > 0 ? 1 : 0; elu (α = 1)
   * y > 0 ? 1 : y + 1; tanh 1 − y²; linear 1. `len` elements; dx may alias dy or y.
   */
  actBackward(dy: number, y: number, dx: number, len: number, act: ActLike): void;

  /**
   * Fused dense-layer backward prologue: dx = dy ⊙ act'(y) over rows×cols
   * (as `actBackward`) and db[c] (= | +=) Σ_r dx[r, c] (as `colSum`), in one
   * pass over dy and y instead of two. dx may alias dy.
   */
  actBackwardColSum(dy: number, y: number, dx: number, db: number, rows: number, cols: number, act: ActLike, accumulate?: boolean): void;

  /** out[c] (= | +=) Σ_r x[r, c] over a row-major rows×cols block (the bias gradient). */
  colSum(x: number, out: number, rows: number, cols: number, accumulate?: boolean): void;

  /**
   * y[i] = e^{x[i]}, i < len; in place allowed. wasm: vectorized Cephes expf,
   * max relative error ≈ 1 ulp (see assembly/exp.ts); x > 88.72 → +Inf,
   * x < −103.97 → 0, NaN → NaN.
   */
  exp(x: number, y: number, len: number): void;

  /**
   * log Σ_i e^{x[i]}, computed stably as max + log Σ e^{x − max} (no overflow
   * for any finite input), returned as a float64. len = 0 or all −Inf → −Inf;
   * any +Inf → +Inf; any NaN → NaN.
   */
  logSumExp(x: number, len: number): number;

  /** log((1/len) Σ_i e^{x[i]}) = logSumExp − log len (the MINE/DV marginal term); len = 0 → NaN. */
  logMeanExp(x: number, len: number): number;

  /**
   * y = softmax(x) = e^{x − lse}, which is the gradient of logSumExp; returns
   * lse. Σ y = 1 up to float32 rounding. If max x is not finite (NaN, +Inf,
   * all −Inf, len = 0) y is filled with NaN and that max is returned. y may alias x.
   */
  softmax(x: number, y: number, len: number): number;

  /**
   * One fused Adam step over `len` parameters (Kingma & Ba 2015, Algorithm 1):
   * m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
   * θ ← θ − lr · (m/(1−β1^t)) / (√(v/(1−β2^t)) + ε).
   * `step` is t, counting from 1 (throws for t < 1). m and v start at 0.
   * Lay out all parameters (and grads, m, v) contiguously to update a whole
   * network in one call.
   */
  adam(param: number, grad: number, m: number, v: number, len: number, lr: number, beta1: number, beta2: number, eps: number, step: number): void;

  /** y[i] = alpha · x[i]; in place allowed. */
  scale(x: number, y: number, len: number, alpha: number): void;
  /** y[i] += alpha · x[i] (BLAS saxpy). */
  axpy(x: number, y: number, len: number, alpha: number): void;
  /** x[i] = value for i < len. */
  fill(x: number, len: number, value: number): void;
  /** dst[i] = src[i] for i < len; overlapping ranges allowed (memmove). */
  copy(src: number, dst: number, len: number): void;
  /** Σ x[i], accumulated in float64. */
  sum(x: number, len: number): number;
  /** Σ x[i]·y[i] (products rounded to float32 in wasm, summed in float64). */
  dot(x: number, y: number, len: number): number;
}

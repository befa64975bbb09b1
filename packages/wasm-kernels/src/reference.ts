/**
 * The reference {@link Kernels}: plain, readable TypeScript over an
 * ArrayBuffer heap with exactly the wasm kernels' pointer semantics (byte
 * offsets, 16-byte-aligned allocations, row-major float32). It is the oracle
 * the wasm kernels are tested against, and a fallback where WebAssembly SIMD
 * is unavailable.
 *
 * Arithmetic is done in float64 (JS numbers) and rounded to float32 once, on
 * store; so on the same inputs the reference is at least as accurate as the
 * wasm kernels, which accumulate in float32.
 */
import { ArrayBufferMemory, Heap } from './heap.js';
import { exp, expm1, log, pow, tanh } from './fdlibm.js';
import { actCode, Act, type ActLike, type Kernels } from './types.js';
import { checkGemm } from './checks.js';

/** Options for {@link createReferenceKernels}. */
export interface ReferenceKernelsOptions {
  /** Initial memory size in 64 KiB pages (grows on demand). @default 1 */
  initialPages?: number;
  /** Validate pointer arguments (see `WasmKernelsOptions.checks`). @default true */
  checks?: boolean;
}

/** Creates the reference kernels with their own heap. */
export function createReferenceKernels(opts: ReferenceKernelsOptions = {}): ReferenceKernels {
  return new ReferenceKernels(opts);
}

const fround = Math.fround;

/** f(x) for an activation code, in float64. */
function activate(x: number, act: Act): number {
  switch (act) {
    case Act.relu:
      return Math.max(x, 0); // NaN stays NaN
    case Act.elu:
      return x > 0 || Number.isNaN(x) ? x : expm1(x);
    case Act.tanh:
      return tanh(x);
    default:
      return x;
  }
}

/** f'(pre) written in terms of the output y = f(pre). */
function activationGradFromOutput(y: number, act: Act): number {
  switch (act) {
    case Act.relu:
      return y > 0 ? 1 : 0;
    case Act.elu:
      return y > 0 ? 1 : y + 1; // e^pre = y + 1 for pre ≤ 0
    case Act.tanh:
      return 1 - y * y;
    default:
      return 1;
  }
}

/** The TS reference kernels; see the module comment. */
export class ReferenceKernels implements Kernels {
  readonly name = 'js' as const;
  readonly heap: Heap;
  private readonly checks: boolean;

  constructor(opts: ReferenceKernelsOptions = {}) {
    // base 16: pointer 0 stays invalid, as in wasm (where 0 means "no bias").
    this.heap = new Heap(new ArrayBufferMemory(Math.max(1, opts.initialPages ?? 1)), 16);
    this.checks = opts.checks ?? true;
  }

  /** Float32 view of the whole memory; index = ptr / 4. */
  private get f(): Float32Array {
    return this.heap.F32;
  }

  private checkAll(len: number, ...ptrs: number[]): void {
    if (this.checks) for (const p of ptrs) this.heap.check(p, len);
  }

  gemm(a: number, b: number, c: number, m: number, k: number, n: number, transA = false, transB = false, accumulate = false): void {
    this.gemmBiasAct(a, b, 0, c, m, k, n, Act.linear, transA, transB, accumulate);
  }

  gemmBiasAct(a: number, b: number, bias: number, c: number, m: number, k: number, n: number, act: ActLike, transA = false, transB = false, accumulate = false): void {
    const code = actCode(act);
    if (this.checks) checkGemm(this.heap, a, b, c, m, k, n, bias);
    const f = this.f;
    // op(A)(i, p) = f[A + i·aRow + p·aCol], op(B)(p, j) = f[B + p·bRow + j·bCol]
    const A = a >>> 2, B = b >>> 2, C = c >>> 2, BIAS = bias >>> 2;
    const [aRow, aCol] = transA ? [1, m] : [k, 1];
    const [bRow, bCol] = transB ? [1, k] : [n, 1];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0; // float64 dot product of row i of op(A) and column j of op(B)
        let ai = A + i * aRow;
        let bj = B + j * bCol;
        for (let p = 0; p < k; p++, ai += aCol, bj += bRow) s += (f[ai] as number) * (f[bj] as number);
        if (accumulate) s += f[C + i * n + j] as number;
        if (bias) s += f[BIAS + j] as number;
        f[C + i * n + j] = activate(s, code);
      }
    }
  }

  linearAct(x: number, w: number, b: number, y: number, rows: number, inDim: number, outDim: number, act: ActLike): void {
    this.gemmBiasAct(x, w, b, y, rows, inDim, outDim, act);
  }

  biasAct(x: number, bias: number, y: number, rows: number, cols: number, act: ActLike): void {
    const code = actCode(act);
    this.checkAll(rows * cols, x, y);
    if (bias && this.checks) this.heap.check(bias, cols);
    const f = this.f;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const pre = fround((f[(x >>> 2) + i] ?? NaN) + (bias ? (f[(bias >>> 2) + c] ?? NaN) : 0));
        f[(y >>> 2) + i] = activate(pre, code);
      }
    }
  }

  actBackward(dy: number, y: number, dx: number, len: number, act: ActLike): void {
    const code = actCode(act);
    this.checkAll(len, dy, y, dx);
    const f = this.f;
    for (let i = 0; i < len; i++) {
      const g = f[(dy >>> 2) + i] ?? NaN;
      const d = activationGradFromOutput(f[(y >>> 2) + i] ?? NaN, code);
      f[(dx >>> 2) + i] = code === Act.relu ? (d ? g : 0) : g * d;
    }
  }

  actBackwardColSum(dy: number, y: number, dx: number, db: number, rows: number, cols: number, act: ActLike, accumulate = false): void {
    this.actBackward(dy, y, dx, rows * cols, act);
    this.colSum(dx, db, rows, cols, accumulate);
  }

  colSum(x: number, out: number, rows: number, cols: number, accumulate = false): void {
    if (this.checks) {
      this.heap.check(x, rows * cols);
      this.heap.check(out, cols);
    }
    const f = this.f;
    for (let c = 0; c < cols; c++) {
      let s = accumulate ? (f[(out >>> 2) + c] ?? NaN) : 0;
      for (let r = 0; r < rows; r++) s += f[(x >>> 2) + r * cols + c] ?? NaN;
      f[(out >>> 2) + c] = s;
    }
  }

  exp(x: number, y: number, len: number): void {
    this.checkAll(len, x, y);
    const f = this.f;
    for (let i = 0; i < len; i++) f[(y >>> 2) + i] = exp(f[(x >>> 2) + i] ?? NaN);
  }

  /** max x[i]: NaN if any is NaN, −Inf for len = 0. */
  private max(x: number, len: number): number {
    const f = this.f;
    let m = -Infinity;
    for (let i = 0; i < len; i++) {
      const v = f[(x >>> 2) + i] ?? NaN;
      if (Number.isNaN(v)) return NaN;
      if (v > m) m = v;
    }
    return m;
  }

  logSumExp(x: number, len: number): number {
    this.checkAll(len, x);
    const m = this.max(x, len);
    if (!Number.isFinite(m)) return m;
    const f = this.f;
    let s = 0;
    for (let i = 0; i < len; i++) s += exp((f[(x >>> 2) + i] ?? NaN) - m);
    return m + log(s);
  }

  logMeanExp(x: number, len: number): number {
    return this.logSumExp(x, len) - log(len);
  }

  softmax(x: number, y: number, len: number): number {
    this.checkAll(len, x, y);
    const f = this.f;
    const m = this.max(x, len);
    if (!Number.isFinite(m)) {
      f.fill(NaN, y >>> 2, (y >>> 2) + len);
      return m;
    }
    const e = new Float64Array(len);
    let s = 0;
    for (let i = 0; i < len; i++) s += e[i] = exp((f[(x >>> 2) + i] ?? NaN) - m);
    for (let i = 0; i < len; i++) f[(y >>> 2) + i] = (e[i] ?? NaN) / s;
    return m + log(s);
  }

  adam(param: number, grad: number, m: number, v: number, len: number, lr: number, beta1: number, beta2: number, eps: number, step: number): void {
    this.checkAll(len, param, grad, m, v);
    if (!(step >= 1)) throw new RangeError('adam: step must be >= 1 (t counts from 1)');
    // Hyper-parameters are float32 in the wasm ABI; round them the same way.
    const b1 = fround(beta1), b2 = fround(beta2), a = fround(lr), e = fround(eps);
    const t = Math.trunc(step);
    const c1 = 1 / (1 - pow(b1, t)); // 1 / (1 − β1^t)
    const c2 = 1 / (1 - pow(b2, t)); // 1 / (1 − β2^t)
    const f = this.f;
    for (let i = 0; i < len; i++) {
      const g = f[(grad >>> 2) + i] ?? NaN;
      const mi = fround(b1 * (f[(m >>> 2) + i] ?? NaN) + (1 - b1) * g);
      const vi = fround(b2 * (f[(v >>> 2) + i] ?? NaN) + (1 - b2) * g * g);
      f[(m >>> 2) + i] = mi;
      f[(v >>> 2) + i] = vi;
      f[(param >>> 2) + i] = (f[(param >>> 2) + i] ?? NaN) - (a * (mi * c1)) / (Math.sqrt(vi * c2) + e);
    }
  }

  scale(x: number, y: number, len: number, alpha: number): void {
    this.checkAll(len, x, y);
    const f = this.f;
    for (let i = 0; i < len; i++) f[(y >>> 2) + i] = fround(alpha) * (f[(x >>> 2) + i] ?? NaN);
  }

  axpy(x: number, y: number, len: number, alpha: number): void {
    this.checkAll(len, x, y);
    const f = this.f;
    for (let i = 0; i < len; i++) f[(y >>> 2) + i] = (f[(y >>> 2) + i] ?? NaN) + fround(alpha) * (f[(x >>> 2) + i] ?? NaN);
  }

  fill(x: number, len: number, value: number): void {
    this.checkAll(len, x);
    this.f.fill(value, x >>> 2, (x >>> 2) + len);
  }

  copy(src: number, dst: number, len: number): void {
    this.checkAll(len, src, dst);
    this.f.copyWithin(dst >>> 2, src >>> 2, (src >>> 2) + len);
  }

  sum(x: number, len: number): number {
    this.checkAll(len, x);
    const f = this.f;
    let s = 0;
    for (let i = 0; i < len; i++) s += f[(x >>> 2) + i] ?? NaN;
    return s;
  }

  dot(x: number, y: number, len: number): number {
    this.checkAll(len, x, y);
    const f = this.f;
    let s = 0;
    for (let i = 0; i < len; i++) s += (f[(x >>> 2) + i] ?? NaN) * (f[(y >>> 2) + i] ?? NaN);
    return s;
  }
}

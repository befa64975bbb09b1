/**
 * Loads the AssemblyScript SIMD kernels (assembly/, compiled with
 * `--enable simd --runtime stub`) and wraps them as {@link Kernels}.
 *
 * Two builds of the same source are embedded:
 * - the default (`name` 'wasm'): 128-bit SIMD only. Its arithmetic is fixed
 *   IEEE float32 (f32x4.mul then f32x4.add), so every engine and CPU gives the
 *   same bits;
 * - `fma: true` (`name` 'wasm-fma'): also relaxed SIMD, whose
 *   `f32x4.relaxed_madd` makes the GEMM kernels' multiply-adds one fused
 *   instruction on CPUs with FMA (1.1–1.3× faster GEMM; assembly/matmul.ts).
 *   Relaxed SIMD lets the engine fuse or not, so results depend on the CPU
 *   (one rounding per multiply-add instead of two; the same on one machine).
 *   Runs where relaxed SIMD is on: V8 ≥ 11.4 (Chrome and Edge ≥ 114, Node ≥ 22),
 *   and Node 20 with `--experimental-wasm-relaxed-simd`.
 *
 * Loading: each release .wasm is embedded as base64 in
 * `./generated/kernels-wasm.js` or `./generated/kernels-fma-wasm.js` (written
 * by scripts/embed.mjs at build time),
 * decoded with `atob` and instantiated with `WebAssembly.instantiate`. No
 * fetch, fs or URL resolution is involved, so the same code runs in Node ≥ 20,
 * browsers, Web Workers and bundlers (Vite/webpack/esbuild) with no set-up.
 * The compiled `WebAssembly.Module` is cached; each `loadWasmKernels()` call
 * creates a new instance with its own memory and heap.
 */
import { KERNELS_FMA_WASM_BASE64 } from './generated/kernels-fma-wasm.js';
import { KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';
import { checkAll, checkGemm } from './checks.js';
import { log } from './fdlibm.js';
import { Heap, PAGE_BYTES } from './heap.js';
import { actCode, type ActLike, type Kernels } from './types.js';

/** The raw exports of the wasm module (pointer + length ABI; see assembly/index.ts). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  gemmEx(a: number, b: number, c: number, m: number, k: number, n: number, transA: number, transB: number, accumulate: number, bias: number, act: number): void;
  biasAct(x: number, bias: number, y: number, rows: number, cols: number, act: number): void;
  actBackward(dy: number, y: number, dx: number, len: number, act: number): void;
  actBackwardColSum(dy: number, y: number, dx: number, db: number, rows: number, cols: number, act: number, accumulate: number): void;
  colSum(x: number, out: number, rows: number, cols: number, accumulate: number): void;
  exp(x: number, y: number, len: number): void;
  logSumExp(x: number, len: number): number;
  softmax(x: number, y: number, len: number): number;
  adam(param: number, grad: number, m: number, v: number, len: number, lr: number, beta1: number, beta2: number, eps: number, step: number): void;
  scale(x: number, y: number, len: number, alpha: number): void;
  axpy(x: number, y: number, len: number, alpha: number): void;
  fill(x: number, len: number, value: number): void;
  copy(src: number, dst: number, len: number): void;
  sum(x: number, len: number): number;
  dot(x: number, y: number, len: number): number;
  maxOf(x: number, len: number): number;
}

/** Options for {@link loadWasmKernels}. */
export interface WasmKernelsOptions {
  /**
   * Grow the memory to at least this many 64 KiB pages right away (the heap
   * grows on demand anyway; pre-sizing avoids growth copies during training).
   * @default 0 (the module's own initial size: static data + 1 page)
   */
  initialPages?: number;
  /**
   * Validate pointer arguments in JS before each call: every range must be
   * 4-aligned and inside the allocated heap, which catches use-after-reset and
   * out-of-bounds shapes before they silently corrupt memory. Costs a few
   * comparisons per call (kernels are called a few dozen times per training
   * step, so this is noise). Set false only in measured hot paths.
   * @default true
   */
  checks?: boolean;
  /**
   * Load the relaxed-SIMD build, whose GEMM kernels use fused multiply-add
   * (see the module comment: faster, but its rounding depends on the CPU).
   * Rejects where relaxed SIMD is unavailable; test with
   * `wasmKernelsSupported({ fma: true })`.
   * @default false
   */
  fma?: boolean;
}

/**
 * Thrown (synchronously, out of the kernel call) when the wasm code calls
 * `abort`, i.e. an AssemblyScript `assert` failed. Plain wasm traps (e.g. an
 * out-of-bounds access with `checks: false`) surface as `WebAssembly.RuntimeError`.
 */
export class WasmAbortError extends Error {
  /** Source file of the failed assertion (an assembly/*.ts path), if known. */
  readonly file: string | null;
  /** 1-based line, 0 if unknown. */
  readonly line: number;
  /** 1-based column, 0 if unknown. */
  readonly column: number;
  constructor(message: string | null, file: string | null, line: number, column: number) {
    super(`${message ?? 'abort'}${file ? ` (at ${file}:${line}:${column})` : ''}`);
    this.name = 'WasmAbortError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** Decodes base64 with `atob` (a global in Node ≥ 16, browsers and workers). */
function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Reads an AssemblyScript string (UTF-16LE; its byte length is stored at ptr − 4). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string | null {
  if (!ptr) return null;
  const buf = memory.buffer;
  if (ptr < 4 || ptr > buf.byteLength) return null;
  const byteLen = new Uint32Array(buf, ptr - 4, 1)[0] ?? 0;
  const units = new Uint16Array(buf, ptr, Math.min(byteLen, buf.byteLength - ptr) >>> 1);
  let s = '';
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096));
  return s;
}

/** One embedded build: its base64, decoded bytes and compiled module (both cached). */
interface Build {
  readonly name: 'wasm' | 'wasm-fma';
  readonly base64: string;
  readonly file: string;
  readonly requires: string;
  bytes?: Uint8Array<ArrayBuffer>;
  module?: Promise<WebAssembly.Module>;
}

const BUILDS: { plain: Build; fma: Build } = {
  plain: { name: 'wasm', base64: KERNELS_WASM_BASE64, file: 'kernels-wasm.ts', requires: 'WebAssembly SIMD' },
  fma: { name: 'wasm-fma', base64: KERNELS_FMA_WASM_BASE64, file: 'kernels-fma-wasm.ts', requires: 'WebAssembly relaxed SIMD' },
};

function wasmBytes(b: Build): Uint8Array<ArrayBuffer> {
  if (!b.base64) {
    throw new Error(`@mine/wasm-kernels was built without its wasm (src/generated/${b.file} is the stub): run \`pnpm build\` in packages/wasm-kernels`);
  }
  b.bytes ??= decodeBase64(b.base64);
  return b.bytes;
}

/**
 * Whether this runtime can run the kernels: WebAssembly with 128-bit SIMD
 * (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4), and with
 * `fma: true` relaxed SIMD too (see the module comment). Validates the actual
 * module, so it is exact. Use it to fall back to the default build or to
 * `createReferenceKernels()`.
 */
export function wasmKernelsSupported(opts: { fma?: boolean } = {}): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(wasmBytes(opts.fma ? BUILDS.fma : BUILDS.plain));
  } catch {
    return false;
  }
}

/**
 * Loads the wasm SIMD kernels (with `fma`, the relaxed-SIMD build). Resolves
 * to a fresh instance with its own memory; the compiled module is shared
 * between calls.
 * @throws (rejects) if WebAssembly SIMD (relaxed SIMD for `fma`) is unavailable or the package was built without its wasm
 */
export async function loadWasmKernels(opts: WasmKernelsOptions = {}): Promise<WasmKernels> {
  const build = opts.fma ? BUILDS.fma : BUILDS.plain;
  build.module ??= WebAssembly.compile(wasmBytes(build));
  let module: WebAssembly.Module;
  try {
    module = await build.module;
  } catch (err) {
    delete build.module;
    throw new Error(`@mine/wasm-kernels: cannot compile the kernels (${build.requires} required): ${String(err)}`, { cause: err });
  }
  let memory: WebAssembly.Memory | undefined;
  const imports = {
    env: {
      abort(msg: number, file: number, line: number, column: number): never {
        throw new WasmAbortError(memory ? readAsString(memory, msg) : null, memory ? readAsString(memory, file) : null, line >>> 0, column >>> 0);
      },
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const x = instance.exports as unknown as KernelExports;
  memory = x.memory;
  const pages = memory.buffer.byteLength / PAGE_BYTES;
  if (opts.initialPages && opts.initialPages > pages) memory.grow(opts.initialPages - pages);
  return new WasmKernels(x, opts.checks ?? true, build.name);
}

/** The wasm {@link Kernels}; obtain one with {@link loadWasmKernels}. */
export class WasmKernels implements Kernels {
  /** 'wasm' for the default build, 'wasm-fma' for the relaxed-SIMD one. */
  readonly name: 'wasm' | 'wasm-fma';
  readonly heap: Heap;
  /** The module's linear memory (the heap's backing store). */
  readonly memory: WebAssembly.Memory;
  /** The raw wasm exports, for callers that want to skip the JS argument checks. */
  readonly exports: KernelExports;
  private readonly checks: boolean;

  /** @internal use {@link loadWasmKernels} */
  constructor(exports: KernelExports, checks: boolean, name: 'wasm' | 'wasm-fma' = 'wasm') {
    this.name = name;
    this.exports = exports;
    this.memory = exports.memory;
    this.heap = new Heap(exports.memory, exports.heapBase());
    this.checks = checks;
  }

  gemm(a: number, b: number, c: number, m: number, k: number, n: number, transA = false, transB = false, accumulate = false): void {
    if (this.checks) checkGemm(this.heap, a, b, c, m, k, n, 0);
    this.exports.gemmEx(a, b, c, m, k, n, +transA, +transB, +accumulate, 0, 0);
  }

  gemmBiasAct(a: number, b: number, bias: number, c: number, m: number, k: number, n: number, act: ActLike, transA = false, transB = false, accumulate = false): void {
    const code = actCode(act);
    if (this.checks) checkGemm(this.heap, a, b, c, m, k, n, bias);
    this.exports.gemmEx(a, b, c, m, k, n, +transA, +transB, +accumulate, bias, code);
  }

  linearAct(x: number, w: number, b: number, y: number, rows: number, inDim: number, outDim: number, act: ActLike): void {
    this.gemmBiasAct(x, w, b, y, rows, inDim, outDim, act);
  }

  biasAct(x: number, bias: number, y: number, rows: number, cols: number, act: ActLike): void {
    const code = actCode(act);
    if (this.checks) {
      const h = this.heap;
      h.check(x, rows * cols);
      h.check(y, rows * cols);
      if (bias) h.check(bias, cols);
    }
    this.exports.biasAct(x, bias, y, rows, cols, code);
  }

  actBackward(dy: number, y: number, dx: number, len: number, act: ActLike): void {
    const code = actCode(act);
    if (this.checks) checkAll(this.heap, len, dy, y, dx);
    this.exports.actBackward(dy, y, dx, len, code);
  }

  actBackwardColSum(dy: number, y: number, dx: number, db: number, rows: number, cols: number, act: ActLike, accumulate = false): void {
    const code = actCode(act);
    if (this.checks) {
      checkAll(this.heap, rows * cols, dy, y, dx);
      this.heap.check(db, cols);
    }
    this.exports.actBackwardColSum(dy, y, dx, db, rows, cols, code, +accumulate);
  }

  colSum(x: number, out: number, rows: number, cols: number, accumulate = false): void {
    if (this.checks) {
      this.heap.check(x, rows * cols);
      this.heap.check(out, cols);
    }
    this.exports.colSum(x, out, rows, cols, +accumulate);
  }

  exp(x: number, y: number, len: number): void {
    if (this.checks) checkAll(this.heap, len, x, y);
    this.exports.exp(x, y, len);
  }

  logSumExp(x: number, len: number): number {
    if (this.checks) this.heap.check(x, len);
    return this.exports.logSumExp(x, len);
  }

  logMeanExp(x: number, len: number): number {
    return this.logSumExp(x, len) - log(len);
  }

  softmax(x: number, y: number, len: number): number {
    if (this.checks) checkAll(this.heap, len, x, y);
    return this.exports.softmax(x, y, len);
  }

  adam(param: number, grad: number, m: number, v: number, len: number, lr: number, beta1: number, beta2: number, eps: number, step: number): void {
    if (this.checks) {
      const h = this.heap;
      h.check(param, len);
      h.check(grad, len);
      h.check(m, len);
      h.check(v, len);
    }
    // step < 1 is rejected inside wasm (assert → WasmAbortError), see assembly/optim.ts
    this.exports.adam(param, grad, m, v, len, lr, beta1, beta2, eps, step);
  }

  scale(x: number, y: number, len: number, alpha: number): void {
    if (this.checks) checkAll(this.heap, len, x, y);
    this.exports.scale(x, y, len, alpha);
  }

  axpy(x: number, y: number, len: number, alpha: number): void {
    if (this.checks) checkAll(this.heap, len, x, y);
    this.exports.axpy(x, y, len, alpha);
  }

  fill(x: number, len: number, value: number): void {
    if (this.checks) this.heap.check(x, len);
    this.exports.fill(x, len, value);
  }

  copy(src: number, dst: number, len: number): void {
    if (this.checks) checkAll(this.heap, len, src, dst);
    this.exports.copy(src, dst, len);
  }

  sum(x: number, len: number): number {
    if (this.checks) this.heap.check(x, len);
    return this.exports.sum(x, len);
  }

  dot(x: number, y: number, len: number): number {
    if (this.checks) checkAll(this.heap, len, x, y);
    return this.exports.dot(x, y, len);
  }
}

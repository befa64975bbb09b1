/**
 * @mine/wasm-kernels: the compute layer for neural MI estimators (MINE and
 * family): float32 GEMM (all transpose variants, fused bias + activation),
 * activation forward/backward, column sums, vectorized exp, log-sum-exp,
 * softmax and a fused Adam step, as WebAssembly SIMD kernels plus a readable
 * TS reference with the same pointer API.
 *
 * ```ts
 * import { loadWasmKernels, createReferenceKernels, wasmKernelsSupported } from '@mine/wasm-kernels';
 * const k = wasmKernelsSupported() ? await loadWasmKernels() : createReferenceKernels();
 * const { heap } = k;
 * const x = heap.allocFrom(xData);      // 256×2, row-major
 * const w = heap.allocFrom(wData);      // 2×100
 * const b = heap.allocFrom(bData);      // 100
 * const h = heap.alloc(256 * 100);
 * k.linearAct(x, w, b, h, 256, 2, 100, 'relu');
 * const view = heap.f32(h, 256 * 100); // live view; re-take after heap.alloc
 * ```
 */
export { Act, actCode, type ActLike, type ActName, type Kernels } from './types.js';
export { Heap, ArrayBufferMemory, PAGE_BYTES, ALIGN, type GrowableMemory } from './heap.js';
export {
  loadWasmKernels,
  wasmKernelsSupported,
  WasmKernels,
  WasmAbortError,
  type WasmKernelsOptions,
  type KernelExports,
} from './wasm.js';
export { createReferenceKernels, ReferenceKernels, type ReferenceKernelsOptions } from './reference.js';
export { log, exp, log1p, expm1, pow, tanh, asinh, sinPi } from './fdlibm.js';

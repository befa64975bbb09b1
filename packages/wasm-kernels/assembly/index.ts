// @mine/wasm-kernels: wasm exports. Every kernel takes byte-offset pointers
// into this module's exported memory plus lengths; JS owns allocation (an
// arena starting at heapBase(), see src/heap.ts). Nothing here allocates.

export { gemmEx } from './matmul';
export { expKernel as exp } from './exp';
export { biasAct, actBackward, actBackwardColSum, colSum, scale, axpy, fill, copy } from './elementwise';
export { sum, dot, maxOf, logSumExp, softmax } from './reduce';
export { adam } from './optim';

/** First byte after static data (GEMM scratch panels): where the JS heap may start. */
export function heapBase(): usize {
  return __heap_base;
}

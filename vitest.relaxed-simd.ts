// Vitest setup file of the packages that test the relaxed-SIMD kernel build
// (wasm-kernels, core): runs in each worker before a test file's imports.
// Node 20's V8 (11.3) has relaxed SIMD behind a flag (on by default from
// V8 11.4: Node 22, Chrome 114). Wasm features are read when a module is
// compiled, so setting the flag here is enough.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--experimental-wasm-relaxed-simd');

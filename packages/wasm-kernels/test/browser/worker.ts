import { createReferenceKernels, loadWasmKernels, wasmKernelsSupported } from '../../src/index.js';
import { runWorkload } from './workload.js';

// Loads the SIMD kernels inside a Web Worker with no set-up (the .wasm is embedded).
const run = async () => {
  try {
    const wasm = await loadWasmKernels();
    // The relaxed-SIMD build too, where the browser has relaxed SIMD (Chrome ≥ 114).
    const fma = wasmKernelsSupported({ fma: true }) ? runWorkload(await loadWasmKernels({ fma: true })) : null;
    postMessage({ ok: true, wasm: runWorkload(wasm), fma, js: runWorkload(createReferenceKernels()) });
  } catch (e) {
    postMessage({ ok: false, error: String(e) });
  }
};
void run();

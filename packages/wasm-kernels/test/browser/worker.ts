import { createReferenceKernels, loadWasmKernels } from '../../src/index.js';
import { runWorkload } from './workload.js';

// Loads the SIMD kernels inside a Web Worker with no set-up (the .wasm is embedded).
const run = async () => {
  try {
    const wasm = await loadWasmKernels();
    postMessage({ ok: true, wasm: runWorkload(wasm), js: runWorkload(createReferenceKernels()) });
  } catch (e) {
    postMessage({ ok: false, error: String(e) });
  }
};
void run();

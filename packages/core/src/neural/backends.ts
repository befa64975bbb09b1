/**
 * Backend factory: one `createTrainer` for the three compute backends.
 *
 * - `wasm`: `KernelTrainer` on `@mine/wasm-kernels`' SIMD kernels.
 * - `wasm-fma`: the same on their relaxed-SIMD build, whose GEMM kernels use
 *   fused multiply-add (faster; one rounding per product-sum, so the bits
 *   depend on the CPU; needs relaxed SIMD: V8 ≥ 11.4, or Node 20 with
 *   `--experimental-wasm-relaxed-simd`).
 * - `js`: the same `KernelTrainer` on the TS reference kernels (readable,
 *   float64 arithmetic rounded to float32 on store; slow, the oracle).
 * - `tfjs`: `./backends/tfjs.js` (TensorFlow.js ops), loaded on first use by
 *   dynamic import so TensorFlow.js is only needed by those who ask for it.
 *
 * Each live trainer owns one kernels instance (its own linear memory, whose
 * heap it resets on dispose): concurrent estimations in one process (a server,
 * interleaved async runs) cannot trample each other's buffers. Disposed wasm
 * instances go back to a small per-process pool, so repeated runs reuse the
 * instance (and its already-grown memory) instead of instantiating again; the
 * compiled module itself is cached by `@mine/wasm-kernels`.
 */
import {
  createReferenceKernels,
  loadWasmKernels,
  wasmKernelsSupported,
  type Kernels,
} from '@mine/wasm-kernels';
import { MineError } from '../errors.js';
import { KernelTrainer } from './trainer.js';
import type { BackendName, CriticSpec, CriticTrainer, ObjectiveSpec, OptimizerSpec } from './types.js';

/** Options of `createTrainer` that are not part of the model. */
export interface CreateTrainerOptions {
  /** Largest batch to allocate buffers for up front (they grow on demand). @default 256 */
  capacity?: number;
}

/** Idle wasm instances kept for reuse (each holds its grown memory), per build. */
const MAX_POOLED = 4;
const wasmPools: Record<'wasm' | 'wasm-fma', Kernels[]> = { wasm: [], 'wasm-fma': [] };

async function acquireWasm(build: 'wasm' | 'wasm-fma'): Promise<Kernels> {
  const pooled = wasmPools[build].pop();
  if (pooled) return pooled;
  // checks: false — the trainer computes every pointer from its own allocations
  // (tested against the checked reference), and the JS checks cost ~10% at small widths.
  return loadWasmKernels({ checks: false, fma: build === 'wasm-fma' });
}

function releaseWasm(k: Kernels): void {
  const pool = wasmPools[k.name === 'wasm-fma' ? 'wasm-fma' : 'wasm'];
  if (pool.length < MAX_POOLED) pool.push(k);
}

/**
 * Whether the `wasm` backend (WebAssembly with SIMD and the kernels built)
 * or, with `'wasm-fma'`, its relaxed-SIMD build can run here.
 */
export function wasmBackendAvailable(build: 'wasm' | 'wasm-fma' = 'wasm'): boolean {
  return wasmKernelsSupported({ fma: build === 'wasm-fma' });
}

/**
 * Loads the tfjs backend module on first use. The import is dynamic so that
 * TensorFlow.js (an optional peer dependency, which that module itself imports
 * lazily) is never touched unless `backend: 'tfjs'` is asked for; bundlers
 * split it into its own chunk.
 */
async function loadTfjsBackend(): Promise<typeof import('./backends/tfjs.js')> {
  try {
    return await import('./backends/tfjs.js');
  } catch (e) {
    throw new MineError('INVALID_PARAMS', `backend 'tfjs' is not available: ${e instanceof Error ? e.message : String(e)}`, {
      field: 'backend',
      hint: "install @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm, or use backend 'wasm' or 'js'",
    });
  }
}

/**
 * Creates a trainer for `critic` on `backend`, initialised with
 * `initParams(critic)` (identical weights on every backend for the same seed).
 * The caller must `dispose()` it.
 *
 * @throws MineError INVALID_PARAMS (field `backend`) when the backend cannot run here
 */
export async function createTrainer(
  backend: BackendName,
  critic: CriticSpec,
  optimizer: OptimizerSpec,
  objective: ObjectiveSpec,
  options: CreateTrainerOptions = {},
): Promise<CriticTrainer> {
  switch (backend) {
    case 'js':
      return new KernelTrainer(createReferenceKernels(), critic, optimizer, objective, options.capacity ? { capacity: options.capacity } : {});
    case 'wasm':
    case 'wasm-fma': {
      if (!wasmBackendAvailable(backend)) {
        const fma = backend === 'wasm-fma';
        throw new MineError('INVALID_PARAMS', `backend '${backend}' is not available here (WebAssembly ${fma ? 'relaxed SIMD' : 'SIMD'} is required)`, {
          field: 'backend',
          hint: fma ? "use backend 'wasm' (or, on Node 20, run node with --experimental-wasm-relaxed-simd)" : "use backend 'js'",
        });
      }
      const k = await acquireWasm(backend);
      try {
        return new KernelTrainer(k, critic, optimizer, objective, {
          ...(options.capacity ? { capacity: options.capacity } : {}),
          onDispose: () => releaseWasm(k),
        });
      } catch (e) {
        k.heap.reset();
        releaseWasm(k);
        throw e;
      }
    }
    case 'tfjs':
      // tfjs allocates per step; `capacity` is accepted and ignored there.
      return (await loadTfjsBackend()).createTfjsTrainer(critic, optimizer, objective, options);
  }
}

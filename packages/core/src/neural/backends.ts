/**
 * Backend factory: one `createTrainer` for the three compute backends.
 *
 * - `wasm`: `KernelTrainer` on `@mine/wasm-kernels`' SIMD kernels.
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

/** Idle wasm instances kept for reuse (each holds its grown memory). */
const MAX_POOLED = 4;
const wasmPool: Kernels[] = [];

async function acquireWasm(): Promise<Kernels> {
  const pooled = wasmPool.pop();
  if (pooled) return pooled;
  // checks: false — the trainer computes every pointer from its own allocations
  // (tested against the checked reference), and the JS checks cost ~10% at small widths.
  return loadWasmKernels({ checks: false });
}

function releaseWasm(k: Kernels): void {
  if (wasmPool.length < MAX_POOLED) wasmPool.push(k);
}

/** Whether the `wasm` backend can run here (WebAssembly with SIMD and the kernels built). */
export function wasmBackendAvailable(): boolean {
  return wasmKernelsSupported();
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
    case 'wasm': {
      if (!wasmKernelsSupported()) {
        throw new MineError('INVALID_PARAMS', "backend 'wasm' is not available here (WebAssembly SIMD is required)", {
          field: 'backend',
          hint: "use backend 'js'",
        });
      }
      const k = await acquireWasm();
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

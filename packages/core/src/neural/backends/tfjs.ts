/**
 * The `tfjs` compute backend: the same critic, objectives and Adam as the
 * `wasm`/`js` `KernelTrainer` (trainer.ts), written in TensorFlow.js ops on
 * `@tensorflow/tfjs-backend-wasm` (XNNPACK GEMMs, single-threaded SIMD build).
 * It exists as the yardstick for our own kernels and as an independent second
 * implementation the kernel trainer is tested against; it is not the default.
 *
 * TensorFlow.js is an optional peer dependency, loaded once per process on
 * first use (`loadTfjs`): either the modules an application hands over with
 * `configureTfjs({ modules })` (what a bundled browser app does: its bundler
 * sees its own `import * as tf from '@tensorflow/tfjs'`), or else a dynamic
 * `import()` whose specifier is a variable, so bundlers do not try to resolve
 * an optional package (an app without tfjs still bundles @mine/core) and Node
 * resolves it at run time. Loading switches the process-wide tfjs engine to
 * the `wasm` backend with multithreading off (so benchmarks compare one
 * thread with one thread).
 *
 * Where the `.wasm` binaries come from (`setWasmPaths` of tfjs-backend-wasm):
 * 1. `configureTfjs({ wasmPaths })` or the `wasmPaths` option of
 *    `createTfjsTrainer`, before the first trainer;
 * 2. else `globalThis.MINE_TFJS_WASM_PATHS` (set it in a page or worker
 *    without importing anything from here);
 * 3. else in Node: the package's own `dist/` directory, found with
 *    `createRequire(import.meta.url).resolve(...)` (`node:module` is imported
 *    dynamically, so browsers never load it);
 * 4. else tfjs's default: next to the script that loaded tfjs-backend-wasm.
 *
 * Math (identical to trainer.ts and objectives.ts):
 * - concat critic, DV-type objectives: joint rows [xᵢ, yᵢ] and marginal rows
 *   [xᵢ, y_π(i)] stacked into one 2B-row batch, scores t (B) and u (B);
 * - concat critic, InfoNCE: S[i][j] = T(xᵢ, yⱼ) for all B² pairs, scored in
 *   chunks of rows whose gradients are summed (memory O(chunk·B), not O(B²));
 * - separable critic: S = f(x)·g(y)ᵀ (B×B); joint scores = diag S, marginal
 *   scores = the B(B−1) off-diagonal entries (`yMarginal` unused).
 * Each objective is minimised through a surrogate loss whose gradient with
 * respect to the scores is the table in objectives.ts (see `objectiveTerms`).
 */
import { MineError } from '../../errors.js';
import { log } from '../../math/fdlibm.js';
import { criticLayout, initParams, type LayerLayout } from '../critic.js';
import { updateLogEma, type MineState } from '../objectives.js';
import type { BackendName, CriticSpec, CriticTrainer, ObjectiveSpec, OptimizerSpec } from '../types.js';

// Types only: erased at compile time, so core never loads tfjs unless asked.
type Tf = typeof import('@tensorflow/tfjs');
type TfWasm = typeof import('@tensorflow/tfjs-backend-wasm');
type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor1D = import('@tensorflow/tfjs').Tensor1D;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Scalar = import('@tensorflow/tfjs').Scalar;
type Variable = import('@tensorflow/tfjs').Variable;
type Optimizer = import('@tensorflow/tfjs').Optimizer;
type NamedTensorMap = import('@tensorflow/tfjs').NamedTensorMap;

/** The three binaries tfjs-backend-wasm ships (only the SIMD one is used here, the others are fallbacks). */
export type TfjsWasmBinary = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * Where tfjs-backend-wasm fetches its binaries, as `setWasmPaths` takes it:
 * a directory prefix ending in `/` (URL or, in Node, a filesystem path), or a
 * map from each binary's file name to its full URL.
 *
 * In a bundled browser app, copy `node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm`
 * to your static files and pass their public prefix, e.g. `'/static/tfjs/'`,
 * or map the names to the URLs your bundler emits (Vite: `import simd from
 * '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'`).
 */
export type TfjsWasmPaths = string | Record<TfjsWasmBinary, string>;

/** Options of `createTfjsTrainer` beyond the model. */
export interface TfjsTrainerOptions {
  /** Where the `.wasm` files are (see `TfjsWasmPaths`); only used by the first load in a process. */
  wasmPaths?: TfjsWasmPaths;
  /**
   * How the dense layers' backward products are formed:
   * - `'transpose'` (default): a custom gradient that transposes explicitly and
   *   multiplies untransposed (Xᵀ·δ as transpose(X)·δ), because tfjs-backend-wasm
   *   4.22 sends only A·B through XNNPACK and runs Aᵀ·B and A·Bᵀ in a plain
   *   loop (100×512 · 512×100: 5.9 ms as Aᵀ·B, 1.3 ms as transpose + A·B, Node 20);
   * - `'autodiff'`: tfjs's own matMul gradients (what `tf.variableGrads` does
   *   unaided); kept to measure the difference (bench/train-speed.mjs).
   * Same math either way. (The objectives' log-sum-exp has a custom gradient
   * in both modes: see `lseOp`.)
   */
  backward?: 'transpose' | 'autodiff';
  /**
   * Accepted for signature compatibility with the kernel backends' `createTrainer`
   * options and ignored: tfjs allocates per step.
   */
  capacity?: number;
}

/** The loaded TensorFlow.js namespace (with the `wasm` backend active). */
export type TfjsNamespace = Tf;

const PACKAGES = '@tensorflow/tfjs@4.22.0 and @tensorflow/tfjs-backend-wasm@4.22.0';
const SIMD_BINARY: TfjsWasmBinary = 'tfjs-backend-wasm-simd.wasm';

/** What `configureTfjs` accepts. */
export interface TfjsConfig {
  /** Where the `.wasm` files are (see `TfjsWasmPaths`). */
  wasmPaths?: TfjsWasmPaths;
  /**
   * The application's own `@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm`
   * module namespaces (`import * as tf from '@tensorflow/tfjs'`), used instead
   * of importing them by name: needed in bundled browser apps, where only the
   * app's bundler can resolve the packages.
   */
  modules?: { tf: unknown; wasm: unknown };
}

let configured: TfjsConfig = {};
let loading: Promise<Tf> | undefined;

/**
 * Sets how tfjs is found (`modules`) and where its `.wasm` binaries are
 * fetched from (`wasmPaths`). Call before the first `createTfjsTrainer` /
 * `loadTfjs` of the process: the backend initialises once, so a later call
 * throws rather than being silently ignored.
 *
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import * as wasm from '@tensorflow/tfjs-backend-wasm';
 * configureTfjs({ modules: { tf, wasm }, wasmPaths: '/static/tfjs/' });
 * ```
 */
export function configureTfjs(config: TfjsConfig): void {
  if (loading) throw new Error('configureTfjs: the tfjs wasm backend is already initialised in this process');
  configured = { ...configured, ...config };
}

/**
 * Loads TensorFlow.js and its wasm backend once per process (later calls
 * return the same promise; a failed load is retried by the next call) and
 * makes `wasm` the active tfjs backend, single-threaded.
 *
 * @throws MineError INVALID_PARAMS (field `backend`) when the packages are not installed
 *   or the wasm backend cannot initialise here
 */
export function loadTfjs(options: Pick<TfjsTrainerOptions, 'wasmPaths'> = {}): Promise<Tf> {
  if (!loading) {
    const paths = options.wasmPaths ?? configured.wasmPaths;
    loading = initTfjs(paths).catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
  }
  return loading;
}

async function initTfjs(explicitPaths: TfjsWasmPaths | undefined): Promise<Tf> {
  let tf: Tf;
  let tfWasm: TfWasm;
  try {
    if (configured.modules) {
      tf = configured.modules.tf as Tf;
      tfWasm = configured.modules.wasm as TfWasm;
    } else {
      // Variable specifiers: see the module comment (bundlers must not resolve an optional peer).
      const names = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];
      [tf, tfWasm] = (await Promise.all(names.map((n) => import(/* @vite-ignore */ /* webpackIgnore: true */ n)))) as [Tf, TfWasm];
    }
    if (typeof tf?.setBackend !== 'function' || typeof tfWasm?.setWasmPaths !== 'function') {
      throw new Error('the modules given to configureTfjs are not @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm');
    }
  } catch (e) {
    throw new MineError('INVALID_PARAMS', `backend 'tfjs' needs the optional packages ${PACKAGES}, which could not be loaded (${e instanceof Error ? e.message : String(e)})`, {
      field: 'backend',
      hint: `install them (npm install ${PACKAGES.replace(' and ', ' ')}), or use backend 'wasm' or 'js'`,
    });
  }
  const paths = explicitPaths ?? globalWasmPaths() ?? (await nodeWasmDirectory());
  if (paths !== undefined) {
    try {
      tfWasm.setWasmPaths(paths);
    } catch {
      // The application initialised the wasm backend itself (with its own paths): use it as is.
    }
  }
  // One thread, like the kernel trainer: pick the plain SIMD binary even where
  // threads (SharedArrayBuffer + cross-origin isolation) would be available.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  let ok = false;
  let reason = '';
  try {
    ok = await tf.setBackend('wasm');
    await tf.ready();
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new MineError('INVALID_PARAMS', `backend 'tfjs': the TensorFlow.js wasm backend failed to initialise${reason ? ` (${reason})` : ''}`, {
      field: 'backend',
      hint: `point it at the .wasm files of @tensorflow/tfjs-backend-wasm with configureTfjs({ wasmPaths }) or globalThis.MINE_TFJS_WASM_PATHS; or use backend 'wasm'`,
    });
  }
  return tf;
}

/** `globalThis.MINE_TFJS_WASM_PATHS`, if an application set it. */
function globalWasmPaths(): TfjsWasmPaths | undefined {
  const v = (globalThis as { MINE_TFJS_WASM_PATHS?: unknown }).MINE_TFJS_WASM_PATHS;
  return typeof v === 'string' || (typeof v === 'object' && v !== null) ? (v as TfjsWasmPaths) : undefined;
}

/**
 * Node only: the directory of tfjs-backend-wasm's binaries, resolved from this
 * module like an import of the package would be. The specifier is assembled at
 * run time so bundlers do not try to pack `node:module` for browsers; there the
 * import fails and tfjs's default location applies.
 */
async function nodeWasmDirectory(): Promise<string | undefined> {
  try {
    const specifier = ['node', 'module'].join(':');
    const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as {
      createRequire(from: string): { resolve(request: string): string };
    };
    const file = mod.createRequire(import.meta.url).resolve(`@tensorflow/tfjs-backend-wasm/dist/${SIMD_BINARY}`);
    return file.slice(0, file.length - SIMD_BINARY.length);
  } catch {
    return undefined;
  }
}

/**
 * Creates a tfjs trainer for `critic`, initialised with `initParams(critic)`
 * (bit-identical to the kernel backends' start for the same seed), with
 * Adam(lr, β1, β2, ε) from `tf.train.adam`. Loads tfjs on first use.
 * The caller must `dispose()` it (frees its tensors and Adam's moments).
 *
 * @throws MineError INVALID_PARAMS (field `backend`) when tfjs is not installed or cannot start
 * @throws RangeError for an invalid critic shape (as `criticLayout`)
 */
export async function createTfjsTrainer(
  critic: CriticSpec,
  optimizer: OptimizerSpec,
  objective: ObjectiveSpec,
  options: TfjsTrainerOptions = {},
): Promise<CriticTrainer> {
  criticLayout(critic); // validate before loading anything
  const tf = await loadTfjs(options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths });
  return new TfjsTrainer(tf, critic, optimizer, objective, options.backward ?? 'transpose');
}

/** One dense layer as tfjs variables. */
interface TfLayer {
  w: Variable;
  b: Variable;
  act: LayerLayout['act'];
  /** act(x·W + b) with the explicit-transpose backward (`backward: 'transpose'`). */
  dense?: (x: Tensor, w: Tensor, b: Tensor) => Tensor2D;
}

/** Joint scores and a view of the marginal scores with what the objectives need of them. */
interface ScoreTerms {
  /** Joint scores, B. */
  t: Tensor1D;
  /** Number of marginal scores M. */
  M: number;
  /**
   * The marginal scores after an element-wise `map`, as a tensor whose entries
   * that are not marginal scores (the diagonal of a score matrix) are −Inf, so
   * log-sum-exp, `sum(exp(·))` and `sum(softplus(·))` over it see only the M
   * marginal scores, with zero gradient elsewhere.
   */
  marginal(map?: (s: Tensor) => Tensor): Tensor;
}

/** Rows of the concat MLP per chunk of the InfoNCE matrix (bounds activation memory). */
const INFONCE_CHUNK_ROWS = 16384;

class TfjsTrainer implements CriticTrainer {
  readonly backend: BackendName = 'tfjs';
  private readonly tf: Tf;
  private readonly critic: CriticSpec;
  private readonly obj: ObjectiveSpec;
  private readonly size: number;
  /** Parameter tensors in the canonical flat order, with their offsets. */
  private readonly vars: { v: Variable; offset: number; size: number }[];
  private readonly mlps: TfLayer[][];
  private readonly opt: Optimizer;
  private readonly mine: MineState = { logEma: undefined };
  /** Per batch size B: eye(B) and the −Inf-on-diagonal mask (separable critics). */
  private readonly masks = new Map<number, { eye: Tensor2D; negDiag: Tensor2D }>();
  /** tfjs bytes in use when the current step/gradient began, and the largest excess over it seen in one. */
  private stepBaseBytes = 0;
  private peakStepBytes = 0;
  /** Whether Adam's moment variables exist (tfjs creates them on the first update). */
  private adamStarted = false;
  private disposed = false;

  /** S = F·Gᵀ with the explicit-transpose backward, or undefined for autodiff. */
  private readonly outer: ((f: Tensor, g: Tensor) => Tensor2D) | undefined;
  /** log Σ e^x over every entry, and along rows (axis 1) of a matrix: see `lseOp`. */
  private readonly lseAll: (x: Tensor) => Scalar;
  private readonly lseRows: (x: Tensor) => Tensor1D;

  constructor(tf: Tf, critic: CriticSpec, optimizer: OptimizerSpec, objective: ObjectiveSpec, backward: 'transpose' | 'autodiff') {
    this.tf = tf;
    this.critic = { ...critic, hidden: [...critic.hidden] };
    this.obj = { ...objective };
    const layout = criticLayout(critic);
    this.size = layout.size;
    const p = initParams(critic);
    this.vars = [];
    const variable = (data: Float32Array, shape: number[]): Variable => {
      // Auto-named: tfjs variable names are process-global and must be unique.
      const init = tf.tensor(data, shape);
      const v = tf.variable(init, true);
      init.dispose(); // the variable holds its own reference to the data
      return v;
    };
    this.mlps = layout.mlps.map((layers) =>
      layers.map((L, l) => {
        const w = variable(p.subarray(L.w, L.w + L.inDim * L.outDim), [L.inDim, L.outDim]);
        const b = variable(p.subarray(L.b, L.b + L.outDim), [L.outDim]);
        this.vars.push({ v: w, offset: L.w, size: L.inDim * L.outDim }, { v: b, offset: L.b, size: L.outDim });
        const layer: TfLayer = { w, b, act: L.act };
        if (backward === 'transpose') layer.dense = this.denseOp(L.act, l === 0);
        return layer;
      }),
    );
    this.outer = backward === 'transpose' ? this.outerOp() : undefined;
    this.lseAll = this.lseOp(false) as (x: Tensor) => Scalar;
    this.lseRows = this.lseOp(true) as (x: Tensor) => Tensor1D;
    // Kingma & Ba 2015, Algorithm 1 (tfjs folds the bias corrections the same way as kernels.adam).
    this.opt = tf.train.adam(optimizer.lr, optimizer.beta1, optimizer.beta2, optimizer.eps);
  }

  // ------------------------------------------------------------------ helpers

  private check(x: Float32Array, y: Float32Array, yMarginal: Float32Array | null, batch: number): void {
    if (this.disposed) throw new Error('CriticTrainer: used after dispose()');
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`CriticTrainer: batch must be a positive integer, got ${batch}`);
    const { dx, dy } = this.critic;
    if (x.length < batch * dx || y.length < batch * dy || (yMarginal !== null && yMarginal.length < batch * dy)) {
      throw new RangeError(`CriticTrainer: batch of ${batch} needs x ≥ ${batch * dx}, y ≥ ${batch * dy} floats; got ${x.length}, ${y.length}`);
    }
  }

  /** Records the tensor bytes a step holds above its starting point (activations, gradients). */
  private notePeak(): void {
    const bytes = this.tf.memory().numBytes - this.stepBaseBytes;
    if (bytes > this.peakStepBytes) this.peakStepBytes = bytes;
  }

  /** act(x·W + b); relu/linear use the fused matMul + bias + activation kernel. */
  private denseForward(x: Tensor2D, w: Tensor2D, b: Tensor, act: LayerLayout['act']): Tensor2D {
    const tf = this.tf;
    if (act === 'relu' || act === 'linear') return tf.fused.matMul({ a: x, b: w, bias: b, activation: act }) as Tensor2D;
    const z = tf.add(tf.matMul(x, w), b) as Tensor2D;
    return act === 'elu' ? tf.elu(z) : tf.tanh(z);
  }

  /**
   * A dense layer whose backward uses only untransposed products (see
   * `TfjsTrainerOptions.backward`). With δ = dy ⊙ act'(y), computed from the
   * saved output y as the kernels' `actBackward` (relu y > 0; elu y + 1 for
   * y ≤ 0; tanh 1 − y²): ∂W = transpose(x)·δ, ∂b = Σ_rows δ, ∂x = δ·transpose(W)
   * (zeros for the first layer, whose input is data).
   */
  private denseOp(act: LayerLayout['act'], first: boolean): (x: Tensor, w: Tensor, b: Tensor) => Tensor2D {
    const tf = this.tf;
    return tf.customGrad((...args: unknown[]) => {
      const [x, w, b, save] = args as [Tensor2D, Tensor2D, Tensor1D, (t: Tensor[]) => void];
      const y = this.denseForward(x, w, b, act);
      save([x, w, y]);
      return {
        value: y,
        gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
          const [xs, ws, ys] = saved as [Tensor2D, Tensor2D, Tensor2D];
          let delta: Tensor2D;
          switch (act) {
            case 'linear':
              delta = dy;
              break;
            case 'relu':
              delta = tf.mul(dy, tf.step(ys));
              break;
            case 'elu':
              delta = tf.where(tf.greater(ys, 0), dy, tf.mul(dy, tf.add(ys, 1))) as Tensor2D;
              break;
            case 'tanh':
              delta = tf.mul(dy, tf.sub(1, tf.square(ys)));
              break;
          }
          const dW = tf.matMul(tf.transpose(xs), delta);
          const db = tf.sum(delta, 0);
          const dx = first ? tf.zerosLike(xs) : tf.matMul(delta, tf.transpose(ws));
          return [dx, dW, db];
        },
      };
    }) as (x: Tensor, w: Tensor, b: Tensor) => Tensor2D;
  }

  /** S = F·Gᵀ with ∂F = ∂S·G and ∂G = transpose(∂S)·F (untransposed products, as `denseOp`). */
  private outerOp(): (f: Tensor, g: Tensor) => Tensor2D {
    const tf = this.tf;
    return tf.customGrad((...args: unknown[]) => {
      const [F, G, save] = args as [Tensor2D, Tensor2D, (t: Tensor[]) => void];
      save([F, G]);
      return {
        value: tf.matMul(F, tf.transpose(G)),
        gradFunc: (dS: Tensor2D, saved: Tensor[]) => {
          const [Fs, Gs] = saved as [Tensor2D, Tensor2D];
          return [tf.matMul(dS, Gs), tf.matMul(tf.transpose(dS), Fs)];
        },
      };
    }) as (f: Tensor, g: Tensor) => Tensor2D;
  }

  /**
   * Stable log-sum-exp, m + log Σ e^{x − m} with m the max, over all entries
   * or along axis 1, with its gradient written as dy · e^{x − lse} (softmax).
   * `tf.logSumExp` differentiates through the max with a broadcast `Equal`,
   * which the wasm backend runs in a slow generic loop (≈ 12 ms for 256×256,
   * more than the rest of a step); the max's total derivative is 0, so
   * leaving it out changes nothing but the time. Entries of −Inf (masked
   * diagonals) get exp = 0 and zero gradient; a row of all −Inf gives NaN.
   */
  private lseOp(rows: boolean): (x: Tensor) => Tensor {
    const tf = this.tf;
    return tf.customGrad((...args: unknown[]) => {
      const [x, save] = args as [Tensor, (t: Tensor[]) => void];
      const m = rows ? tf.max(x, 1, true) : tf.max(x);
      const lse = tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(x, m)), rows ? 1 : undefined, true)));
      save([x, lse]);
      return {
        value: tf.reshape(lse, rows ? [-1] : []),
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [xs, l] = saved as [Tensor, Tensor];
          return [tf.mul(rows ? tf.reshape(dy, [-1, 1]) : dy, tf.exp(tf.sub(xs, l)))];
        },
      };
    });
  }

  /** One MLP forward (inside a tidy). */
  private mlp(m: number, input: Tensor2D): Tensor2D {
    const tf = this.tf;
    let h = input;
    for (const L of this.mlps[m]!) {
      if (L.dense) {
        h = L.dense(h, L.w, L.b);
      } else if (L.act === 'relu' || L.act === 'linear') {
        h = tf.fused.matMul({ a: h, b: L.w as Tensor2D, bias: L.b, activation: L.act }) as Tensor2D;
      } else {
        const z = tf.add(tf.matMul(h, L.w as Tensor2D), L.b) as Tensor2D;
        h = L.act === 'elu' ? tf.elu(z) : tf.tanh(z);
      }
    }
    return h;
  }

  /** Rows [x_{xRow(r)}, y_{yRow(r)}], r < rows, as one (rows)×(dx+dy) tensor (packed in JS: one upload). */
  private concatRows(parts: { x: Float32Array; xRow: (r: number) => number; y: Float32Array; yRow: (r: number) => number; rows: number }[]): Tensor2D {
    const { dx, dy } = this.critic;
    const D = dx + dy;
    const total = parts.reduce((s, p) => s + p.rows, 0);
    const buf = new Float32Array(total * D);
    let o = 0;
    for (const { x, xRow, y, yRow, rows } of parts) {
      for (let r = 0; r < rows; r++, o += D) {
        const xi = xRow(r) * dx;
        const yj = yRow(r) * dy;
        for (let c = 0; c < dx; c++) buf[o + c] = x[xi + c]!;
        for (let c = 0; c < dy; c++) buf[o + dx + c] = y[yj + c]!;
      }
    }
    return this.tf.tensor2d(buf, [total, D]);
  }

  private masksFor(B: number): { eye: Tensor2D; negDiag: Tensor2D } {
    let m = this.masks.get(B);
    if (!m) {
      const eye = new Float32Array(B * B);
      const negDiag = new Float32Array(B * B);
      for (let i = 0; i < B; i++) {
        eye[i * B + i] = 1;
        negDiag[i * B + i] = -Infinity;
      }
      // Usually first made inside a step's tidy: keep() exempts them from it; disposed by dispose().
      m = { eye: this.tf.keep(this.tf.tensor2d(eye, [B, B])), negDiag: this.tf.keep(this.tf.tensor2d(negDiag, [B, B])) };
      this.masks.set(B, m);
    }
    return m;
  }

  /** Score terms of a B×B score matrix: joint = diagonal, marginal = off-diagonal (M = B(B−1)). */
  private matrixTerms(S: Tensor2D, B: number): ScoreTerms {
    const tf = this.tf;
    const { eye, negDiag } = this.masksFor(B);
    return {
      t: tf.sum(tf.mul(S, eye), 1),
      M: B * (B - 1),
      marginal: (map) => tf.add(map ? map(S) : S, negDiag),
    };
  }

  /** The separable critic's S = f(x)·g(y)ᵀ (inside a tidy). */
  private scoreMatrix(x: Float32Array, y: Float32Array, B: number): Tensor2D {
    const tf = this.tf;
    const { dx, dy } = this.critic;
    const F = this.mlp(0, tf.tensor2d(x.subarray(0, B * dx), [B, dx]));
    const G = this.mlp(1, tf.tensor2d(y.subarray(0, B * dy), [B, dy]));
    return this.outer ? this.outer(F, G) : tf.matMul(F, G, false, true);
  }

  /**
   * The bound (as a scalar tensor) and, when `state` is given, the training
   * loss L whose gradient w.r.t. the scores is objectives.ts's table:
   * - `dv`: L = −(mean t − log mean e^u) (the bound itself);
   * - `mine`: L = −(mean t − Σ e^{u − log ema} / M) with ema a constant, so
   *   ∂L/∂u_k = e^{u_k}/(M·ema) — Belghazi et al.'s bias-corrected gradient; the
   *   moving average is updated with this batch first (`updateLogEma`, shared
   *   with the kernel trainer), which needs the batch's log-mean-exp as a number;
   * - `nwj`: L = −(mean t − e^{−1} mean e^u);
   * - `smile`: bound mean t − log mean e^{clip(u, −τ, τ)}; L = mean softplus(−t) +
   *   Σ softplus(u)/M, the Jensen–Shannon f-GAN loss (Nowozin et al. 2016) whose
   *   gradient Song & Ermon (2020) train SMILE with;
   * - `infonce` (matrix only): L = −(mean_i [S_ii − log Σ_j e^{S_ij}] + log B).
   */
  private objectiveTerms(terms: ScoreTerms, state: MineState | undefined): { value: Scalar; loss: Scalar | undefined } {
    const tf = this.tf;
    const { t, M } = terms;
    const meanT = tf.mean(t);
    const logM = log(M);
    switch (this.obj.objective) {
      case 'dv': {
        const value = tf.sub(meanT, tf.sub(this.lseAll(terms.marginal()), logM)) as Scalar;
        return { value, loss: state ? tf.neg(value) : undefined };
      }
      case 'mine': {
        const lme = tf.sub(this.lseAll(terms.marginal()), logM) as Scalar;
        const value = tf.sub(meanT, lme) as Scalar;
        if (!state) return { value, loss: undefined };
        const logEma = updateLogEma(state.logEma, lme.dataSync()[0]!, this.obj.emaRate);
        state.logEma = logEma;
        const corrected = tf.div(tf.sum(tf.exp(terms.marginal((s) => tf.sub(s, logEma)))), M);
        return { value, loss: tf.neg(tf.sub(meanT, corrected)) as Scalar };
      }
      case 'nwj': {
        const lme = tf.sub(this.lseAll(terms.marginal()), logM);
        const value = tf.sub(meanT, tf.exp(tf.sub(lme, 1))) as Scalar;
        return { value, loss: state ? tf.neg(value) : undefined };
      }
      case 'smile': {
        const tau = this.obj.clip;
        const lme = tf.sub(this.lseAll(terms.marginal((s) => tf.clipByValue(s, -tau, tau))), logM);
        const value = tf.sub(meanT, lme) as Scalar;
        if (!state) return { value, loss: undefined };
        const js = tf.add(tf.mean(tf.softplus(tf.neg(t))), tf.div(tf.sum(tf.softplus(terms.marginal())), M)) as Scalar;
        return { value, loss: js };
      }
      case 'infonce':
        throw new Error('objectiveTerms: infonce is handled by the matrix/row paths');
    }
  }

  /**
   * Forward pass and objective for one batch (inside a tidy / tape). For the
   * concat-InfoNCE path the rows [i0, i1) of the matrix only: its `value` is
   * Σ_{i∈[i0,i1)} (S_ii − log Σ_j e^{S_ij}) / B, without the + log B.
   */
  private batchObjective(
    x: Float32Array,
    y: Float32Array,
    yMarginal: Float32Array,
    B: number,
    state: MineState | undefined,
    rows?: [number, number],
  ): { value: Scalar; loss: Scalar | undefined } {
    const tf = this.tf;
    if (this.obj.objective === 'infonce') {
      if (this.critic.kind === 'separable') {
        const S = this.scoreMatrix(x, y, B);
        const { eye } = this.masksFor(B);
        const value = tf.add(tf.mean(tf.sub(tf.sum(tf.mul(S, eye), 1), this.lseRows(S))), log(B)) as Scalar;
        return { value, loss: state ? tf.neg(value) : undefined };
      }
      const [i0, i1] = rows ?? [0, B];
      const c = i1 - i0;
      const inp = this.concatRows([{ x, xRow: (r) => i0 + Math.floor(r / B), y, yRow: (r) => r % B, rows: c * B }]);
      const S = tf.reshape(this.mlp(0, inp), [c, B]);
      const diagMask = new Float32Array(c * B);
      for (let r = 0; r < c; r++) diagMask[r * B + i0 + r] = 1;
      const joint = tf.sum(tf.mul(S, tf.tensor2d(diagMask, [c, B])), 1);
      const value = tf.div(tf.sum(tf.sub(joint, this.lseRows(S))), B) as Scalar;
      return { value, loss: state ? tf.neg(value) : undefined };
    }
    if (this.critic.kind === 'separable') return this.objectiveTerms(this.matrixTerms(this.scoreMatrix(x, y, B), B), state);
    const inp = this.concatRows([
      { x, xRow: identity, y, yRow: identity, rows: B },
      { x, xRow: identity, y: yMarginal, yRow: identity, rows: B },
    ]);
    const s = tf.reshape(this.mlp(0, inp), [2 * B]) as Tensor1D;
    const u = tf.slice(s, B, B);
    return this.objectiveTerms({ t: tf.slice(s, 0, B), M: B, marginal: (map) => (map ? map(u) : u) }, state);
  }

  /** Row chunks of the concat-InfoNCE matrix (each ≤ INFONCE_CHUNK_ROWS MLP rows). */
  private infonceChunks(B: number): [number, number][] {
    const per = Math.max(1, Math.floor(INFONCE_CHUNK_ROWS / B));
    const out: [number, number][] = [];
    for (let i = 0; i < B; i += per) out.push([i, Math.min(B, i + per)]);
    return out;
  }

  /**
   * Forward, objective and gradient of the loss (one tensor per variable, in
   * `this.vars` order, to be disposed by the caller's tidy), and the bound.
   */
  private valueAndGrads(x: Float32Array, y: Float32Array, yMarginal: Float32Array, B: number, state: MineState): { value: number; grads: Tensor[] } {
    const tf = this.tf;
    const varList = this.vars.map((e) => e.v);
    const chunks = this.critic.kind === 'concat' && this.obj.objective === 'infonce' ? this.infonceChunks(B) : [undefined];
    let value = 0;
    let grads: Tensor[] | undefined;
    this.stepBaseBytes = tf.memory().numBytes;
    for (const rows of chunks) {
      let chunkValue = 0;
      const g = tf.variableGrads(() => {
        const r = this.batchObjective(x, y, yMarginal, B, state, rows);
        chunkValue = r.value.dataSync()[0]!;
        this.notePeak(); // the forward's activations are alive here (freed by variableGrads)
        return r.loss!;
      }, varList);
      value += chunkValue;
      const list = varList.map((v) => g.grads[v.name]!);
      // Σ of the chunks' gradients = gradient of the whole loss (its rows are a sum).
      grads = grads ? grads.map((a, i) => tf.add(a, list[i]!)) : list;
      this.notePeak();
    }
    if (isRowChunked(chunks)) value += log(B);
    return { value, grads: grads! };
  }

  // ------------------------------------------------------------- the contract

  step(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number): number {
    this.check(x, y, this.usesMarginal() ? yMarginal : null, batch);
    const tf = this.tf;
    let value = NaN;
    tf.tidy(() => {
      const r = this.valueAndGrads(x, y, yMarginal, batch, this.mine);
      value = r.value;
      const named: NamedTensorMap = {};
      this.vars.forEach((e, i) => (named[e.v.name] = r.grads[i]!));
      this.opt.applyGradients(named);
      this.adamStarted = true;
    });
    return value;
  }

  setLearningRate(lr: number): void {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`setLearningRate: lr must be a positive number, got ${lr}`);
    // tf.train.adam reads `learningRate` on every applyGradients (tfjs-core adam_optimizer.js);
    // the field is protected in the typings only.
    (this.opt as unknown as { learningRate: number }).learningRate = lr;
  }

  evaluate(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number): number {
    this.check(x, y, this.usesMarginal() ? yMarginal : null, batch);
    const tf = this.tf;
    const chunks = this.critic.kind === 'concat' && this.obj.objective === 'infonce' ? this.infonceChunks(batch) : [undefined];
    let value = 0;
    for (const rows of chunks) value += tf.tidy(() => this.batchObjective(x, y, yMarginal, batch, undefined, rows).value.dataSync()[0]!);
    return isRowChunked(chunks) ? value + log(batch) : value;
  }

  gradient(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number): Float32Array {
    this.check(x, y, this.usesMarginal() ? yMarginal : null, batch);
    const out = new Float32Array(this.size);
    this.tf.tidy(() => {
      // MINE: the moving average this batch would produce, not committed (as the kernel trainer).
      const { grads } = this.valueAndGrads(x, y, yMarginal, batch, { logEma: this.mine.logEma });
      this.vars.forEach((e, i) => out.set(grads[i]!.dataSync() as Float32Array, e.offset));
    });
    return out;
  }

  scores(x: Float32Array, y: Float32Array, n: number): Float32Array {
    this.check(x, y, null, n);
    const tf = this.tf;
    const { dx, dy } = this.critic;
    const out = new Float32Array(n);
    // The result is copied out inside the tidy rather than returned from it:
    // tidy walks a returned value looking for tensors, element by element for a typed array.
    tf.tidy(() => {
      if (this.critic.kind === 'concat') {
        const inp = this.concatRows([{ x, xRow: identity, y, yRow: identity, rows: n }]);
        out.set(this.mlp(0, inp).dataSync());
        return;
      }
      const F = this.mlp(0, tf.tensor2d(x.subarray(0, n * dx), [n, dx]));
      const G = this.mlp(1, tf.tensor2d(y.subarray(0, n * dy), [n, dy]));
      out.set(tf.sum(tf.mul(F, G), 1).dataSync());
    });
    return out;
  }

  getParams(): Float32Array {
    if (this.disposed) throw new Error('CriticTrainer: used after dispose()');
    const out = new Float32Array(this.size);
    for (const e of this.vars) out.set(e.v.dataSync() as Float32Array, e.offset);
    return out;
  }

  setParams(p: Float32Array): void {
    if (this.disposed) throw new Error('CriticTrainer: used after dispose()');
    if (p.length !== this.size) throw new RangeError(`setParams: expected ${this.size} parameters, got ${p.length}`);
    const tf = this.tf;
    tf.tidy(() => {
      for (const e of this.vars) e.v.assign(tf.tensor(p.subarray(e.offset, e.offset + e.size), e.v.shape));
    });
  }

  /**
   * Bytes of this trainer's tensors: weights, Adam's two moments (once the
   * first step made them), the cached diagonal masks, plus the most tensor
   * memory a step or gradient call has held on top of that (inputs,
   * activations, gradients: measured as the rise of `tf.memory().numBytes`
   * during the call, so other tfjs users of the process are not counted).
   * Excludes the tfjs wasm module's own heap overhead. 0 after dispose.
   */
  memoryBytes(): number {
    if (this.disposed) return 0;
    let masks = 0;
    for (const B of this.masks.keys()) masks += 2 * 4 * B * B;
    return 4 * this.size * (this.adamStarted ? 3 : 1) + masks + this.peakStepBytes;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.opt.dispose();
    for (const e of this.vars) e.v.dispose();
    for (const m of this.masks.values()) {
      m.eye.dispose();
      m.negDiag.dispose();
    }
    this.masks.clear();
  }

  /** Whether `yMarginal` is read: concat critics with a DV-type objective. */
  private usesMarginal(): boolean {
    return this.critic.kind === 'concat' && this.obj.objective !== 'infonce';
  }
}

/** True for the concat-InfoNCE chunk list (whose partial values omit + log B). */
function isRowChunked(chunks: ([number, number] | undefined)[]): boolean {
  return chunks[0] !== undefined;
}

function identity(r: number): number {
  return r;
}

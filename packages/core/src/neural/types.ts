/**
 * The contract between the neural estimators (MINE family) and their compute
 * backends. The estimation protocol (splits, early stopping, repeats) is
 * written once against `CriticTrainer`; each backend (`wasm`, `js`, `tfjs`)
 * implements one trainer. All arrays are row-major Float32Array.
 */

/** Training objectives (see objectives.ts for formulas and papers). */
export type Objective = 'mine' | 'dv' | 'nwj' | 'infonce' | 'smile';

/**
 * Critic architecture.
 * - `concat`: T(x, y) = MLP([x, y]) → scalar (Belghazi et al. 2018).
 * - `separable`: T(x, y) = f(x) · g(y), f and g MLPs ending in an `embedDim`
 *   linear layer, so a batch scores against itself with one B×B matmul
 *   (InfoNCE; Oord et al. 2018, Poole et al. 2019).
 */
export type CriticKind = 'concat' | 'separable';

export type Activation = 'relu' | 'elu' | 'tanh';

/** Where the arithmetic runs. `wasm` (SIMD kernels) is the default; `js` is the readable reference. */
export type BackendName = 'wasm' | 'wasm-fma' | 'js' | 'tfjs';

export interface CriticSpec {
  /** Dimensions of x and y. */
  dx: number;
  dy: number;
  kind: CriticKind;
  /** Hidden layer widths, e.g. [100, 100]. For `separable`, used by both f and g. */
  hidden: readonly number[];
  /** Output width of f and g (`separable` only). */
  embedDim: number;
  activation: Activation;
  /** Weight init: He (Kaiming) normal for relu/elu, Xavier (Glorot) normal for tanh; biases 0. */
  init: 'he' | 'xavier';
  /** Seed of the initial weights (xoshiro128**). Same seed ⇒ same weights on every backend. */
  seed: number;
}

export interface OptimizerSpec {
  /** Adam (Kingma & Ba 2015). */
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export interface ObjectiveSpec {
  objective: Objective;
  /** MINE's moving-average rate α for E[e^T] in the bias-corrected gradient (Belghazi et al. 2018, §3.2). */
  emaRate: number;
  /** SMILE's clip τ (Song & Ermon 2020). */
  clip: number;
}

/**
 * One backend's critic and its optimizer. Created by a backend factory from
 * (CriticSpec, OptimizerSpec, ObjectiveSpec); owns its memory until `dispose`.
 *
 * Batches: `x` is B×dx, `y` is B×dy (joint pairs, row i of x with row i of y);
 * `yMarginal` is B×dy, y's rows permuted (product-of-marginals pairs) — unused
 * by InfoNCE, which scores every (x_i, y_j) of the batch.
 */
export interface CriticTrainer {
  readonly backend: BackendName;
  /**
   * One optimisation step: forward, objective, backward, Adam. Returns the
   * bound (nats) on this batch as computed in the forward pass, before the update.
   */
  step(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number): number;
  /** Sets Adam's step size for the following steps (moments and step count are kept). */
  setLearningRate(lr: number): void;
  /** The objective's bound (nats) on a batch without updating (validation). */
  evaluate(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number): number;
  /** T(x_i, y_i) for i < n (for tests and diagnostics). */
  scores(x: Float32Array, y: Float32Array, n: number): Float32Array;
  /** All parameters, flattened in the canonical order (layer by layer, W row-major then b). */
  getParams(): Float32Array;
  setParams(p: Float32Array): void;
  /** Gradient of the training loss (−objective surrogate) w.r.t. the flat params for a batch, without updating. */
  gradient(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number): Float32Array;
  /** Bytes of memory held (weights, Adam state, activations). */
  memoryBytes(): number;
  dispose(): void;
}

/**
 * The one `CriticTrainer` written against `@mine/wasm-kernels`' `Kernels`
 * interface: the `wasm` backend runs it on the SIMD kernels, the `js` backend
 * on the TS reference kernels (same pointer API), so both share every line of
 * the forward, backward and optimiser code.
 *
 * Memory: the trainer owns its kernels instance's heap. Everything is
 * allocated up front, for a batch capacity: parameters, gradient and Adam's
 * m and v in four contiguous blocks (one fused `adam` call per step), then the
 * activation and delta buffers. A step writes the batch into the heap and
 * runs kernels; it allocates nothing (a larger batch than the capacity
 * re-allocates the activation buffers once).
 *
 * Per step, for an MLP of L layers over R rows:
 * - forward: L fused `linearAct` (gemm + bias + activation);
 * - objective: concat — float64 JS over the 2B scores (objectives.ts);
 *   separable — the B² scores' exponentials by the kernels' softmax/exp (same
 *   formulas, checked against objectives.ts in the tests);
 * - backward: per layer one fused `actBackwardColSum` (δ ⊙ act'(y) and the
 *   bias gradient), one gemm with transA for ∂W, one gemm with transB for δ
 *   of the layer below (skipped for the first layer);
 * - one `adam` over the whole parameter block.
 *
 * Critics:
 * - `concat` with a DV-type objective: joint rows [xᵢ, yᵢ] and marginal rows
 *   [xᵢ, y_π(i)] are stacked into one 2B-row forward/backward.
 * - `concat` with `infonce`: the B×B matrix is scored row by row (row i = x_i
 *   paired with every yⱼ, B rows through the MLP), backpropagating each row
 *   before the next with accumulated gradients; B× the cost of a DV step, with
 *   O(B) memory.
 * - `separable`: F = f(x) (B×E), G = g(y) (B×E), S = F·Gᵀ in one gemm; the
 *   objective's ∂L/∂S flows back as ∂F = ∂S·G and ∂G = ∂Sᵀ·F. DV-type
 *   objectives use diag(S) as joint and the off-diagonal as marginal scores
 *   (`yMarginal` is not used).
 */
import type { Kernels } from '@mine/wasm-kernels';
import { exp, log } from '../math/fdlibm.js';
import { criticLayout, initParams, type LayerLayout } from './critic.js';
import { infonceRow, pairObjective, updateLogEma, type MineState, type PairGrad } from './objectives.js';
import type { BackendName, CriticSpec, CriticTrainer, ObjectiveSpec, OptimizerSpec } from './types.js';

/** Batch capacity allocated when none is given. */
export const DEFAULT_CAPACITY = 256;

/** Pointers (bytes) of one MLP's buffers. */
interface MlpBuffers {
  layers: LayerLayout[];
  /** Input rows (rows × inDim of layer 0). */
  input: number;
  /** Output of layer l (rows × outDim). */
  acts: number[];
  /** δ of layer l's output, then (in place) of its pre-activation. */
  deltas: number[];
}

export interface KernelTrainerOptions {
  /** Largest batch to allocate for up front (grows on demand). @default 256 */
  capacity?: number;
  /** Called once by `dispose`, after the heap is released (returns the kernels to a pool). */
  onDispose?: () => void;
}

/**
 * A `CriticTrainer` over any `Kernels` (see the module comment).
 * The kernels' heap must not be shared with other live users: the trainer
 * resets it on `dispose`.
 */
export class KernelTrainer implements CriticTrainer {
  readonly backend: BackendName;
  private readonly k: Kernels;
  private readonly critic: CriticSpec;
  private readonly opt: OptimizerSpec;
  private readonly obj: ObjectiveSpec;
  private readonly size: number;
  private readonly mlpLayouts: LayerLayout[][];
  private readonly onDispose: (() => void) | undefined;
  private readonly mine: MineState = { logEma: undefined };
  private adamStep = 0;
  private disposed = false;

  // Parameter blocks (bytes).
  private readonly pP: number;
  private readonly pG: number;
  private readonly pM: number;
  private readonly pV: number;
  /** Heap mark after the parameter blocks: activations live above it. */
  private readonly markAfterParams: number;

  // Batch-dependent buffers.
  private capacity = 0;
  private mlps: MlpBuffers[] = [];
  /** separable: S and ∂S, capacity² floats each. */
  private pS = 0;
  private pDS = 0;
  private f32: Float32Array = new Float32Array(0);
  /** Cached score views of the concat pass (see `pairViews`); reset when buffers move. */
  private viewCache: { B: number; t: Float32Array; u: Float32Array; grad: PairGrad } | null = null;

  constructor(kernels: Kernels, critic: CriticSpec, optimizer: OptimizerSpec, objective: ObjectiveSpec, options: KernelTrainerOptions = {}) {
    this.k = kernels;
    this.backend = kernels.name;
    this.critic = { ...critic, hidden: [...critic.hidden] };
    this.opt = { ...optimizer };
    this.obj = { ...objective };
    const layout = criticLayout(critic);
    this.size = layout.size;
    this.mlpLayouts = layout.mlps;
    this.onDispose = options.onDispose;
    const h = kernels.heap;
    this.pP = h.allocFrom(initParams(critic));
    this.pG = h.allocZeroed(this.size);
    this.pM = h.allocZeroed(this.size);
    this.pV = h.allocZeroed(this.size);
    this.markAfterParams = h.mark();
    this.allocate(Math.max(2, options.capacity ?? DEFAULT_CAPACITY));
  }

  /** Rows through the concat MLP per forward: 2B (joint + marginal) for DV types, B for an infonce row. */
  private rowsPerBatch(batch: number): number {
    return this.critic.kind === 'concat' && this.obj.objective !== 'infonce' ? 2 * batch : batch;
  }

  private allocate(capacity: number): void {
    const h = this.k.heap;
    h.reset(this.markAfterParams);
    this.capacity = capacity;
    const rows = this.rowsPerBatch(capacity);
    this.mlps = this.mlpLayouts.map((layers) => ({
      layers,
      input: h.alloc(rows * layers[0]!.inDim),
      acts: layers.map((L) => h.alloc(rows * L.outDim)),
      deltas: layers.map((L) => h.alloc(rows * L.outDim)),
    }));
    if (this.critic.kind === 'separable') {
      this.pS = h.alloc(capacity * capacity);
      this.pDS = h.alloc(capacity * capacity);
    }
    this.viewCache = null;
    this.refreshView();
  }

  /** Re-takes the heap view (a `WebAssembly.Memory` grow detaches the old buffer). */
  private refreshView(): Float32Array {
    const buf = this.k.heap.buffer;
    if (this.f32.buffer !== buf) this.f32 = this.k.heap.F32;
    return this.f32;
  }

  private ensure(batch: number): void {
    if (this.disposed) throw new Error('CriticTrainer: used after dispose()');
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`CriticTrainer: batch must be a positive integer, got ${batch}`);
    if (batch > this.capacity) this.allocate(Math.max(batch, 2 * this.capacity));
  }

  private checkShapes(x: Float32Array, y: Float32Array, yMarginal: Float32Array | null, batch: number): void {
    const { dx, dy } = this.critic;
    if (x.length < batch * dx || y.length < batch * dy || (yMarginal !== null && yMarginal.length < batch * dy)) {
      throw new RangeError(`CriticTrainer: batch of ${batch} needs x ≥ ${batch * dx}, y ≥ ${batch * dy} floats; got ${x.length}, ${y.length}`);
    }
  }

  // ---------------------------------------------------------------- MLP core

  private forwardMlp(m: MlpBuffers, rows: number): void {
    const k = this.k;
    let input = m.input;
    for (let l = 0; l < m.layers.length; l++) {
      const L = m.layers[l]!;
      k.linearAct(input, this.pP + 4 * L.w, this.pP + 4 * L.b, m.acts[l]!, rows, L.inDim, L.outDim, L.act);
      input = m.acts[l]!;
    }
  }

  /**
   * Backpropagates δ (already in the last layer's delta buffer) through the
   * MLP, writing (or adding, with `accumulate`) ∂W and ∂b into the gradient block.
   */
  private backwardMlp(m: MlpBuffers, rows: number, accumulate: boolean): void {
    const k = this.k;
    for (let l = m.layers.length - 1; l >= 0; l--) {
      const L = m.layers[l]!;
      const delta = m.deltas[l]!;
      // δ_pre = δ ⊙ act'(y) in place, and ∂b = Σ_rows δ_pre, in one pass.
      k.actBackwardColSum(delta, m.acts[l]!, delta, this.pG + 4 * L.b, rows, L.outDim, L.act, accumulate);
      const input = l === 0 ? m.input : m.acts[l - 1]!;
      // ∂W = inputᵀ · δ_pre  (in×out)
      k.gemm(input, delta, this.pG + 4 * L.w, L.inDim, rows, L.outDim, true, false, accumulate);
      // δ of the layer below = δ_pre · Wᵀ  (rows×in)
      if (l > 0) k.gemm(delta, this.pP + 4 * L.w, m.deltas[l - 1]!, rows, L.outDim, L.inDim, false, true, false);
    }
  }

  private lastAct(m: MlpBuffers): number {
    return m.acts[m.acts.length - 1]!;
  }

  private lastDelta(m: MlpBuffers): number {
    return m.deltas[m.deltas.length - 1]!;
  }

  // ------------------------------------------------------------ batch input

  /** Writes rows [x_{xi(r)}, y_{yj(r)}] into the concat MLP's input, r < rows. */
  private writeConcatRows(f: Float32Array, row0: number, x: Float32Array, xRow: (r: number) => number, y: Float32Array, yRow: (r: number) => number, rows: number): void {
    const { dx, dy } = this.critic;
    const D = dx + dy;
    const base = (this.mlps[0]!.input >>> 2) + row0 * D;
    for (let r = 0; r < rows; r++) {
      const o = base + r * D;
      const xi = xRow(r) * dx;
      const yj = yRow(r) * dy;
      for (let c = 0; c < dx; c++) f[o + c] = x[xi + c]!;
      for (let c = 0; c < dy; c++) f[o + dx + c] = y[yj + c]!;
    }
  }

  /**
   * writeConcatRows for the joint/marginal halves of a DV-type pass (row r =
   * [x_r, y_r]), without the per-row index callbacks: one tight copy loop
   * (dx = dy = 1 is the common case).
   */
  private writeConcatPairs(f: Float32Array, row0: number, x: Float32Array, y: Float32Array, rows: number): void {
    const { dx, dy } = this.critic;
    const D = dx + dy;
    let o = (this.mlps[0]!.input >>> 2) + row0 * D;
    if (dx === 1 && dy === 1) {
      for (let r = 0; r < rows; r++, o += 2) {
        f[o] = x[r]!;
        f[o + 1] = y[r]!;
      }
      return;
    }
    for (let r = 0, xi = 0, yj = 0; r < rows; r++, o += D, xi += dx, yj += dy) {
      for (let c = 0; c < dx; c++) f[o + c] = x[xi + c]!;
      for (let c = 0; c < dy; c++) f[o + dx + c] = y[yj + c]!;
    }
  }

  // ---------------------------------------------------------- one batch pass

  /**
   * Forward + objective (+ backward into the gradient block when `withGrad`).
   * Returns the batch bound. `state` is MINE's moving average to use and update.
   */
  private pass(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number, withGrad: boolean, state: MineState | undefined): number {
    this.ensure(batch);
    const B = batch;
    if (this.critic.kind === 'separable') return this.passSeparable(x, y, B, withGrad, state);
    if (this.obj.objective === 'infonce') return this.passConcatInfonce(x, y, B, withGrad);
    this.checkShapes(x, y, yMarginal, B);
    const m = this.mlps[0]!;
    let f = this.refreshView();
    this.writeConcatPairs(f, 0, x, y, B);
    this.writeConcatPairs(f, B, x, yMarginal, B);
    this.forwardMlp(m, 2 * B);
    const v = this.pairViews(B);
    if (!withGrad) return pairObjective(this.obj, v.t, v.u);
    const value = pairObjective(this.obj, v.t, v.u, v.grad, state);
    this.backwardMlp(m, 2 * B, false);
    return value;
  }

  /** Views of the scores (t, u) and their gradient slots for batch B, cached while B and the memory stay the same. */
  private pairViews(B: number): { t: Float32Array; u: Float32Array; grad: PairGrad } {
    const f = this.refreshView();
    const c = this.viewCache;
    if (c && c.B === B && c.t.buffer === f.buffer) return c;
    const m = this.mlps[0]!;
    const out = this.lastAct(m) >>> 2;
    const d = this.lastDelta(m) >>> 2;
    this.viewCache = {
      B,
      t: f.subarray(out, out + B),
      u: f.subarray(out + B, out + 2 * B),
      grad: { dt: f.subarray(d, d + B), du: f.subarray(d + B, d + 2 * B) },
    };
    return this.viewCache;
  }

  private passConcatInfonce(x: Float32Array, y: Float32Array, B: number, withGrad: boolean): number {
    this.checkShapes(x, y, null, B);
    const m = this.mlps[0]!;
    let total = 0;
    for (let i = 0; i < B; i++) {
      let f = this.refreshView();
      this.writeConcatRows(f, 0, x, constant(i), y, identity, B);
      this.forwardMlp(m, B);
      f = this.refreshView();
      const out = this.lastAct(m) >>> 2;
      const row = f.subarray(out, out + B);
      if (withGrad) {
        const d = this.lastDelta(m) >>> 2;
        total += infonceRow(row, 0, i, B, f.subarray(d, d + B));
        this.backwardMlp(m, B, i > 0);
      } else {
        total += infonceRow(row, 0, i, B);
      }
    }
    return total / B + log(B);
  }

  private passSeparable(x: Float32Array, y: Float32Array, B: number, withGrad: boolean, state: MineState | undefined): number {
    this.checkShapes(x, y, null, B);
    const k = this.k;
    const [fm, gm] = this.mlps as [MlpBuffers, MlpBuffers];
    const E = this.critic.embedDim;
    let f = this.refreshView();
    f.set(x.subarray(0, B * this.critic.dx), fm.input >>> 2);
    f.set(y.subarray(0, B * this.critic.dy), gm.input >>> 2);
    this.forwardMlp(fm, B);
    this.forwardMlp(gm, B);
    const F = this.lastAct(fm);
    const G = this.lastAct(gm);
    // S = F·Gᵀ (B×B)
    k.gemm(F, G, this.pS, B, E, B, false, true, false);
    const value = this.obj.objective === 'smile' ? this.matrixSmile(B, withGrad) : this.matrixObjectiveKernels(B, withGrad, state);
    if (!withGrad) return value;
    // ∂F = ∂S·G, ∂G = ∂Sᵀ·F
    k.gemm(this.pDS, G, this.lastDelta(fm), B, B, E, false, false, false);
    k.gemm(this.pDS, F, this.lastDelta(gm), B, B, E, true, false, false);
    this.backwardMlp(fm, B, false);
    this.backwardMlp(gm, B, false);
    return value;
  }

  /**
   * SMILE on the heap's S, as `matrixObjective` (objectives.ts) computes it, with
   * the B² exponentials from the kernels: E = e^S, then one JS pass that needs no
   * further exp: the clipped marginal term Σ clip(e^u, e^{−τ}, e^{τ}) (clipping e^u
   * is clipping u), and the JS-bound gradient σ(u) = E/(1 + E) off the diagonal,
   * −σ(−t) = −1/(1 + E) on it. E = +Inf (u > 88.7 in float32) gives σ = 1, as it should.
   */
  private matrixSmile(B: number, withGrad: boolean): number {
    this.k.exp(this.pS, this.pDS, B * B);
    const f = this.refreshView();
    const s0 = this.pS >>> 2;
    const d0 = this.pDS >>> 2;
    const lo = exp(-this.obj.clip);
    const hi = exp(this.obj.clip);
    const M = B * (B - 1);
    let diag = 0;
    let clipped = 0;
    for (let i = 0; i < B; i++) {
      const row = i * B;
      for (let j = 0; j < B; j++) {
        const e = f[d0 + row + j]!;
        if (i === j) {
          diag += f[s0 + row + j]!;
          if (withGrad) f[d0 + row + j] = -1 / (1 + e) / B;
        } else {
          clipped += e < lo ? lo : e > hi ? hi : e;
          if (withGrad) f[d0 + row + j] = (e === Infinity ? 1 : e / (1 + e)) / M;
        }
      }
    }
    return diag / B - log(clipped / M);
  }

  /**
   * The same values and ∂L/∂S as `matrixObjective` (objectives.ts) for infonce,
   * dv, mine and nwj, with the B² exponentials done by the kernels' softmax
   * (vectorised in wasm) instead of a JS loop; the JS path dominated the
   * separable step at B = 256 (65 536 scores) otherwise.
   * - infonce: row i of ∂S = (softmax(S_i·) − e_i)/B; lse_i from the same call.
   * - dv/mine/nwj: ∂S = S with the diagonal masked to −∞, softmaxed as one
   *   B²-vector (so only the B(B−1) marginal entries get weight, summing to 1,
   *   and the call returns their log-sum-exp), then scaled: dv by 1, mine by
   *   e^{lse − log M − log ema}, nwj by e^{lse − log M − 1}; diagonal = −1/B.
   */
  private matrixObjectiveKernels(B: number, withGrad: boolean, state: MineState | undefined): number {
    const k = this.k;
    const obj = this.obj;
    const pS = this.pS;
    const pDS = this.pDS;
    let f = this.refreshView();
    const s0 = pS >>> 2;
    const d0 = pDS >>> 2;
    let diag = 0;
    for (let i = 0; i < B; i++) diag += f[s0 + i * B + i]!;
    if (obj.objective === 'infonce') {
      let lseSum = 0;
      for (let i = 0; i < B; i++) {
        lseSum += withGrad ? k.softmax(pS + 4 * i * B, pDS + 4 * i * B, B) : k.logSumExp(pS + 4 * i * B, B);
      }
      if (withGrad) {
        k.scale(pDS, pDS, B * B, 1 / B);
        f = this.refreshView();
        for (let i = 0; i < B; i++) f[d0 + i * B + i] = f[d0 + i * B + i]! - 1 / B;
      }
      return (diag - lseSum) / B + log(B);
    }
    const M = B * (B - 1);
    k.copy(pS, pDS, B * B);
    f = this.refreshView();
    for (let i = 0; i < B; i++) f[d0 + i * B + i] = -Infinity;
    const lse = withGrad ? k.softmax(pDS, pDS, B * B) : k.logSumExp(pDS, B * B);
    const lme = lse - log(M);
    const jointMean = diag / B;
    const value = obj.objective === 'nwj' ? jointMean - exp(lme - 1) : jointMean - lme;
    if (!withGrad) return value;
    let factor = 1;
    if (obj.objective === 'mine') {
      const logEma = updateLogEma(state?.logEma, lme, obj.emaRate);
      if (state) state.logEma = logEma;
      factor = exp(lme - logEma);
    } else if (obj.objective === 'nwj') {
      factor = exp(lme - 1);
    }
    if (factor !== 1) k.scale(pDS, pDS, B * B, factor);
    f = this.refreshView();
    for (let i = 0; i < B; i++) f[d0 + i * B + i] = -1 / B;
    return value;
  }

  // ------------------------------------------------------------- the contract

  step(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number): number {
    const value = this.pass(x, y, yMarginal, batch, true, this.mine);
    this.adamStep++;
    const o = this.opt;
    this.k.adam(this.pP, this.pG, this.pM, this.pV, this.size, o.lr, o.beta1, o.beta2, o.eps, this.adamStep);
    return value;
  }

  setLearningRate(lr: number): void {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`setLearningRate: lr must be a positive number, got ${lr}`);
    this.opt.lr = lr;
  }

  evaluate(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number): number {
    return this.pass(x, y, yMarginal, batch, false, undefined);
  }

  gradient(x: Float32Array, y: Float32Array, yMarginal: Float32Array, batch: number): Float32Array {
    // MINE: use the moving average this batch would produce, without committing it.
    this.pass(x, y, yMarginal, batch, true, { logEma: this.mine.logEma });
    return this.k.heap.read(this.pG, this.size);
  }

  scores(x: Float32Array, y: Float32Array, n: number): Float32Array {
    this.ensure(1);
    this.checkShapes(x, y, null, n);
    const out = new Float32Array(n);
    const chunk = this.critic.kind === 'concat' ? this.rowsPerBatch(this.capacity) : this.capacity;
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      let f = this.refreshView();
      if (this.critic.kind === 'concat') {
        const m = this.mlps[0]!;
        this.writeConcatRows(f, 0, x, (r) => start + r, y, (r) => start + r, rows);
        this.forwardMlp(m, rows);
        f = this.refreshView();
        const o = this.lastAct(m) >>> 2;
        out.set(f.subarray(o, o + rows), start);
      } else {
        const [fm, gm] = this.mlps as [MlpBuffers, MlpBuffers];
        const { dx, dy, embedDim: E } = this.critic;
        f.set(x.subarray(start * dx, (start + rows) * dx), fm.input >>> 2);
        f.set(y.subarray(start * dy, (start + rows) * dy), gm.input >>> 2);
        this.forwardMlp(fm, rows);
        this.forwardMlp(gm, rows);
        for (let r = 0; r < rows; r++) out[start + r] = this.k.dot(this.lastAct(fm) + 4 * r * E, this.lastAct(gm) + 4 * r * E, E);
      }
    }
    return out;
  }

  getParams(): Float32Array {
    return this.k.heap.read(this.pP, this.size);
  }

  setParams(p: Float32Array): void {
    if (p.length !== this.size) throw new RangeError(`setParams: expected ${this.size} parameters, got ${p.length}`);
    this.k.heap.write(this.pP, p);
  }

  memoryBytes(): number {
    return this.disposed ? 0 : this.k.heap.used;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.k.heap.reset();
    this.onDispose?.();
  }
}

function identity(r: number): number {
  return r;
}

function constant(i: number): (r: number) => number {
  return () => i;
}

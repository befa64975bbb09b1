/**
 * The critic's parameter layout and its seeded initialisation, shared by every
 * backend: `initParams(spec)` is the one place initial weights come from, so
 * the same `CriticSpec` gives bit-identical starting weights on `js`, `wasm`
 * and `tfjs`.
 *
 * Canonical flat order (what `CriticTrainer.getParams()` returns):
 * - `concat`: the MLP [dx + dy, ...hidden, 1], layer by layer, each layer's
 *   W (in×out, row-major) then b (out).
 * - `separable`: f = MLP [dx, ...hidden, embedDim] layer by layer, then
 *   g = MLP [dy, ...hidden, embedDim] layer by layer, same W-then-b order.
 *
 * Every hidden layer applies `spec.activation`; the last layer of each MLP is
 * linear (the critic's score, or the embedding, is unbounded).
 */
import { expm1, tanh } from '../math/fdlibm.js';
import { Rng } from '../rng.js';
import type { Activation, CriticSpec } from './types.js';

/** One parameter tensor of the flat layout. */
export interface ParamShape {
  /** e.g. `'layer0.W'`, `'f.layer1.b'`, `'g.layer0.W'`. */
  name: string;
  /** `[in, out]` for weights, `[out]` for biases. */
  shape: readonly number[];
  /** Offset (in floats) into the flat parameter vector. */
  offset: number;
  /** Number of floats (product of shape). */
  size: number;
}

/** One dense layer of an MLP: offsets of its W and b in the flat vector, and its activation. */
export interface LayerLayout {
  inDim: number;
  outDim: number;
  /** Offset of W (inDim×outDim, row-major) in floats. */
  w: number;
  /** Offset of b (outDim) in floats. */
  b: number;
  /** Activation after this layer; the last layer of an MLP is `'linear'`. */
  act: Activation | 'linear';
}

/** The MLPs of a critic: one (`concat`) or two (`separable`: f then g). */
export interface CriticLayout {
  /** `concat`: [mlp]; `separable`: [f, g]. */
  mlps: LayerLayout[][];
  /** Total number of parameters. */
  size: number;
}

/** Widths of the MLP(s): concat → [[dx+dy, ...hidden, 1]]; separable → [[dx, ...hidden, E], [dy, ...hidden, E]]. */
export function mlpWidths(spec: CriticSpec): number[][] {
  if (spec.kind === 'concat') return [[spec.dx + spec.dy, ...spec.hidden, 1]];
  return [
    [spec.dx, ...spec.hidden, spec.embedDim],
    [spec.dy, ...spec.hidden, spec.embedDim],
  ];
}

/** Layer offsets of the canonical flat layout (see the module comment). */
export function criticLayout(spec: CriticSpec): CriticLayout {
  validateSpec(spec);
  let offset = 0;
  const mlps = mlpWidths(spec).map((widths) => {
    const layers: LayerLayout[] = [];
    for (let l = 0; l + 1 < widths.length; l++) {
      const inDim = widths[l]!;
      const outDim = widths[l + 1]!;
      const w = offset;
      offset += inDim * outDim;
      const b = offset;
      offset += outDim;
      layers.push({ inDim, outDim, w, b, act: l + 2 === widths.length ? 'linear' : spec.activation });
    }
    return layers;
  });
  return { mlps, size: offset };
}

/** Names, shapes and offsets of every parameter tensor, in the canonical flat order. */
export function paramShapes(spec: CriticSpec): ParamShape[] {
  const { mlps } = criticLayout(spec);
  const out: ParamShape[] = [];
  mlps.forEach((layers, m) => {
    const prefix = spec.kind === 'concat' ? '' : m === 0 ? 'f.' : 'g.';
    layers.forEach((L, l) => {
      out.push({ name: `${prefix}layer${l}.W`, shape: [L.inDim, L.outDim], offset: L.w, size: L.inDim * L.outDim });
      out.push({ name: `${prefix}layer${l}.b`, shape: [L.outDim], offset: L.b, size: L.outDim });
    });
  });
  return out;
}

/** Total number of parameters of a critic. */
export function paramCount(spec: CriticSpec): number {
  return criticLayout(spec).size;
}

/**
 * The initial parameters, in the canonical flat order, from `new Rng(spec.seed)`.
 *
 * Weights are drawn row-major, tensor after tensor, one `rng.normal()` each:
 * - `he`: N(0, 2 / fan_in) (He et al. 2015, "Delving deep into rectifiers", eq. 10), for relu/elu;
 * - `xavier`: N(0, 2 / (fan_in + fan_out)) (Glorot & Bengio 2010, eq. 16, normal variant), for tanh;
 * - the embedding layers of a separable critic: that sd × E^(−1/4)/√2 (see below).
 * Biases are 0. Values are rounded to float32 once.
 */
export function initParams(spec: CriticSpec): Float32Array {
  const { mlps, size } = criticLayout(spec);
  const p = new Float32Array(size);
  const rng = new Rng(spec.seed);
  for (const layers of mlps) {
    for (const L of layers) {
      let sd = spec.init === 'he' ? Math.sqrt(2 / L.inDim) : Math.sqrt(2 / (L.inDim + L.outDim));
      // A separable critic's score is a sum of embedDim products f_e·g_e: with
      // the rule above each embedding coordinate has variance ≈ 2 and the
      // untrained score sd ≈ 2√E (≈ 11 at E = 32), so training starts from scores
      // of ±20 and the first hundreds of steps only undo the init. The last
      // (linear) layer of f and g is scaled by E^(−1/4)/√2, so each f_e, g_e has
      // variance ≈ 1/√E and the untrained score ≈ unit variance, like a concat critic's.
      if (spec.kind === 'separable' && L.act === 'linear') sd /= Math.sqrt(Math.sqrt(spec.embedDim)) * Math.SQRT2;
      const n = L.inDim * L.outDim;
      for (let i = 0; i < n; i++) p[L.w + i] = sd * rng.normal();
      // biases stay 0
    }
  }
  return p;
}

/** The init rule that matches an activation: He for relu/elu, Xavier for tanh. */
export function defaultInit(activation: Activation): 'he' | 'xavier' {
  return activation === 'tanh' ? 'xavier' : 'he';
}

function validateSpec(spec: CriticSpec): void {
  const ok = (v: number): boolean => Number.isInteger(v) && v >= 1;
  if (!ok(spec.dx) || !ok(spec.dy)) throw new RangeError(`critic: dx and dy must be positive integers, got ${spec.dx}, ${spec.dy}`);
  if (!spec.hidden.every(ok)) throw new RangeError(`critic: hidden widths must be positive integers, got [${spec.hidden.join(', ')}]`);
  if (spec.kind === 'separable' && !ok(spec.embedDim)) throw new RangeError(`critic: embedDim must be a positive integer, got ${spec.embedDim}`);
}

function act64(v: number, act: Activation | 'linear'): number {
  switch (act) {
    case 'relu':
      return v > 0 ? v : 0;
    case 'elu':
      return v > 0 ? v : expm1(v);
    case 'tanh':
      return tanh(v);
    default:
      return v;
  }
}

/** Float64 forward of one MLP on one input row. */
function mlp64(layers: readonly LayerLayout[], p: ArrayLike<number>, input: readonly number[]): readonly number[] {
  let a = input;
  for (const L of layers) {
    const z = new Array<number>(L.outDim);
    for (let o = 0; o < L.outDim; o++) {
      let s = p[L.b + o]!;
      for (let i = 0; i < L.inDim; i++) s += a[i]! * p[L.w + i * L.outDim + o]!;
      z[o] = act64(s, L.act);
    }
    a = z;
  }
  return a;
}

/**
 * Plain float64 critic forward, the readable oracle the backends are tested
 * against: T(x_i, yⱼ) for one pair of rows. x is n×dx and y is n×dy row-major.
 */
export function criticScore64(spec: CriticSpec, params: ArrayLike<number>, x: ArrayLike<number>, xi: number, y: ArrayLike<number>, yj: number): number {
  const { mlps } = criticLayout(spec);
  const xr = Array.from({ length: spec.dx }, (_, c) => x[xi * spec.dx + c]!);
  const yr = Array.from({ length: spec.dy }, (_, c) => y[yj * spec.dy + c]!);
  if (spec.kind === 'concat') return mlp64(mlps[0]!, params, [...xr, ...yr])[0]!;
  const f = mlp64(mlps[0]!, params, xr);
  const g = mlp64(mlps[1]!, params, yr);
  let s = 0;
  for (let e = 0; e < spec.embedDim; e++) s += f[e]! * g[e]!;
  return s;
}

/**
 * The variational MI bounds the critics are trained on: their values (nats)
 * and the gradient of the training loss with respect to the critic's scores.
 * Pure float64 arithmetic on score arrays (float32 views of the heap are read
 * as doubles), so the same code scores every backend's output and is the
 * reference the backends' gradients are checked against.
 *
 * Two layouts of scores:
 * - **pair** (concat critic): `t` = T(xᵢ, yᵢ) for B joint pairs, `u` = T(xᵢ, y_π(i))
 *   for M product-of-marginals pairs (y shuffled within the batch);
 * - **matrix** (separable critic): S = B×B, S[i][j] = T(xᵢ, yⱼ); the joint
 *   scores are the diagonal and the marginal scores the B(B−1) off-diagonal
 *   entries, as in Poole et al. (2019) and Song & Ermon's reference code
 *   (`logmeanexp_nodiag`). InfoNCE exists only in matrix form.
 *
 * The loss is L = −(surrogate objective), so gradients here are ∂L/∂score.
 * With J = mean(t) − (marginal term):
 *
 * | objective | bound value                                  | ∂L/∂tᵢ          | ∂L/∂u_k                          |
 * |-----------|----------------------------------------------|-----------------|----------------------------------|
 * | `dv`      | mean t − log mean e^u                        | −1/B            | e^{u_k} / Σ e^u                  |
 * | `mine`    | same as dv                                   | −1/B            | e^{u_k} / (M · ema(mean e^u))    |
 * | `nwj`     | mean t − e^{−1} mean e^u                     | −1/B            | e^{u_k − 1} / M                  |
 * | `smile`   | mean t − log mean e^{clip(u, −τ, τ)}         | −σ(−tᵢ)/B       | σ(u_k) / M   (JS f-GAN gradient) |
 * | `infonce` | mean_i [S_ii − log((1/B) Σ_j e^{S_ij})]      | ∂L/∂S_ij = −(δ_ij − softmax_i(S)_j)/B |             |
 */
import { exp, log, log1p } from '../math/fdlibm.js';
import type { ObjectiveSpec } from './types.js';

/** MINE's running state: the moving average of E_Q[e^T], kept as its log for range safety. */
export interface MineState {
  /** log of the moving average of the batch means of e^{T} on marginal pairs; undefined before the first step. */
  logEma: number | undefined;
}

/** Where `pairObjective` writes ∂L/∂t and ∂L/∂u (lengths B and M). */
export interface PairGrad {
  dt: Float32Array | Float64Array;
  du: Float32Array | Float64Array;
}

/** log Σ e^{a_i} over i in [from, to), stable (max shift); −Inf when empty. */
export function logSumExp(a: ArrayLike<number>, from = 0, to = a.length): number {
  let m = -Infinity;
  for (let i = from; i < to; i++) {
    const v = a[i]!;
    if (Number.isNaN(v)) return NaN;
    if (v > m) m = v;
  }
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let i = from; i < to; i++) s += exp(a[i]! - m);
  return m + log(s);
}

/** log((1/n) Σ e^{a_i}) over [from, to). */
export function logMeanExp(a: ArrayLike<number>, from = 0, to = a.length): number {
  return logSumExp(a, from, to) - log(to - from);
}

/** Logistic sigmoid σ(x) = 1/(1 + e^{−x}), without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + exp(-x));
  const e = exp(x);
  return e / (1 + e);
}

/** softplus(x) = log(1 + e^x), stable. */
export function softplus(x: number): number {
  return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

function clip(v: number, tau: number): number {
  return v > tau ? tau : v < -tau ? -tau : v;
}

/** log(e^a + e^b), stable. */
function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === -Infinity) return -Infinity;
  return m + log(exp(a - m) + exp(b - m));
}

/**
 * MINE's moving average (Belghazi et al. 2018, §3.2): ema ← (1−α)·ema + α·mean_Q(e^T),
 * in log space. The first batch initialises it (no bias towards an arbitrary start).
 */
export function updateLogEma(prev: number | undefined, batchLogMeanExp: number, rate: number): number {
  if (prev === undefined || !Number.isFinite(prev)) return batchLogMeanExp;
  return logAddExp(log1p(-rate) + prev, log(rate) + batchLogMeanExp);
}

/**
 * The bound of a concat critic's batch: joint scores `t` (B) and
 * product-of-marginals scores `u` (M), in nats. Not defined for `infonce`
 * (which needs every (xᵢ, yⱼ) of a batch: use `matrixObjective`).
 *
 * - `dv`, `mine`: Donsker–Varadhan, mean t − log mean e^u (Belghazi et al. 2018, eq. 6).
 * - `nwj`: mean t − e^{−1} mean e^u (Nguyen, Wainwright & Jordan 2010; "MINE-f" in Belghazi et al.).
 * - `smile`: mean t − log mean e^{clip(u, −τ, τ)} (Song & Ermon 2020, eq. 17 with r = e^T).
 *
 * With `grad`, writes ∂L/∂t and ∂L/∂u of the training loss L (table in the
 * module comment). For `mine`, the gradient divides by the moving average:
 * `state.logEma` is updated with this batch first (as in Belghazi et al.'s
 * Algorithm 1 and Song & Ermon's `mine_lower_bound`), then used.
 * @returns the bound (nats) on this batch
 */
export function pairObjective(
  spec: ObjectiveSpec,
  t: ArrayLike<number>,
  u: ArrayLike<number>,
  grad?: PairGrad,
  state?: MineState,
): number {
  const B = t.length;
  const M = u.length;
  const jointMean = mean(t);
  switch (spec.objective) {
    case 'dv':
    case 'mine': {
      const lse = logSumExp(u);
      const lme = lse - log(M);
      if (grad) {
        grad.dt.fill(-1 / B);
        // dv: softmax(u) = e^{u − lse}; mine: e^{u − log M − log ema}
        let shift = lse;
        if (spec.objective === 'mine') {
          const logEma = updateLogEma(state?.logEma, lme, spec.emaRate);
          if (state) state.logEma = logEma;
          shift = log(M) + logEma;
        }
        for (let k = 0; k < M; k++) grad.du[k] = exp(u[k]! - shift);
      }
      return jointMean - lme;
    }
    case 'nwj': {
      const lme = logMeanExp(u);
      if (grad) {
        grad.dt.fill(-1 / B);
        const shift = 1 + log(M);
        for (let k = 0; k < M; k++) grad.du[k] = exp(u[k]! - shift);
      }
      return jointMean - exp(lme - 1);
    }
    case 'smile': {
      const tau = spec.clip;
      let m = -Infinity;
      for (let k = 0; k < M; k++) m = Math.max(m, clip(u[k]!, tau));
      let s = 0;
      for (let k = 0; k < M; k++) s += exp(clip(u[k]!, tau) - m);
      const lme = m + log(s / M);
      if (grad) {
        // Gradient of the Jensen–Shannon f-GAN bound −mean softplus(−t) − mean softplus(u)
        // (Nowozin et al. 2016), as Song & Ermon's reference code: js + stopgrad(dv_clip − js).
        for (let i = 0; i < B; i++) grad.dt[i] = -sigmoid(-t[i]!) / B;
        for (let k = 0; k < M; k++) grad.du[k] = sigmoid(u[k]!) / M;
      }
      return jointMean - lme;
    }
    case 'infonce':
      throw new Error('pairObjective: infonce needs the B×B score matrix (matrixObjective)');
  }
}

/**
 * The bound of a B×B score matrix S (row-major, S[i·B + j] = T(xᵢ, yⱼ)), in nats.
 *
 * - `infonce`: mean_i [S_ii − log((1/B) Σ_j e^{S_ij})] ≤ log B (Oord et al. 2018;
 *   Poole et al. 2019, eq. 12).
 * - `dv`, `mine`, `nwj`, `smile`: as `pairObjective` with t = diag(S) and u = the
 *   B(B−1) off-diagonal entries (Song & Ermon's reference `logmeanexp_nodiag`).
 *
 * With `dS`, writes ∂L/∂S (B×B). `state` as in `pairObjective` (mine).
 * @returns the bound (nats) on this batch
 */
export function matrixObjective(
  spec: ObjectiveSpec,
  S: ArrayLike<number>,
  B: number,
  dS?: Float32Array | Float64Array,
  state?: MineState,
): number {
  if (spec.objective === 'infonce') {
    let total = 0;
    for (let i = 0; i < B; i++) total += infonceRow(S, i * B, i, B, dS);
    return total / B + log(B);
  }
  // DV family on the matrix: joint = diagonal, marginal = off-diagonal.
  const M = B * (B - 1);
  let jointSum = 0;
  for (let i = 0; i < B; i++) jointSum += S[i * B + i]!;
  const jointMean = jointSum / B;
  const tau = spec.objective === 'smile' ? spec.clip : Infinity;
  let m = -Infinity;
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      if (i === j) continue;
      const v = S[i * B + j]!;
      if (Number.isNaN(v)) m = NaN;
      else m = Math.max(m, clip(v, tau));
    }
  }
  let s = 0;
  if (Number.isFinite(m)) {
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < B; j++) if (i !== j) s += exp(clip(S[i * B + j]!, tau) - m);
    }
  }
  const lme = Number.isFinite(m) ? m + log(s / M) : m;
  let value: number;
  let shift = 0; // du_k = e^{u_k − shift} for dv/mine/nwj
  switch (spec.objective) {
    case 'dv':
      value = jointMean - lme;
      shift = lme + log(M);
      break;
    case 'mine': {
      value = jointMean - lme;
      if (dS) {
        const logEma = updateLogEma(state?.logEma, lme, spec.emaRate);
        if (state) state.logEma = logEma;
        shift = log(M) + logEma;
      }
      break;
    }
    case 'nwj':
      value = jointMean - exp(lme - 1);
      shift = 1 + log(M);
      break;
    case 'smile':
      value = jointMean - lme;
      break;
  }
  if (dS) {
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < B; j++) {
        const v = S[i * B + j]!;
        if (i === j) dS[i * B + j] = spec.objective === 'smile' ? -sigmoid(-v) / B : -1 / B;
        else dS[i * B + j] = spec.objective === 'smile' ? sigmoid(v) / M : exp(v - shift);
      }
    }
  }
  return value;
}

/**
 * One row of InfoNCE: S[off + i] − log Σ_j e^{S[off + j]} (j < B), the log-probability
 * of the true partner among B candidates. With `dS`, writes the loss gradient of this
 * row's share of the batch loss, ∂L/∂S[off + j] = −(δ_ij − softmax_j)/B, at the same offsets.
 * Rows are independent, so a concat critic can score (and backpropagate) one row at a time.
 */
export function infonceRow(S: ArrayLike<number>, off: number, i: number, B: number, dS?: Float32Array | Float64Array): number {
  let m = -Infinity;
  for (let j = 0; j < B; j++) {
    const v = S[off + j]!;
    if (Number.isNaN(v)) m = NaN;
    else if (v > m) m = v;
  }
  let s = 0;
  if (dS) {
    for (let j = 0; j < B; j++) s += dS[off + j] = exp(S[off + j]! - m);
    const k = 1 / (s * B);
    for (let j = 0; j < B; j++) dS[off + j] = dS[off + j]! * k;
    dS[off + i] = dS[off + i]! - 1 / B;
  } else {
    for (let j = 0; j < B; j++) s += exp(S[off + j]! - m);
  }
  return S[off + i]! - (m + log(s));
}

/**
 * Effective sample size of the marginal term of a DV-type bound: with weights
 * w_k = e^{u_k} (e^{clip(u_k)} for SMILE), (Σ w)² / Σ w² (Kong 1992, the
 * importance-sampling ESS). The log-mean-exp over M marginal pairs is an
 * average of M terms; when a handful of pairs carry nearly all the weight
 * (ESS ≪ M) it rests on those few and is far from its expectation, the regime
 * where DV and NWJ estimates fail (their variance grows like e^I / M; Song &
 * Ermon 2020, Thm. 2; McAllester & Stratos 2020). NaN for InfoNCE or no pairs.
 */
export function marginalEffectiveSize(spec: ObjectiveSpec, u: ArrayLike<number>): number {
  if (spec.objective === 'infonce' || u.length === 0) return NaN;
  const tau = spec.objective === 'smile' ? spec.clip : Infinity;
  let m = -Infinity;
  for (let k = 0; k < u.length; k++) {
    const v = u[k]!;
    if (Number.isNaN(v)) return NaN;
    m = Math.max(m, clip(v, tau));
  }
  if (!Number.isFinite(m)) return NaN;
  let s1 = 0;
  let s2 = 0;
  for (let k = 0; k < u.length; k++) {
    const w = exp(clip(u[k]!, tau) - m);
    s1 += w;
    s2 += w * w;
  }
  return (s1 * s1) / s2;
}

/** The bound's ceiling, if it has one: InfoNCE ≤ log B (Poole et al. 2019, §2.3); else +Inf. */
export function boundCeiling(objective: ObjectiveSpec['objective'], batch: number): number {
  return objective === 'infonce' ? log(batch) : Infinity;
}

/**
 * Samplers made from another by a per-coordinate strictly monotone map. MI is
 * invariant under invertible maps f, g of each variable: I(f(X); g(Y)) ≤ I(X;Y)
 * by data processing, and the inverses give ≥ (Cover & Thomas 2006, §2.8;
 * Kraskov, Stögbauer & Grassberger 2004, Phys. Rev. E 69:066138, on
 * reparametrisation invariance), so the transformed sampler has the base sampler's MI
 * while its marginals are no longer Gaussian: the benchmark for estimators that
 * should not care about marginals (copula, KSG) versus those that do (gaussian).
 */
import { MineError } from '../errors.js';
import type { Sampler, Variable } from '../interface.js';
import { asinh as fdlibmAsinh } from '../math/fdlibm.js';
import type { Rng } from '../rng.js';

/** t ↦ t³: strictly increasing, makes Gaussian marginals heavy-tailed. */
export function cubic(t: number): number {
  return t * t * t;
}

/** t ↦ sign(t)·|t|^{3/2} (bmi's "half-cube"), strictly increasing. */
export function halfCube(t: number): number {
  return t * Math.sqrt(Math.abs(t));
}

/** t ↦ asinh(t) = log(t + √(t²+1)): strictly increasing, compresses tails. */
export function asinh(t: number): number {
  return fdlibmAsinh(t);
}

/** Options of `transformed`. */
export interface TransformOptions {
  /** Which side(s) the map is applied to. @default 'both' */
  side?: 'x' | 'y' | 'both';
}

function mapVariable(v: Variable, f: (t: number) => number): Variable {
  const data = new Float64Array(v.data.length);
  for (let i = 0; i < data.length; i++) data[i] = f(v.data[i]!);
  return { ...v, data };
}

/**
 * Applies `f` to every coordinate of X and/or Y of `base`'s samples. `f` must
 * be strictly monotone (it is not checked), so MI is the base sampler's MI.
 * Only continuous sides can be mapped.
 *
 * @param f the coordinate map, e.g. `cubic`.
 * @param name the map's short name; the sampler is called `{name}-{base.name}`.
 * @throws MineError INVALID_PARAMS when asked to map a discrete side.
 */
export function transformed(base: Sampler, f: (t: number) => number, name: string, options: TransformOptions = {}): Sampler {
  const side = options.side ?? 'both';
  const onX = side !== 'y';
  const onY = side !== 'x';
  if ((onX && base.kinds.x !== 'continuous') || (onY && base.kinds.y !== 'continuous')) {
    throw new MineError('INVALID_PARAMS', `transformed: '${base.name}' has a discrete side; map only the continuous one(s)`, {
      field: 'side',
    });
  }
  return {
    name: `${name}-${base.name}`,
    dimX: base.dimX,
    dimY: base.dimY,
    kinds: base.kinds,
    sample(n: number, rng: Rng) {
      const s = base.sample(n, rng);
      return { x: onX ? mapVariable(s.x, f) : s.x, y: onY ? mapVariable(s.y, f) : s.y };
    },
    mutualInformation: () => base.mutualInformation(),
  };
}

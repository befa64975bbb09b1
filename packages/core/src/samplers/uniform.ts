/**
 * X ~ U(0, 1), Y = X + N with N ~ U(−ε, ε) independent of X (bmi's
 * `AdditiveUniformSampler`, Czyż et al. 2023). A bounded, non-Gaussian case
 * with a closed-form MI.
 */
import { MineError } from '../errors.js';
import type { Sampler } from '../interface.js';
import { log } from '../math/fdlibm.js';
import type { Rng } from '../rng.js';
import { checkSampleSize, makeVariable } from './common.js';

/**
 * I(X; X + N) for X ~ U(0,1), N ~ U(−ε, ε), in nats:
 *
 *   ε ≤ ½:  ε − log(2ε)        ε ≥ ½:  1 / (4ε)
 *
 * Derivation. h(Y | X) = h(N) = log(2ε), so I = h(Y) − log(2ε). The density of
 * Y = X + N is the overlap length of [0, 1] and [y − ε, y + ε], divided by 2ε:
 * a trapezoid.
 * - ε ≤ ½: p rises linearly from 0 to 1 on [−ε, ε], is 1 on [ε, 1−ε], falls on
 *   [1−ε, 1+ε]. The flat part has −p log p = 0; each ramp gives
 *   −∫₀^{2ε} (t/2ε) log(t/2ε) dt = −2ε ∫₀¹ s log s ds = 2ε · ¼ = ε/2.
 *   So h(Y) = ε and I = ε − log(2ε).
 * - ε ≥ ½: p rises from 0 to 1/(2ε) on [−ε, 1−ε] (length 1), is 1/(2ε) on
 *   [1−ε, ε] (length 2ε − 1), falls on [ε, 1+ε]. Flat part:
 *   (2ε−1)/(2ε) · log(2ε). Each ramp: −∫₀¹ (t/2ε) log(t/2ε) dt
 *   = (1/2ε)(¼ + ½ log 2ε). Sum: h(Y) = log(2ε) + 1/(4ε), so I = 1/(4ε).
 * Both give ½ at ε = ½ (continuous). Checked against quadrature of −p log p in
 * samplers.test.ts.
 */
export function additiveUniformMi(epsilon: number): number {
  return epsilon <= 0.5 ? epsilon - log(2 * epsilon) : 1 / (4 * epsilon);
}

/**
 * X ~ U(0, 1), Y = X + N, N ~ U(−ε, ε): MI = `additiveUniformMi(ε)`.
 * Both sides are 1-D and continuous.
 *
 * @param epsilon half-width of the noise, > 0.
 */
export function additiveUniformNoise(epsilon: number): Sampler {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new MineError('INVALID_PARAMS', `'epsilon' must be a finite number > 0, got ${epsilon}`, { field: 'epsilon' });
  }
  const mi = additiveUniformMi(epsilon);
  return {
    name: `uniform-noise-eps${epsilon}`,
    dimX: 1,
    dimY: 1,
    kinds: { x: 'continuous', y: 'continuous' },
    sample(n: number, rng: Rng) {
      checkSampleSize(n);
      const xs = new Float64Array(n);
      const ys = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const x = rng.next();
        xs[i] = x;
        ys[i] = x + epsilon * (2 * rng.next() - 1);
      }
      return { x: makeVariable(xs, n, 1, 'x'), y: makeVariable(ys, n, 1, 'y') };
    },
    mutualInformation: () => mi,
  };
}

/**
 * Distributions of (X, Y) with known mutual information: the oracles of the
 * tests and of `mine bench` (bmi's samplers, Czyż et al. 2023, "Beyond normal:
 * on the evaluation of mutual information estimators", NeurIPS).
 */
import type { Sampler } from '../interface.js';
import { discreteTable } from './discrete.js';
import { bivariateGaussian, gaussianWithMi, independentGaussian } from './gaussian.js';
import { labelWithGaussians } from './mixture.js';
import { studentT } from './student-t.js';
import { cubic, transformed } from './transforms.js';
import { additiveUniformNoise } from './uniform.js';

export { gammaDraw, sideNames } from './common.js';
export { discreteTable, tableMutualInformation } from './discrete.js';
export {
  bivariateGaussian,
  gaussian,
  gaussianWithMi,
  independentGaussian,
  type GaussianOptions,
  type GaussianSampler,
  type GaussianWithMiOptions,
} from './gaussian.js';
export {
  gaussianMixtureEntropy,
  labelGaussianMi,
  labelWithGaussians,
  type LabelWithGaussiansOptions,
} from './mixture.js';
export { adaptiveSimpson, compositeSimpson } from './quadrature.js';
export { studentT, studentTEntropy, studentTMiCorrection, type StudentTOptions } from './student-t.js';
export { asinh, cubic, halfCube, transformed, type TransformOptions } from './transforms.js';
export { additiveUniformMi, additiveUniformNoise } from './uniform.js';

/**
 * The named samplers `mine bench` runs, with their true MI (nats, rounded):
 *
 * | name                      | sides      | MI     |
 * |---------------------------|------------|--------|
 * | gaussian-rho0.5           | 1×1 cont.  | 0.1438 |
 * | gaussian-rho0.9           | 1×1 cont.  | 0.8304 |
 * | gaussian-rho0.99          | 1×1 cont.  | 1.9585 |
 * | gaussian-5x5-mi2          | 5×5 cont.  | 2      |
 * | cubic-gaussian-rho0.9     | 1×1 cont.  | 0.8304 |
 * | uniform-noise-eps0.1      | 1×1 cont.  | 1.7094 |
 * | uniform-noise-eps0.75     | 1×1 cont.  | 0.3333 |
 * | student-t-2x2-dof5        | 2×2 cont.  | 0.0508 |
 * | discrete-3x3              | 1×1 disc.  | 0.4518 |
 * | label-gaussians-k3        | cont./disc.| 0.6317 |
 * | independent-1x1           | 1×1 cont.  | 0      |
 * | independent-3x3           | 3×3 cont.  | 0      |
 *
 * A new array of new sampler objects on every call.
 */
export function standardSuite(): Sampler[] {
  return [
    bivariateGaussian(0.5),
    bivariateGaussian(0.9),
    bivariateGaussian(0.99),
    gaussianWithMi({ dimX: 5, dimY: 5, mi: 2 }),
    transformed(bivariateGaussian(0.9), cubic, 'cubic'),
    additiveUniformNoise(0.1),
    additiveUniformNoise(0.75),
    studentT({ dimX: 2, dimY: 2, dof: 5 }),
    discreteTable(
      [
        [0.3, 0.1, 0],
        [0.05, 0.25, 0.05],
        [0, 0.05, 0.2],
      ],
      'discrete-3x3',
    ),
    labelWithGaussians({ priors: [0.5, 0.3, 0.2], means: [-2, 0, 2.5], sd: 1 }),
    independentGaussian(1, 1),
    independentGaussian(3, 3),
  ];
}

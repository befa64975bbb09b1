/**
 * Discrete samplers: X and Y are integer codes drawn from a joint probability
 * table, with MI computed exactly from the table.
 */
import { MineError } from '../errors.js';
import type { Sampler } from '../interface.js';
import { log } from '../math/fdlibm.js';
import type { Rng } from '../rng.js';
import { checkProbabilities, checkSampleSize, cumulative, drawIndex, makeVariable } from './common.js';

/**
 * I(X;Y) = Σ_ij p_ij log(p_ij / (p_i· p_·j)) in nats for a joint pmf table
 * (rows = values of X, columns = values of Y; Cover & Thomas 2006, eq. 2.28).
 * Cells with p_ij = 0 contribute 0 (0 log 0 = 0). The table must sum to 1.
 */
export function tableMutualInformation(table: readonly (readonly number[])[]): number {
  const rows = table.length;
  const cols = table[0]?.length ?? 0;
  const px = new Float64Array(rows);
  const py = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const p = table[i]![j]!;
      px[i]! += p;
      py[j]! += p;
    }
  }
  let mi = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const p = table[i]![j]!;
      if (p > 0) mi += p * log(p / (px[i]! * py[j]!));
    }
  }
  return mi;
}

/**
 * X, Y discrete with joint pmf `probabilities` (r rows = values 0..r−1 of X,
 * c columns = values 0..c−1 of Y). Samples are integer codes stored as doubles,
 * with `categorical: true` (they are labels, not magnitudes). MI is exact
 * (`tableMutualInformation`).
 *
 * @param probabilities r×c non-negative table summing to 1 (within 1e-9; it is renormalised).
 * @param name @default `discrete-{r}x{c}`
 * @throws MineError INVALID_PARAMS for a ragged, negative or non-normalised table.
 */
export function discreteTable(probabilities: readonly (readonly number[])[], name?: string): Sampler {
  const rows = probabilities.length;
  const cols = probabilities[0]?.length ?? 0;
  if (rows === 0 || cols === 0 || probabilities.some((r) => r.length !== cols)) {
    throw new MineError('INVALID_PARAMS', `'probabilities' must be a non-empty rectangular table`, { field: 'probabilities' });
  }
  const flat = checkProbabilities(probabilities.flat(), 'probabilities');
  const table = Array.from({ length: rows }, (_, i) => Array.from(flat.subarray(i * cols, (i + 1) * cols)));
  const mi = tableMutualInformation(table);
  const cum = cumulative(flat);
  return {
    name: name ?? `discrete-${rows}x${cols}`,
    dimX: 1,
    dimY: 1,
    kinds: { x: 'discrete', y: 'discrete' },
    sample(n: number, rng: Rng) {
      checkSampleSize(n);
      const xs = new Float64Array(n);
      const ys = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const k = drawIndex(cum, rng);
        xs[i] = Math.floor(k / cols);
        ys[i] = k % cols;
      }
      return { x: makeVariable(xs, n, 1, 'x', true), y: makeVariable(ys, n, 1, 'y', true) };
    },
    mutualInformation: () => mi,
  };
}

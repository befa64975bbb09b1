/**
 * The brute-force KSG oracle: O(n²) time, O(n) memory, written straight from
 * Kraskov, Stögbauer & Grassberger (2004), Phys. Rev. E 69, 066138, eq. (8)
 * and (9), with no spatial index. Tests compare `ksgFromPrepared` with it on
 * the same prepared inputs (they agree to rounding of the final sum), and the
 * benchmark times it against the kd-tree version.
 *
 * It shares nothing with the fast path but `digammaInt` and the conventions:
 * max-norm, distances |x_j − x_i| per coordinate, neighbours ranked by
 * (distance, row index).
 */
import type { Variable } from '../interface.js';
import { digammaInt } from '../math/special.js';

export { ksgPrepare } from './ksg.js';

/** Max-norm distance between rows i and j of a row-major n×d array. */
function dist(data: Float64Array, d: number, i: number, j: number): number {
  let m = 0;
  for (let c = 0; c < d; c++) {
    const a = Math.abs(data[j * d + c]! - data[i * d + c]!);
    if (a > m) m = a;
  }
  return m;
}

/**
 * KSG estimate of I(X;Y) in nats by exhaustive search.
 *
 * For each i: the joint distance to j is max(‖x_j − x_i‖∞, ‖y_j − y_i‖∞); the k
 * nearest j ≠ i (by distance, then row index) give ε_i (their largest joint
 * distance) and ε_x,i, ε_y,i (their largest x- and y-distances). Then
 * - algorithm 1, eq. (8): n_x = #{j ≠ i : ‖x_j − x_i‖∞ < ε_i},
 *   I = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩;
 * - algorithm 2, eq. (9): n_x = #{j ≠ i : ‖x_j − x_i‖∞ ≤ ε_x,i},
 *   I = ψ(k) − 1/k + ψ(N) − ⟨ψ(n_x) + ψ(n_y)⟩.
 *
 * Inputs are used as given (prepare them with `ksgPrepare` to match the estimator).
 *
 * @param x n×dx, y n×dy, n > k.
 */
export function ksgBruteForce(x: Variable, y: Variable, k: number, algorithm: 1 | 2): number {
  const n = x.n;
  if (y.n !== n) throw new RangeError(`ksgBruteForce: x has ${n} rows, y has ${y.n}`);
  if (!Number.isInteger(k) || k < 1 || k >= n) throw new RangeError(`ksgBruteForce: need 1 ≤ k < n, got k=${k}, n=${n}`);
  const distX = new Float64Array(n);
  const distY = new Float64Array(n);
  // The k best (joint distance, row) so far, ascending.
  const bestD = new Float64Array(k);
  const bestJ = new Int32Array(k);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let j = 0; j < n; j++) {
      const ax = dist(x.data, x.d, i, j);
      const ay = dist(y.data, y.d, i, j);
      distX[j] = ax;
      distY[j] = ay;
      if (j === i) continue;
      const dj = ax > ay ? ax : ay;
      // j runs upward, so an equal distance never displaces an earlier (lower-index) row.
      if (count === k && !(dj < bestD[k - 1]!)) continue;
      let t = count < k ? count++ : k - 1;
      while (t > 0 && bestD[t - 1]! > dj) {
        bestD[t] = bestD[t - 1]!;
        bestJ[t] = bestJ[t - 1]!;
        t--;
      }
      bestD[t] = dj;
      bestJ[t] = j;
    }
    let nx = 0;
    let ny = 0;
    if (algorithm === 1) {
      const eps = bestD[k - 1]!;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        if (distX[j]! < eps) nx++;
        if (distY[j]! < eps) ny++;
      }
      sum += digammaInt(nx + 1) + digammaInt(ny + 1);
    } else {
      let ex = 0;
      let ey = 0;
      for (let t = 0; t < k; t++) {
        ex = Math.max(ex, distX[bestJ[t]!]!);
        ey = Math.max(ey, distY[bestJ[t]!]!);
      }
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        if (distX[j]! <= ex) nx++;
        if (distY[j]! <= ey) ny++;
      }
      sum += digammaInt(nx) + digammaInt(ny);
    }
  }
  const base = algorithm === 1 ? digammaInt(k) : digammaInt(k) - 1 / k;
  return base + digammaInt(n) - sum / n;
}

/**
 * Spatial indexes for the nearest-neighbour estimators (KSG, mixed), in the
 * max-norm (Chebyshev) distance ‖a − b‖∞ = max_c |a_c − b_c|.
 *
 * - `KdTree`: a kd-tree over n points in d dimensions, for the k nearest
 *   neighbours of a query point and for counting points within a radius.
 * - `SortedAxis`: the 1-D special case as a sorted array, where counting is two
 *   binary searches and the k-th neighbour is a two-pointer walk.
 *
 * Exactness. Every distance is computed as |fl(p_c − q_c)| (the same rounding a
 * brute-force double loop does), and pruning relies only on fl(· − q) being
 * monotone non-decreasing, which round-to-nearest guarantees. So counts and
 * k-th distances equal the brute-force ones bit for bit, including at exact
 * boundary ties (points at distance exactly r): the KSG tests depend on it.
 *
 * Neighbour order. Neighbours are ranked by (distance, original row index), so
 * the set of "the k nearest" is well defined even when several points tie at
 * the k-th distance (KSG algorithm 2 uses the set, not only the distance).
 */

/** Default number of points per leaf: small enough to prune well, big enough to amortise node overhead. */
const DEFAULT_LEAF_SIZE = 16;

/**
 * A kd-tree over n points of dimension d, with flat typed arrays only.
 *
 * Layout: an implicit, count-balanced binary tree. Node 0 covers tree positions
 * [0, n); node t's children are 2t+1 (first half) and 2t+2 (second half), split
 * at the median of the coordinate with the widest spread; a node with at most
 * `leafSize` points is a leaf. Points are copied in tree order (row-major) so a
 * leaf scan reads contiguous memory, and every node keeps its tight bounding box.
 *
 * Build is O(n log n) on average (quickselect per level), memory O(n·d).
 */
export class KdTree {
  /** Number of points. */
  readonly n: number;
  /** Dimension. */
  readonly d: number;
  /** Points in tree order, row-major n×d. */
  private readonly pts: Float64Array;
  /** Original row index of each tree position. */
  private readonly rowOf: Int32Array;
  /** Per node: first and one-past-last tree position (−1 for unused slots). */
  private readonly nodeStart: Int32Array;
  private readonly nodeEnd: Int32Array;
  /** Per node: bounding box, nNodes×d each. */
  private readonly boxLo: Float64Array;
  private readonly boxHi: Float64Array;
  /** Per internal node: the coordinate it splits on. */
  private readonly splitDim: Int32Array;
  private readonly leafSize: number;
  // Reused work buffers (queries are not re-entrant; JS is single-threaded).
  private stackNode: Int32Array;
  private stackDist: Float64Array;
  private activeDims: Int32Array;

  /**
   * @param data row-major n×d coordinates (read, not kept: the tree copies them).
   * @param n number of points (≥ 1).
   * @param d dimension (≥ 1).
   * @param leafSize points per leaf. @default 16
   */
  constructor(data: Float64Array, n: number, d: number, leafSize = DEFAULT_LEAF_SIZE) {
    if (!(n >= 1) || !(d >= 1) || data.length < n * d) {
      throw new RangeError(`KdTree: need n ≥ 1, d ≥ 1 and n·d values; got n=${n}, d=${d}, ${data.length} values`);
    }
    this.n = n;
    this.d = d;
    this.leafSize = Math.max(1, Math.floor(leafSize));
    // Depth at which every node is a leaf: sizes at depth t are ⌊n/2^t⌋ or ⌈n/2^t⌉.
    let depth = 0;
    while (Math.ceil(n / 2 ** depth) > this.leafSize) depth++;
    const nNodes = 2 ** (depth + 1) - 1;
    this.nodeStart = new Int32Array(nNodes).fill(-1);
    this.nodeEnd = new Int32Array(nNodes).fill(-1);
    this.boxLo = new Float64Array(nNodes * d);
    this.boxHi = new Float64Array(nNodes * d);
    this.splitDim = new Int32Array(nNodes);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    this.build(data, perm, 0, 0, n);
    this.rowOf = perm;
    this.pts = new Float64Array(n * d);
    for (let p = 0; p < n; p++) {
      const src = perm[p]! * d;
      for (let c = 0; c < d; c++) this.pts[p * d + c] = data[src + c]!;
    }
    // Depth-first: at most one pending sibling per level plus the two children just pushed (≤ depth + 2).
    this.stackNode = new Int32Array(2 * (depth + 2));
    this.stackDist = new Float64Array(2 * (depth + 2));
    this.activeDims = new Int32Array(d);
  }

  private build(data: Float64Array, perm: Int32Array, node: number, s: number, e: number): void {
    const d = this.d;
    this.nodeStart[node] = s;
    this.nodeEnd[node] = e;
    const lo = this.boxLo;
    const hi = this.boxHi;
    const b = node * d;
    for (let c = 0; c < d; c++) {
      lo[b + c] = Infinity;
      hi[b + c] = -Infinity;
    }
    for (let t = s; t < e; t++) {
      const r = perm[t]! * d;
      for (let c = 0; c < d; c++) {
        const v = data[r + c]!;
        if (v < lo[b + c]!) lo[b + c] = v;
        if (v > hi[b + c]!) hi[b + c] = v;
      }
    }
    if (e - s <= this.leafSize) return;
    let dim = 0;
    let spread = -1;
    for (let c = 0; c < d; c++) {
      const w = hi[b + c]! - lo[b + c]!;
      if (w > spread) {
        spread = w;
        dim = c;
      }
    }
    this.splitDim[node] = dim;
    const m = s + ((e - s) >> 1);
    // A zero spread (all points identical) still splits by count: correct, merely unhelpful.
    select(perm, data, d, dim, s, e - 1, m);
    this.build(data, perm, 2 * node + 1, s, m);
    this.build(data, perm, 2 * node + 2, m, e);
  }

  /**
   * The original row indices in tree order (a copy). Queries issued in this
   * order touch neighbouring memory one after another, which at n ≈ 1e5 is
   * about twice as fast as row order (fewer cache misses).
   */
  rowsInTreeOrder(): Int32Array {
    return this.rowOf.slice();
  }

  /**
   * The k nearest neighbours of a query point, ranked by (distance, row index),
   * skipping row `exclude` (the query point's own row; pass −1 to skip none).
   *
   * @param q coordinates, read from `q[qo .. qo+d)`.
   * @param k number of neighbours (1 ≤ k ≤ n, or n − 1 when excluding a row).
   * @param outRow receives the k neighbours' original row indices, nearest first (length ≥ k).
   * @param outDist receives their max-norm distances, ascending (length ≥ k).
   * @returns the k-th smallest distance (`outDist[k−1]`).
   */
  knn(q: Float64Array, qo: number, k: number, exclude: number, outRow: Int32Array, outDist: Float64Array): number {
    const avail = exclude >= 0 ? this.n - 1 : this.n;
    if (!(k >= 1) || k > avail) throw new RangeError(`KdTree.knn: k=${k} but only ${avail} candidate points`);
    const d = this.d;
    const pts = this.pts;
    const rowOf = this.rowOf;
    const nodeStart = this.nodeStart;
    const nodeEnd = this.nodeEnd;
    const leafSize = this.leafSize;
    let count = 0;
    let worst = Infinity;
    let worstRow = 0x7fffffff;
    const sn = this.stackNode;
    const sd = this.stackDist;
    let sp = 0;
    sn[sp] = 0;
    sd[sp] = 0;
    sp++;
    while (sp > 0) {
      sp--;
      const node = sn[sp]!;
      // Equal distance may still win on the row-index tie-break, so prune only on ">".
      const md = sd[sp]!;
      if (md > worst) continue;
      const s = nodeStart[node]!;
      const e = nodeEnd[node]!;
      if (e - s <= leafSize) {
        for (let p = s; p < e; p++) {
          const row = rowOf[p]!;
          if (row === exclude) continue;
          const base = p * d;
          let dist = 0;
          for (let c = 0; c < d; c++) {
            let diff = pts[base + c]! - q[qo + c]!;
            if (diff < 0) diff = -diff;
            if (diff > dist) {
              dist = diff;
              if (dist > worst) break;
            }
          }
          if (dist < worst || (dist === worst && row < worstRow)) {
            // Insertion into the sorted buffer (k is small in practice).
            let j = count < k ? count++ : k - 1;
            while (j > 0) {
              const pd = outDist[j - 1]!;
              if (pd < dist || (pd === dist && outRow[j - 1]! < row)) break;
              outDist[j] = pd;
              outRow[j] = outRow[j - 1]!;
              j--;
            }
            outDist[j] = dist;
            outRow[j] = row;
            if (count === k) {
              worst = outDist[k - 1]!;
              worstRow = outRow[k - 1]!;
            }
          }
        }
        continue;
      }
      const left = 2 * node + 1;
      const right = left + 1;
      // Children's lower bounds: the parent's, raised by the gap along the split
      // coordinate to the child's box (O(1) instead of O(d) for the full box;
      // the other coordinates of a child box barely differ from the parent's).
      const sdim = this.splitDim[node]!;
      const v = q[qo + sdim]!;
      let dl = md;
      let dr = md;
      {
        const a = this.boxLo[left * d + sdim]! - v;
        const h = v - this.boxHi[left * d + sdim]!;
        if (a > dl) dl = a;
        else if (h > dl) dl = h;
        const a2 = this.boxLo[right * d + sdim]! - v;
        const h2 = v - this.boxHi[right * d + sdim]!;
        if (a2 > dr) dr = a2;
        else if (h2 > dr) dr = h2;
      }
      // Push the farther child first so the nearer one is searched first (tightens `worst` sooner).
      if (dl <= dr) {
        if (dr <= worst) {
          sn[sp] = right;
          sd[sp] = dr;
          sp++;
        }
        if (dl <= worst) {
          sn[sp] = left;
          sd[sp] = dl;
          sp++;
        }
      } else {
        if (dl <= worst) {
          sn[sp] = left;
          sd[sp] = dl;
          sp++;
        }
        if (dr <= worst) {
          sn[sp] = right;
          sd[sp] = dr;
          sp++;
        }
      }
    }
    return outDist[k - 1]!;
  }

  /**
   * Counts the points within max-norm distance r of a query point: strictly
   * (‖p − q‖∞ < r) or not (≤ r). Every point counts, including one that sits at
   * the query itself; callers subtract their own row.
   *
   * @param q coordinates, read from `q[qo .. qo+d)`.
   */
  countWithin(q: Float64Array, qo: number, r: number, strict: boolean): number {
    if (!(r >= 0)) return 0;
    // Both modes as a strict test: for doubles, x ≤ r ⇔ x < nextUp(r).
    const rr = strict ? r : nextUp(r);
    const d = this.d;
    const pts = this.pts;
    const lo = this.boxLo;
    const hi = this.boxHi;
    const nodeStart = this.nodeStart;
    const nodeEnd = this.nodeEnd;
    const leafSize = this.leafSize;
    const sn = this.stackNode;
    const act = this.activeDims;
    let sp = 0;
    sn[sp++] = 0;
    let total = 0;
    while (sp > 0) {
      const node = sn[--sp]!;
      const s = nodeStart[node]!;
      const e = nodeEnd[node]!;
      // Nearest max-norm distance from q to the box, and the coordinates in
      // which the box is not entirely within rr of q (exact bounds: see the module comment).
      const b = node * d;
      let mn = 0;
      let nAct = 0;
      for (let c = 0; c < d; c++) {
        const v = q[qo + c]!;
        const a = lo[b + c]! - v;
        const h = hi[b + c]! - v;
        if (a > mn) mn = a;
        else if (-h > mn) mn = -h;
        if (-a >= rr || h >= rr || a >= rr || -h >= rr) act[nAct++] = c;
      }
      if (mn >= rr) continue;
      if (nAct === 0) {
        total += e - s;
        continue;
      }
      if (e - s <= leafSize) {
        // Only the coordinates where the box pokes out of the ball can exclude a point.
        for (let p = s; p < e; p++) {
          const base = p * d;
          let inside = 1;
          for (let t = 0; t < nAct; t++) {
            const c = act[t]!;
            const diff = pts[base + c]! - q[qo + c]!;
            if (diff >= rr || -diff >= rr) {
              inside = 0;
              break;
            }
          }
          total += inside;
        }
        continue;
      }
      sn[sp++] = 2 * node + 1;
      sn[sp++] = 2 * node + 2;
    }
    return total;
  }
}

const nextUpF64 = new Float64Array(1);
const nextUpI64 = new BigInt64Array(nextUpF64.buffer);

/** The smallest double greater than x, for finite x ≥ 0 (+∞ stays +∞). Same-buffer views, so endianness does not matter. */
export function nextUp(x: number): number {
  if (x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  nextUpF64[0] = x;
  nextUpI64[0]! += 1n;
  return nextUpF64[0]!;
}

/**
 * Quickselect (Wirth's algorithm, with a median-of-three pivot) on `perm[l..r]`
 * (inclusive) by coordinate `dim`: afterwards the point at position m has the
 * value it would have after sorting, every point before it is ≤ and every point
 * after it is ≥. Handles duplicates (equal values are swapped, so both scans advance).
 */
function select(perm: Int32Array, data: Float64Array, d: number, dim: number, l: number, r: number, m: number): void {
  while (l < r) {
    // Median of three into position m, so sorted / reversed inputs split evenly.
    const mid = l + ((r - l) >> 1);
    const a = data[perm[l]! * d + dim]!;
    const b = data[perm[mid]! * d + dim]!;
    const c = data[perm[r]! * d + dim]!;
    const pivotPos = a < b ? (b < c ? mid : a < c ? r : l) : a < c ? l : b < c ? r : mid;
    const x = data[perm[pivotPos]! * d + dim]!;
    let i = l;
    let j = r;
    do {
      while (data[perm[i]! * d + dim]! < x) i++;
      while (x < data[perm[j]! * d + dim]!) j--;
      if (i <= j) {
        const t = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = t;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < m) l = i;
    if (m < i) r = j;
  }
}

/**
 * One coordinate of n points, sorted, for the 1-D case: counting is two binary
 * searches (O(log n)) and the k-th neighbour distance a two-pointer walk (O(k + log n)).
 * Distances are |fl(s − v)|, the same rounding as `KdTree` and a brute-force loop.
 */
export class SortedAxis {
  /** The values, ascending. */
  readonly sorted: Float64Array;
  private readonly values: Float64Array;
  private positions: Int32Array | null = null;

  /** @param values one value per point (copied). */
  constructor(values: ArrayLike<number>) {
    this.values = Float64Array.from(values);
    // Native numeric sort of a Float64Array: several times faster than sorting indices with a comparator.
    this.sorted = this.values.slice().sort();
  }

  /**
   * For each original row, a position in `sorted` holding its value (rows with
   * equal values get distinct positions among the equal run). Built on first use.
   */
  get position(): Int32Array {
    if (this.positions) return this.positions;
    const { values, sorted } = this;
    const n = values.length;
    const pos = new Int32Array(n);
    // taken[t]: how many rows with value sorted[t] (t = first index of its run) were placed so far.
    const taken = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      let a = 0;
      let b = n;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (sorted[m]! < v) a = m + 1;
        else b = m;
      }
      pos[i] = a + taken[a]!++;
    }
    this.positions = pos;
    return pos;
  }

  /**
   * Counts values s with |s − v| < r (strict) or ≤ r, including v itself if present.
   * fl(v − s) is non-increasing and fl(s − v) non-decreasing in s, so each side is one binary search.
   */
  countWithin(v: number, r: number, strict: boolean): number {
    const s = this.sorted;
    // lo: first t with fl(v − s[t]) inside the radius.
    let a = 0;
    let b = s.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      const diff = v - s[m]!;
      if (strict ? diff < r : diff <= r) b = m;
      else a = m + 1;
    }
    const lo = a;
    // hi: first t with fl(s[t] − v) outside the radius.
    b = s.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      const diff = s[m]! - v;
      if (strict ? diff >= r : diff > r) b = m;
      else a = m + 1;
    }
    return a - lo;
  }

  /**
   * Distance from row i's value to its k-th nearest other value (the multiset of
   * distances to the other n − 1 values, k-th smallest; ties do not matter).
   */
  kthDistance(i: number, k: number): number {
    const s = this.sorted;
    const n = s.length;
    if (!(k >= 1) || k > n - 1) throw new RangeError(`SortedAxis.kthDistance: k=${k} but only ${n - 1} other points`);
    const pos = this.position[i]!;
    const v = s[pos]!;
    let l = pos - 1;
    let r = pos + 1;
    let dist = 0;
    for (let step = 0; step < k; step++) {
      const dl = l >= 0 ? v - s[l]! : Infinity;
      const dr = r < n ? s[r]! - v : Infinity;
      if (dl <= dr) {
        dist = dl;
        l--;
      } else {
        dist = dr;
        r++;
      }
    }
    // v − s can be −0 (when v is −0 and s is +0); report a distance as +0.
    return dist + 0;
  }
}

import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { KdTree, SortedAxis } from './kdtree.js';

/** Max-norm distance computed the way every caller does: |fl(p − q)| per coordinate. */
function dist(data: Float64Array, d: number, i: number, q: Float64Array, qo: number): number {
  let m = 0;
  for (let c = 0; c < d; c++) m = Math.max(m, Math.abs(data[i * d + c]! - q[qo + c]!));
  return m;
}

/**
 * Random points; with `grid`, coordinates are rounded to a coarse grid so that
 * exact duplicates (whole points and single coordinates) and exact distance
 * ties are common — the cases where a pruning bug would show.
 */
function points(rng: Rng, n: number, d: number, grid: boolean): Float64Array {
  const a = new Float64Array(n * d);
  for (let i = 0; i < a.length; i++) a[i] = grid ? Math.round(rng.normal() * 3) / 2 : rng.normal();
  return a;
}

/** Brute-force k nearest by (distance, row), excluding row `ex`. */
function bruteKnn(data: Float64Array, n: number, d: number, q: Float64Array, qo: number, k: number, ex: number) {
  const all: { j: number; dist: number }[] = [];
  for (let j = 0; j < n; j++) if (j !== ex) all.push({ j, dist: dist(data, d, j, q, qo) });
  all.sort((a, b) => a.dist - b.dist || a.j - b.j);
  return all.slice(0, k);
}

describe('KdTree', () => {
  const cases: [number, number, boolean][] = [
    [1, 300, false],
    [2, 500, false],
    [3, 400, true],
    [5, 600, false],
    [5, 400, true],
    [10, 300, false],
  ];
  it.each(cases)('knn equals brute force (d=%i, n=%i, duplicates=%s)', (d, n, grid) => {
    const rng = new Rng(100 + d * 7 + n);
    const data = points(rng, n, d, grid);
    // Leaf size 4 makes the tree deep even at small n, so pruning is exercised.
    const tree = new KdTree(data, n, d, 4);
    for (const k of [1, 3, 7]) {
      const row = new Int32Array(k);
      const ds = new Float64Array(k);
      for (let i = 0; i < n; i += 3) {
        const kth = tree.knn(data, i * d, k, i, row, ds);
        const ref = bruteKnn(data, n, d, data, i * d, k, i);
        expect(kth).toBe(ref[k - 1]!.dist);
        expect(Array.from(row)).toEqual(ref.map((r) => r.j));
        expect(Array.from(ds)).toEqual(ref.map((r) => r.dist));
      }
    }
    // An external query point, nothing excluded.
    const q = points(rng, 1, d, grid);
    const row = new Int32Array(5);
    const ds = new Float64Array(5);
    tree.knn(q, 0, 5, -1, row, ds);
    expect(Array.from(row)).toEqual(bruteKnn(data, n, d, q, 0, 5, -1).map((r) => r.j));
  });

  it.each(cases)('radius counts equal brute force, strict and not, incl. r at exact distances (d=%i, n=%i, dup=%s)', (d, n, grid) => {
    const rng = new Rng(200 + d * 7 + n);
    const data = points(rng, n, d, grid);
    const tree = new KdTree(data, n, d, 4);
    for (let i = 0; i < n; i += 5) {
      // Radii: random, and exactly the distance to some other point (the boundary case), and 0.
      const j = rng.int(n);
      const radii = [rng.uniform(0, 1.5), dist(data, d, j, data, i * d), 0];
      for (const r of radii) {
        let lt = 0;
        let le = 0;
        for (let t = 0; t < n; t++) {
          const dt = dist(data, d, t, data, i * d);
          if (dt < r) lt++;
          if (dt <= r) le++;
        }
        expect(tree.countWithin(data, i * d, r, true)).toBe(lt);
        expect(tree.countWithin(data, i * d, r, false)).toBe(le);
      }
    }
  });

  it('handles all-identical points and n smaller than a leaf', () => {
    const data = new Float64Array(50 * 2).fill(1.5);
    const tree = new KdTree(data, 50, 2, 4);
    const row = new Int32Array(3);
    const ds = new Float64Array(3);
    expect(tree.knn(data, 0, 3, 0, row, ds)).toBe(0);
    // All distances tie at 0, so the lowest rows other than 0 win.
    expect(Array.from(row)).toEqual([1, 2, 3]);
    expect(tree.countWithin(data, 0, 0, true)).toBe(0);
    expect(tree.countWithin(data, 0, 0, false)).toBe(50);
    const small = new KdTree(Float64Array.from([3, 1, 2]), 3, 1);
    expect(small.knn(Float64Array.from([0]), 0, 2, -1, row, ds)).toBe(2);
    expect(() => small.knn(Float64Array.from([0]), 0, 3, 0, row, ds)).toThrow(RangeError);
  });
});

describe('SortedAxis', () => {
  it('counts and k-th distances equal brute force, with many duplicates', () => {
    const rng = new Rng(7);
    const n = 400;
    for (const grid of [false, true]) {
      const v = points(rng, n, 1, grid);
      const axis = new SortedAxis(v);
      for (let i = 0; i < n; i++) {
        const radii = [rng.uniform(0, 1), Math.abs(v[rng.int(n)]! - v[i]!), 0];
        for (const r of radii) {
          let lt = 0;
          let le = 0;
          for (let t = 0; t < n; t++) {
            const dt = Math.abs(v[t]! - v[i]!);
            if (dt < r) lt++;
            if (dt <= r) le++;
          }
          expect(axis.countWithin(v[i]!, r, true)).toBe(lt);
          expect(axis.countWithin(v[i]!, r, false)).toBe(le);
        }
        const others: number[] = [];
        for (let t = 0; t < n; t++) if (t !== i) others.push(Math.abs(v[t]! - v[i]!));
        others.sort((a, b) => a - b);
        for (const k of [1, 4, 10]) expect(axis.kthDistance(i, k)).toBe(others[k - 1]);
      }
    }
  });
});

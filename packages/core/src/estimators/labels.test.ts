import { describe, expect, it } from 'vitest';
import type { EstimateResult } from '../interface.js';
import { logFactorial } from '../math/special.js';
import { runEstimator, type EstimatorDefinition } from '../registry.js';
import { Rng } from '../rng.js';
import { fromColumns } from '../variable.js';
import { mutualInformationFromCodes } from './discrete.js';
import {
  adjustedMutualInformation as ami,
  amiEstimator,
  contingencyTable,
  expectedMutualInformation,
  nmiEstimator,
  normalizedMutualInformation as nmi,
  type Normalization,
} from './labels.js';

const METHODS: Normalization[] = ['arithmetic', 'geometric', 'min', 'max'];

const runDef =
  (def: unknown) =>
  (x: unknown, y: unknown, params: Record<string, unknown> = {}): Promise<EstimateResult> =>
    runEstimator(def as EstimatorDefinition, x as never, y as never, params);
const runNmi = runDef(nmiEstimator);
const runAmi = runDef(amiEstimator);

/** MI in nats by the definition Σ p_ij log(p_ij / (p_i p_j)), independent of the module. */
function miByHand(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const pa = new Map<number, number>();
  const pb = new Map<number, number>();
  const pab = new Map<string, [number, number, number]>();
  for (let i = 0; i < n; i++) {
    pa.set(a[i]!, (pa.get(a[i]!) ?? 0) + 1 / n);
    pb.set(b[i]!, (pb.get(b[i]!) ?? 0) + 1 / n);
    const k = `${a[i]},${b[i]}`;
    const c = pab.get(k);
    if (c) c[2] += 1 / n;
    else pab.set(k, [a[i]!, b[i]!, 1 / n]);
  }
  let mi = 0;
  for (const [u, v, p] of pab.values()) mi += p * Math.log(p / (pa.get(u)! * pb.get(v)!));
  return mi;
}

/** Every permutation of 0..n−1 (Heap's algorithm). */
function* permutations(n: number): Generator<number[]> {
  const p = Array.from({ length: n }, (_, i) => i);
  const c = new Array<number>(n).fill(0);
  yield p.slice();
  let i = 0;
  while (i < n) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [p[j], p[i]] = [p[i]!, p[j]!];
      yield p.slice();
      c[i]!++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
}

/** Vinh et al. (2010) eq. 24a summed literally, every term from log-factorials (as scikit-learn does). */
function emiNaive(as: number[], bs: number[]): number {
  const n = as.reduce((s, v) => s + v, 0);
  let emi = 0;
  for (const a of as) {
    for (const b of bs) {
      for (let k = Math.max(1, a + b - n); k <= Math.min(a, b); k++) {
        const logP =
          logFactorial(a) + logFactorial(b) + logFactorial(n - a) + logFactorial(n - b) -
          logFactorial(n) - logFactorial(k) - logFactorial(a - k) - logFactorial(b - k) - logFactorial(n - a - b + k);
        emi += (k / n) * Math.log((n * k) / (a * b)) * Math.exp(logP);
      }
    }
  }
  return emi;
}

function randomLabels(rng: Rng, n: number, k: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(k);
  return a;
}

describe('hand-computed references', () => {
  // scikit-learn's docstring example: U = {0,1,2 | 3,4,5}, V = {0,1 | 2,3 | 4,5}.
  const t = [0, 0, 0, 1, 1, 1];
  const p = [0, 0, 1, 1, 2, 2];
  // H(U) = log 2, H(V) = log 3, H(U,V) = H(1/3, 1/6, 1/6, 1/3) = log 3 + (1/3) log 2,
  // so MI = (2/3) log 2.
  const hU = Math.log(2);
  const hV = Math.log(3);
  const mi = (2 / 3) * Math.log(2);

  it('MI of the example is (2/3) log 2', () => {
    expect(miByHand(t, p)).toBeCloseTo(mi, 15);
    expect(mutualInformationFromCodes(t, p)).toBeCloseTo(mi, 15);
  });

  it('NMI under every normalization', () => {
    const means: Record<Normalization, number> = {
      arithmetic: (hU + hV) / 2,
      geometric: Math.sqrt(hU * hV),
      min: hU,
      max: hV,
    };
    for (const m of METHODS) expect(nmi(t, p, m)).toBeCloseTo(mi / means[m], 14);
    // The value scikit-learn prints, now derived above rather than trusted.
    expect(nmi(t, p)).toBeCloseTo(0.5158037429793889, 14);
    expect(nmi(t, p, 'min')).toBeCloseTo(2 / 3, 14);
  });

  it('E[MI] and AMI of the example: exact enumeration of all 720 matchings', () => {
    // E[MI] under the permutation model is the average of MI over every
    // permutation of V's rows: computed here without the hypergeometric formula.
    let sum = 0;
    let count = 0;
    for (const perm of permutations(6)) {
      sum += miByHand(
        t,
        perm.map((i) => p[i]!),
      );
      count++;
    }
    expect(count).toBe(720);
    const emiEnum = sum / count;
    // By hand: each of the 6 cells (a=3, b=2) has k=2 with probability
    // C(3,2)C(3,0)/C(6,2) = 1/5, contributing (2/6) log 2 · 1/5; k=1 adds log 1 = 0.
    expect(emiEnum).toBeCloseTo(0.4 * Math.log(2), 14);
    const tab = contingencyTable(t, p);
    expect(expectedMutualInformation(tab.rowSums, tab.colSums)).toBeCloseTo(emiEnum, 14);
    // AMI = (MI − E[MI]) / ((H(U)+H(V))/2 − E[MI]) ≈ 0.29879, not 0.
    const amiHand = (mi - emiEnum) / ((hU + hV) / 2 - emiEnum);
    expect(ami(t, p)).toBeCloseTo(amiHand, 14);
    expect(ami(t, p, 'min')).toBeCloseTo((mi - emiEnum) / (hU - emiEnum), 14);
  });

  it("scikit-learn's test_adjusted_mutual_info_score reference values", () => {
    // sklearn/metrics/cluster/tests/test_supervised.py: MI 0.41022, E[MI]
    // 0.15042, AMI 0.27821 (5 decimals), and 0.38 (2 decimals) for the labels
    // repeated 110 times.
    const a = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3];
    const b = [1, 1, 1, 1, 2, 1, 2, 2, 2, 2, 3, 1, 3, 3, 3, 2, 2];
    const tab = contingencyTable(a, b);
    expect(mutualInformationFromCodes(a, b)).toBeCloseTo(0.41022, 5);
    expect(expectedMutualInformation(tab.rowSums, tab.colSums)).toBeCloseTo(0.15042, 5);
    expect(ami(a, b)).toBeCloseTo(0.27821, 5);
    expect(ami([1, 1, 2, 2], [2, 2, 3, 3])).toBe(1);
    const a110 = Array.from({ length: 110 }, () => a).flat();
    const b110 = Array.from({ length: 110 }, () => b).flat();
    expect(ami(a110, b110)).toBeCloseTo(0.38, 2);
  });
});

describe('degenerate labelings (scikit-learn conventions)', () => {
  it('both single clusters: NMI = AMI = 1 under every normalization', () => {
    for (const m of METHODS) {
      expect(nmi([3, 3, 3, 3], [7, 7, 7, 7], m)).toBe(1);
      expect(ami([3, 3, 3, 3], [7, 7, 7, 7], m)).toBe(1);
    }
  });

  it('one single cluster, the other split: NMI = AMI = 0 (test_exactly_zero_info_score)', () => {
    for (const n of [10, 100, 1000, 10000]) {
      const ones = new Array<number>(n).fill(1);
      const range = Array.from({ length: n }, (_, i) => i);
      for (const m of METHODS) {
        // 'min' and 'geometric' have a zero normalizer here; the result must still be 0, not NaN.
        expect(nmi(ones, range, m)).toBe(0);
        expect(Math.abs(ami(ones, range, m))).toBe(0);
      }
    }
    expect(ami([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });

  it('NMI stays in [0, 1) for nearly constant labelings (test_normalized_mutual_info_score_bounded)', () => {
    const l1 = new Array<number>(469).fill(0);
    const l2 = [1, ...l1.slice(1)];
    const l3 = [0, 1, ...l1.slice(2)];
    for (const m of METHODS) {
      expect(nmi(l1, l2, m)).toBe(0);
      const v = nmi(l2, l3, m);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});

describe('expected mutual information', () => {
  it('matches the literal log-factorial formula, including cells where a + b > N', () => {
    const cases: [number[], number[]][] = [
      [[7, 3], [8, 2]], // (7, 8): k runs from a + b − N = 5
      [[1, 1, 1, 1, 1], [2, 3]],
      [[50, 30, 15, 5], [25, 25, 25, 25]],
      [[400, 300, 200, 100], [700, 150, 100, 40, 10]],
    ];
    const rng = new Rng(21);
    // Random marginals: 8 × 6 clusters of N = 3000 rows.
    const a = contingencyTable(randomLabels(rng, 3000, 8), randomLabels(rng, 3000, 6));
    cases.push([Array.from(a.rowSums), Array.from(a.colSums)]);
    for (const [as, bs] of cases) {
      const want = emiNaive(as, bs);
      // The literal formula loses ~N log N · eps ≈ 1e-11 relative to
      // log-factorial cancellation at N = 3000; the recurrence far less.
      expect(Math.abs(expectedMutualInformation(as, bs) - want)).toBeLessThan(1e-10 * Math.max(want, 1e-3));
      expect(expectedMutualInformation(bs, as)).toBeCloseTo(expectedMutualInformation(as, bs), 14);
    }
  });

  it('at N = 100,000 (10 × 10) the truncated recurrence agrees with the full literal sum', () => {
    const rng = new Rng(22);
    const tab = contingencyTable(randomLabels(rng, 100_000, 10), randomLabels(rng, 100_000, 10));
    const want = emiNaive(Array.from(tab.rowSums), Array.from(tab.colSums));
    // E[MI] ≈ (R−1)(C−1)/(2N) = 4.05e-4 nats; the literal sum carries a relative
    // error near 1e-10 here (log-factorials of size 1e6 cancelling), so 1e-8.
    expect(want).toBeGreaterThan(3.5e-4);
    expect(want).toBeLessThan(4.5e-4);
    expect(Math.abs(expectedMutualInformation(tab.rowSums, tab.colSums) - want) / want).toBeLessThan(1e-8);
  });

  it('agrees with a Monte-Carlo average of MI over random permutations (N = 60, 200 draws)', () => {
    const rng = new Rng(23);
    const sizesA = [10, 20, 30];
    const sizesB = [12, 12, 12, 24];
    const a = sizesA.flatMap((s, i) => new Array<number>(s).fill(i));
    const b = sizesB.flatMap((s, i) => new Array<number>(s).fill(i));
    const draws: number[] = [];
    for (let r = 0; r < 200; r++) {
      const perm = rng.permutation(60);
      draws.push(miByHand(a, Array.from(perm, (i) => b[i]!)));
    }
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((s, v) => s + (v - mean) ** 2, 0) / (draws.length - 1));
    const se = sd / Math.sqrt(draws.length);
    const emi = expectedMutualInformation(sizesA, sizesB);
    // 4 standard errors of the MC mean: a false failure has probability ~6e-5.
    expect(Math.abs(mean - emi)).toBeLessThan(4 * se);
    // And the check has teeth: E[MI] ≈ (R−1)(C−1)/(2N) = 0.05 is far from 0.
    expect(emi).toBeGreaterThan(10 * se);
  });

  it('groups equal cluster sizes: N singletons cost one term', () => {
    // All a_i = b_j = 1: every term is (1/N) log N · P(k=1) = (1/N) log N · (1/N),
    // times N² cells = log N.
    const ones = new Array<number>(50_000).fill(1);
    expect(expectedMutualInformation(ones, ones)).toBeCloseTo(Math.log(50_000), 12);
  });

  it('validates its input and ignores empty clusters', () => {
    expect(expectedMutualInformation([3, 0, 3], [2, 2, 2])).toBeCloseTo(0.4 * Math.log(2), 14);
    expect(expectedMutualInformation([70000], [70000])).toBe(0);
    expect(() => expectedMutualInformation([3, 3], [2, 2])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => expectedMutualInformation([2.5, 3.5], [3, 3])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => expectedMutualInformation([0], [0])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('properties', () => {
  it('identical labelings up to renaming: NMI = AMI = 1', () => {
    expect(nmi([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBe(1);
    expect(ami([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBe(1);
    const rng = new Rng(31);
    const a = randomLabels(rng, 500, 8);
    const renamed = Array.from(a, (v) => [10, 3.5, -1, 7, 100, 0, 2, 9][v]!);
    for (const m of METHODS) {
      // Same counts summed in possibly different orders: 1 to rounding.
      expect(nmi(a, renamed, m)).toBeCloseTo(1, 14);
      expect(ami(a, renamed, m)).toBeCloseTo(1, 14);
    }
  });

  it('independent random labelings (n = 1000, 5 × 7 clusters): AMI ≈ 0, NMI is not', () => {
    // Under independence 2N·MI ≈ χ²(24): MI has mean ≈ 0.012 and sd ≈ 0.0035
    // nats; divided by the mean entropy ≈ (log 5 + log 7)/2 ≈ 1.78 that is
    // sd(AMI) ≈ 0.002, so |AMI| < 0.01 is a 5-sd bound for one draw. Over 50
    // seeds the mean AMI has sd ≈ 3e-4 (bound 1.5e-3, 5 sd), while the mean NMI
    // sits near 0.012/1.78 ≈ 0.0067, above 0.005 by > 5 sd: the test tells the
    // chance-corrected score from the uncorrected one.
    const rng = new Rng(32);
    let meanAmi = 0;
    let meanNmi = 0;
    for (let s = 0; s < 50; s++) {
      const a = randomLabels(rng, 1000, 5);
      const b = randomLabels(rng, 1000, 7);
      const v = ami(a, b);
      expect(Math.abs(v)).toBeLessThan(0.01);
      meanAmi += v / 50;
      meanNmi += nmi(a, b) / 50;
    }
    expect(Math.abs(meanAmi)).toBeLessThan(1.5e-3);
    expect(meanNmi).toBeGreaterThan(0.005);
  });

  it('symmetric in the two labelings, for every normalization', () => {
    const rng = new Rng(33);
    const a = randomLabels(rng, 300, 4);
    const b = Array.from(a, (v) => (rng.next() < 0.5 ? v : rng.int(6)));
    for (const m of METHODS) {
      expect(nmi(a, b, m)).toBeCloseTo(nmi(b, a, m), 14);
      expect(ami(a, b, m)).toBeCloseTo(ami(b, a, m), 14);
    }
    expect(ami(a, b)).toBeGreaterThan(0.1);
  });

  it('invariant to the order of rows', () => {
    const rng = new Rng(34);
    const a = randomLabels(rng, 300, 4);
    const b = Array.from(a, (v) => (rng.next() < 0.5 ? v : rng.int(6)));
    const perm = rng.permutation(300);
    const ap = Array.from(perm, (i) => a[i]!);
    const bp = Array.from(perm, (i) => b[i]!);
    expect(nmi(ap, bp)).toBeCloseTo(nmi(a, b), 14);
    expect(ami(ap, bp)).toBeCloseTo(ami(a, b), 14);
  });

  it('never mutates its inputs', async () => {
    const rng = new Rng(35);
    const a = randomLabels(rng, 200, 4);
    const b = Float64Array.from(a, (v) => (rng.next() < 0.5 ? v : rng.int(6)));
    const [a0, b0] = [a.slice(), b.slice()];
    nmi(a, b);
    ami(a, b, 'geometric');
    contingencyTable(a, b);
    await runAmi(b, Float64Array.from(a));
    expect(a).toEqual(a0);
    expect(b).toEqual(b0);
  });

  it('rejects mismatched, empty labelings and unknown normalizations', () => {
    expect(() => nmi([1, 2], [1])).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH' }));
    expect(() => ami([], [])).toThrow(expect.objectContaining({ code: 'TOO_FEW_ROWS' }));
    expect(() => nmi([1, 2], [1, 2], 'mean' as Normalization)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMS', field: 'normalization' }),
    );
  });
});

describe('registry: nmi and ami', () => {
  const rng = new Rng(41);
  const a = randomLabels(rng, 400, 4);
  const b = Array.from(a, (v) => (rng.next() < 0.6 ? v : rng.int(5)));

  it('value is the score, details carry MI and entropies in nats', async () => {
    const rn = await runNmi(a, b, { normalization: 'geometric' });
    expect(rn.value).toBe(nmi(a, b, 'geometric'));
    expect(rn.params['normalization']).toBe('geometric');
    expect(rn.details?.['mi']).toBeCloseTo(miByHand(a, b), 13);
    expect(rn.details).toMatchObject({ symbolsX: 4, symbolsY: 5 });
    const ra = await runAmi(a, b);
    expect(ra.value).toBe(ami(a, b));
    expect(ra.params['normalization']).toBe('arithmetic');
    const tab = contingencyTable(a, b);
    expect(ra.details?.['expectedMI']).toBe(expectedMutualInformation(tab.rowSums, tab.colSums));
    expect(ra.details?.['hX']).toBeCloseTo(rn.details!['hX']!, 15);
    expect(ra.diagnostics).toEqual([]);
  });

  it('multi-column sides are joint labels', async () => {
    const c = randomLabels(rng, 400, 2);
    const joint = Array.from(a, (v, i) => 2 * v + c[i]!);
    const r2 = await runAmi(fromColumns([a, c], ['a', 'c']), b);
    expect(r2.value).toBeCloseTo(ami(joint, b), 14);
  });

  it('constant labelings are accepted (no CONSTANT_COLUMN) and scored by convention', async () => {
    expect((await runNmi([1, 1, 1, 1], [2, 2, 2, 2])).value).toBe(1);
    expect((await runAmi([1, 1, 1, 1], [0, 1, 0, 1])).value).toBe(0);
  });

  it('a negative AMI carries one NEGATIVE_ESTIMATE, worded for a score', async () => {
    const l2 = [1, ...new Array<number>(468).fill(0)];
    const l3 = [0, 1, ...new Array<number>(467).fill(0)];
    const r = await runAmi(l2, l3);
    expect(r.value).toBeLessThan(0);
    const neg = r.diagnostics.filter((d) => d.code === 'NEGATIVE_ESTIMATE');
    expect(neg).toHaveLength(1);
    expect(neg[0]!.severity).toBe('info');
    expect(neg[0]!.message).toMatch(/less than random labelings/);
  });

  it('NMI warns MANY_SYMBOLS when clusters are many for n', async () => {
    const x = randomLabels(rng, 100, 40);
    const y = randomLabels(rng, 100, 3);
    const r = await runNmi(x, y);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MANY_SYMBOLS']);
    expect(r.diagnostics[0]!.message).toMatch(/ami/);
  });

  it("params are strict, normalization is checked, and units 'bits' is refused for a score", async () => {
    await expect(runNmi(a, b, { normalization: 'mean' })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      field: 'normalization',
    });
    await expect(runAmi(a, b, { k: 3 })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(runAmi(a, b, { units: 'bits' })).rejects.toMatchObject({ code: 'INVALID_PARAMS', field: 'units' });
    expect((await runNmi(a, b, { units: 'nats' })).valueInUnits).toBe(nmi(a, b));
  });
});

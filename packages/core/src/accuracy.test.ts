import { describe, expect, it } from 'vitest';
import { accuracyEstimators, accuracyParams, accuracyPass, accuracyTasks, runAccuracyCell } from './accuracy.js';
import './index.js'; // registers the built-in estimators
import { expectMineError } from './test-utils.js';

describe('accuracy suite', () => {
  it('lists the tasks with closed-form truths', () => {
    const tasks = accuracyTasks();
    expect(tasks.map((t) => t.name)).toContain('cubic-gaussian-20x20-mi6');
    const rho9 = tasks.find((t) => t.name === 'gaussian-rho0.9');
    // I = −½ log(1 − ρ²) for a bivariate Gaussian.
    expect(rho9?.truth).toBeCloseTo(-0.5 * Math.log(1 - 0.81), 12);
    const mi6 = tasks.filter((t) => t.name.endsWith('20x20-mi6'));
    expect(mi6).toHaveLength(2); // the Gaussian and its cubic: same MI
    for (const t of mi6) expect(t.truth).toBeCloseTo(6, 10);
    expect(accuracyTasks({ quick: true }).every((t) => t.quick)).toBe(true);
    expect(accuracyTasks({ names: ['uniform-noise-eps0.1'] })).toHaveLength(1);
  });

  it('runs the continuous estimators, not mixed or the label scores', () => {
    const ids = accuracyEstimators();
    expect(ids).toEqual(expect.arrayContaining(['ksg', 'gaussian', 'copula', 'mine', 'smile', 'auto']));
    expect(ids).not.toContain('mixed');
    expect(ids).not.toContain('nmi');
  });

  it('gives neural estimators the documented budget and others nothing', () => {
    expect(accuracyParams('ksg', 40)).toEqual({});
    expect(accuracyParams('smile', 40)).toMatchObject({ hidden: [512], batchSize: 256, steps: 3000 });
    expect(accuracyParams('mine', 2, { steps: 100 })).toMatchObject({ hidden: [100, 100], steps: 100 });
  });

  it('passes within max(0.1, 10%) and fails outside', () => {
    expect(accuracyPass(0.75, 0.83)).toBe(true);
    expect(accuracyPass(0.72, 0.83)).toBe(false);
    expect(accuracyPass(5.5, 6)).toBe(true); // 10% of 6 = 0.6
    expect(accuracyPass(6.7, 6)).toBe(false); // above the truth fails like below
    expect(accuracyPass(Number.NaN, 0)).toBe(false);
  });

  it('runs a cell reproducibly: the Gaussian formula on ρ = 0.9 passes', async () => {
    const tasks = accuracyTasks();
    const i = tasks.findIndex((t) => t.name === 'gaussian-rho0.9');
    const task = tasks[i]!;
    const a = await runAccuracyCell(task, i, 'gaussian', { n: 2000, seeds: 2 });
    const b = await runAccuracyCell(task, i, 'gaussian', { n: 2000, seeds: 2 });
    expect(a.values).toEqual(b.values);
    expect(a.values).toHaveLength(2);
    // n = 2000: the sd of the Gaussian MI estimate at ρ = 0.9 is ≈ ρ/√n ≈ 0.02, far inside 0.1.
    expect(a.pass).toBe(true);
    expect(Math.abs(a.mean - task.truth)).toBeLessThan(0.06);
  });

  it('propagates an abort instead of recording it as a failed seed', async () => {
    const [task] = accuracyTasks();
    const ctl = new AbortController();
    ctl.abort();
    await expectMineError(runAccuracyCell(task!, 0, 'ksg', { n: 500, seeds: 1, signal: ctl.signal }), 'ABORTED');
  });
});

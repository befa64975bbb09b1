import { describe, expect, test } from 'vitest';
import { reportedValue, type EvaluationSummary } from './protocol.js';

const base: EvaluationSummary = {
  objective: 'dv',
  earlyStop: true,
  diverged: false,
  stepsRun: 500,
  initial: 0.01,
  best: { smoothed: 0.8, value: 0.82, step: 300 },
  lastValidation: 0.75,
};

describe('reportedValue: which held-out value a run reports', () => {
  test('early stopping reports the raw value where the smoothed one peaked; without it, the last evaluation', () => {
    expect(reportedValue(base)).toMatchObject({ value: 0.82, bestStep: 300, neverImproved: false });
    expect(reportedValue({ ...base, earlyStop: false })).toMatchObject({ value: 0.75, bestStep: 500 });
    // A diverged run reports the best before the divergence even without early stopping.
    expect(reportedValue({ ...base, earlyStop: false, diverged: true })).toMatchObject({ value: 0.82, bestStep: 300 });
  });

  test('a true bound whose training never beat the untrained critic reports the untrained (tighter) bound', () => {
    const r = reportedValue({ ...base, initial: 0.02, best: { smoothed: -3.1, value: -3, step: 50 } });
    expect(r).toEqual({ value: 0.02, bestStep: 0, neverImproved: true, initialIsBound: true });
  });

  test("SMILE never reports the untrained critic: its clipped estimate of a random critic is no bound", () => {
    // The case that was reported before: a [512] separable critic read 7.54 nats at step 0 on a
    // 2-nat task (joint scores high, marginal ones below −τ), and training never beat it.
    const r = reportedValue({ ...base, objective: 'smile', initial: 7.54, best: { smoothed: 0.6, value: 0.63, step: 550 } });
    expect(r).toEqual({ value: 0.63, bestStep: 550, neverImproved: true, initialIsBound: false });
  });

  test('with no trained evaluation (diverged before the first) the untrained value is all there is', () => {
    const r = reportedValue({ ...base, diverged: true, stepsRun: 10, best: { smoothed: -Infinity, value: NaN, step: 0 } });
    expect(r).toMatchObject({ value: 0.01, bestStep: 0, neverImproved: false });
  });
});

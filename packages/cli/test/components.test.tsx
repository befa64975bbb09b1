import React from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import type { EstimateResult, ProgressEvent } from '@mine/core';
import ProgressView from '../src/ui/components/ProgressView.js';
import ResultCard from '../src/ui/components/ResultCard.js';
import { bar, sparkline } from '../src/format.js';

// Frames are compared unstyled: colours are the terminal's business.
const strip = (s: string | undefined): string => (s ?? '').replace(/\u001b\[[0-9;]*m/g, '');

const events: ProgressEvent[] = [
  { done: 50, total: 200, unit: 'steps', values: { train: 0.1, validation: 0.05 }, rate: 100, etaSeconds: 1.5 },
  { done: 100, total: 200, unit: 'steps', values: { train: 0.3, validation: 0.2 }, rate: 200, etaSeconds: 0.5 },
  { done: 150, total: 200, unit: 'steps', values: { train: 0.5, validation: 0.4 }, rate: 250, etaSeconds: 0.2 },
];

describe('ProgressView', () => {
  it('shows the bar, step/total, rate, ETA, bounds and the validation sparkline of the latest event', () => {
    // Given three progress events, rendered one after another as the live view does
    const history: number[] = [];
    const { lastFrame, rerender } = render(<ProgressView title="mine  I(a; b)" history={[]} width={20} />);
    expect(strip(lastFrame())).toContain('starting…');
    for (const e of events) {
      history.push(e.values!['validation']!);
      rerender(<ProgressView title="mine  I(a; b)" event={e} history={[...history]} width={20} />);
    }
    const frame = strip(lastFrame());
    // Then the frame reflects the last one: 150/200 = 75% → 15 of 20 cells filled
    const lines = frame.split('\n');
    expect(lines[0]).toBe('mine  I(a; b)');
    expect(lines[1]).toBe(`${'█'.repeat(15)}${' '.repeat(5)}  150/200 steps  75%  250 steps/s  ETA 0.20 s`);
    expect(lines[2]).toBe('bound  train 0.5000  validation 0.4000 nats');
    // validation 0.05, 0.2, 0.4 scaled to ▁..█: 0 → ▁, (0.15/0.35)·7 = 3 → ▄, 7 → █
    expect(lines[3]).toBe('▁▄█ validation');
  });

  it('converts bounds to bits and shows a final status instead of the ETA', () => {
    const e = events[2]!;
    const { lastFrame } = render(<ProgressView title="t" event={e} history={[0.4]} units="bits" width={10} status="done in 1.00 s" />);
    const frame = strip(lastFrame());
    expect(frame).toContain('150/200 steps  75%  250 steps/s  done in 1.00 s');
    expect(frame).not.toContain('ETA');
    expect(frame).toContain(`train ${(0.5 / Math.LN2).toFixed(4)}  validation ${(0.4 / Math.LN2).toFixed(4)} bits`);
  });
});

describe('format helpers', () => {
  it('sparkline scales min→▁ and max→█, draws a flat series mid-height, skips NaN', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([1, 1, 1])).toBe('▄▄▄');
    expect(sparkline([0, NaN, 1])).toBe('▁█');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▁█');
  });
  it('bar has eighth-cell resolution and a fixed width', () => {
    expect(bar(0.5, 10)).toBe('█████     ');
    expect(bar(0.05, 10)).toBe('▌         ');
    expect(bar(2, 4)).toBe('████');
    expect(bar(NaN, 3)).toBe('   ');
  });
});

const result: EstimateResult = {
  estimator: 'mine',
  value: 0.75,
  bits: 0.75 / Math.LN2,
  units: 'bits',
  valueInUnits: 0.75 / Math.LN2,
  kind: 'lower-bound',
  params: { seed: 1, units: 'bits', backend: 'wasm', hidden: [64, 64], batchSize: 128, steps: 500, lr: 0.001, earlyStop: false, repeats: 3, patience: 10 },
  n: 2000,
  dims: { x: 1, y: 1 },
  columns: { x: ['temp'], y: ['humidity'] },
  seconds: 2.5,
  diagnostics: [
    { code: 'NOT_CONVERGED', severity: 'warning', message: 'still rising' },
    { code: 'OTHER', severity: 'info', message: 'a note' },
  ],
  ci: { lower: 0.7, upper: 0.8, level: 0.95, method: 't-over-repeats' },
  details: { steps: 500, bestStep: 450, trainBound: 0.8 },
};

describe('ResultCard', () => {
  it('shows the value in the asked units, the CI, estimator with key params, n, seconds and diagnostics', () => {
    const { lastFrame } = render(<ResultCard result={result} />);
    const frame = strip(lastFrame());
    const bits = (0.75 / Math.LN2).toFixed(4);
    expect(frame).toContain(`I(temp; humidity) = ${bits} bits  (0.7500 nats)`);
    expect(frame).toContain(`95% CI [${(0.7 / Math.LN2).toFixed(4)}, ${(0.8 / Math.LN2).toFixed(4)}] bits  (t-over-repeats)`);
    expect(frame).toContain('estimator  mine (lower-bound)  backend=wasm hidden=64,64 batchSize=128 steps=500 lr=0.001');
    expect(frame).toContain('earlyStop=false');
    expect(frame).not.toContain('patience='); // not a key parameter of the card
    expect(frame).toContain('n          2000 rows · 2.50 s');
    expect(frame).toContain('training   500 steps (first of 3 runs), best at 450, train bound 0.8000 nats');
    expect(frame).toContain('⚠ NOT_CONVERGED: still rising');
    expect(frame).toContain('· OTHER: a note');
    expect(frame.startsWith('╭')).toBe(true);
  });

  it('has no CI line without a CI, and a unitless score has no units', () => {
    const score: EstimateResult = { ...result, estimator: 'nmi', units: 'unitless', value: 0.5, bits: 0.5, valueInUnits: 0.5, kind: 'score', params: { normalization: 'arithmetic' }, diagnostics: [], details: {} };
    delete score.ci;
    const frame = strip(render(<ResultCard result={score} />).lastFrame());
    expect(frame).toContain('I(temp; humidity) = 0.5000 ');
    expect(frame).not.toContain('CI');
    expect(frame).not.toContain('nats');
  });
});

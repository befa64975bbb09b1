import { describe, expect, it } from 'vitest';
import { listEstimators } from '@mine/core';
import { collectParams, flagForField, kebab, paramFlags } from '../src/flags.js';
import { createProgram } from '../src/cli.js';
import { UsageError } from '../src/errors.js';

describe('generated estimator flags', () => {
  it('every parameter of every estimator schema has a flag taken by that estimator (no drift)', () => {
    const flags = paramFlags();
    const estimate = createProgram().commands.find((c) => c.name() === 'estimate')!;
    const longs = new Set(estimate.options.map((o) => o.long));
    let checked = 0;
    for (const e of listEstimators()) {
      const props = Object.keys((e.paramsJsonSchema['properties'] ?? {}) as object);
      expect(props.length).toBeGreaterThan(0);
      for (const p of props) {
        const f = flags.find((g) => g.param === p);
        expect(f, `${e.id}.${p} has no flag`).toBeDefined();
        expect(f!.estimators).toContain(e.id);
        expect(longs.has(`--${kebab(p)}`), `--${kebab(p)} is not an option of estimate`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('camelCase → kebab-case; types from the schema', () => {
    expect(kebab('batchSize')).toBe('batch-size');
    expect(kebab('validationFraction')).toBe('validation-fraction');
    const byParam = Object.fromEntries(paramFlags().map((f) => [f.param, f]));
    expect(byParam['batchSize']!.type).toBe('number');
    expect(byParam['hidden']!.type).toBe('number[]');
    expect(byParam['earlyStop']!.type).toBe('boolean');
    expect(byParam['backend']!.choices).toEqual(['wasm', 'wasm-fma', 'js', 'tfjs']);
    expect(byParam['algorithm']!.choices).toEqual([1, 2]);
    expect(byParam['k']!.estimators).toEqual(['ksg', 'mixed']);
  });

  it('parses numbers, lists, booleans and the --no-early-stopping alias through commander', async () => {
    const program = createProgram();
    const estimate = program.commands.find((c) => c.name() === 'estimate')!;
    let seen: Record<string, unknown> = {};
    estimate.action((_file: string, opts: Record<string, unknown>) => {
      seen = collectParams(opts, 'mine');
    });
    await program.parseAsync(['node', 'mine', 'estimate', 'f.csv', '--x', 'a', '--y', 'b', '--steps', '40', '--batch-size', '32', '--hidden', '8,4', '--lr', '0.01', '--no-early-stopping']);
    expect(seen).toEqual({ steps: 40, batchSize: 32, hidden: [8, 4], lr: 0.01, earlyStop: false });
  });

  it('a flag the estimator does not take is a usage error naming the estimator', () => {
    expect(() => collectParams({ steps: 10 }, 'ksg')).toThrow(UsageError);
    expect(() => collectParams({ steps: 10 }, 'ksg')).toThrow("--steps is not a parameter of the 'ksg' estimator");
    expect(collectParams({ k: 5, seed: 2 }, 'ksg')).toEqual({ k: 5, seed: 2 });
  });

  it('maps core INVALID_PARAMS fields back to flags', () => {
    expect(flagForField('hidden.0')).toBe('--hidden');
    expect(flagForField('batchSize')).toBe('--batch-size');
    expect(flagForField('nope')).toBeUndefined();
  });
});

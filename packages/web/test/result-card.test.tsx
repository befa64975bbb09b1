// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset, estimate, selectXY } from '@mine/core';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { RankBars } from '../src/components/RankBars.js';
import { ResultCard } from '../src/components/ResultCard.js';

afterEach(cleanup);

// A path, not a URL object: under jsdom `URL` is jsdom's, which node:fs does not accept.
const sensors = Dataset.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../core/examples/sensors.csv'), 'utf8'));

describe('the result card renders core\'s results', () => {
  test('value in the chosen units, the CI over repeats, the estimator, n and the key params', async () => {
    const { x, y } = selectXY(sensors, 'temp', 'humidity');
    // Small and fast, but real: two repeats give a t interval; units bits.
    const r = await estimate(x, y, { estimator: 'mine', seed: 1, steps: 40, hidden: [8], repeats: 2, units: 'bits' });
    expect(r.ci).toMatchObject({ level: 0.95, method: 't-over-repeats' });
    render(<ResultCard result={r} />);
    const card = screen.getByTestId('result');
    expect(card.getAttribute('data-value')).toBe(String(r.value));
    expect(card.getAttribute('data-units')).toBe('bits');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('I(temp; humidity)');
    expect(screen.getByTestId('value').textContent).toBe(r.valueInUnits.toFixed(4));
    expect(card.querySelector('.value')!.textContent).toContain(' bits');
    const lo = (r.ci!.lower / Math.LN2).toFixed(4);
    const hi = (r.ci!.upper / Math.LN2).toFixed(4);
    expect(screen.getByTestId('ci').textContent).toContain(`95% CI [${lo}, ${hi}] bits`);
    expect(screen.getByTestId('estimator').textContent).toBe('mine');
    expect(screen.getByTestId('n').textContent).toBe('2000');
    expect(screen.getByTestId('seconds').textContent).toBe(`${r.seconds.toFixed(2)} s`);
    expect(within(card).getByText('repeats').nextElementSibling!.textContent).toBe('2');
    expect(within(card).getByText('hidden').nextElementSibling!.textContent).toBe('[8]');
  });

  test('diagnostics are listed, warnings styled as warnings; no CI when there is none', async () => {
    const { x, y } = selectXY(sensors, 'temp,humidity', 'noise');
    const r = await estimate(x, y, { estimator: 'ksg', seed: 0 });
    // (temp, humidity) and noise are independent: KSG lands just below zero and core says so.
    expect(r.value).toBeLessThan(0);
    render(<ResultCard result={r} />);
    expect(screen.queryByTestId('ci')).toBeNull();
    const items = within(screen.getByTestId('diagnostics')).getAllByRole('listitem');
    expect(items).toHaveLength(r.diagnostics.length);
    const neg = items.find((li) => li.textContent!.includes('NEGATIVE_ESTIMATE'))!;
    expect(neg.className).toContain('diag-warning');
    expect(neg.textContent).toContain(r.diagnostics.find((d) => d.code === 'NEGATIVE_ESTIMATE')!.message);
    expect(screen.getByTestId('value').textContent).toBe(r.value.toFixed(4));
  });

  test('ranking bars: in core\'s order, values shown, the longest bar for the top feature', async () => {
    const { rankFeatures } = await import('@mine/core');
    const ranking = await rankFeatures(sensors, 'humidity', ['temp', 'load', 'noise'], { estimator: 'gaussian' });
    render(<RankBars ranking={ranking} target="humidity" />);
    const rows = screen.getAllByRole('listitem');
    expect(rows.map((li) => li.getAttribute('data-feature'))).toEqual(ranking.map((f) => f.feature));
    expect(rows[0]!.querySelector('.bar-value')!.textContent).toBe(`${ranking[0]!.result.value.toFixed(4)} nats`);
    expect((rows[0]!.querySelector('.bar-fill') as HTMLElement).style.width).toBe('100%');
  });
});

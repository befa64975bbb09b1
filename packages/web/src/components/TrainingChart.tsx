import { useMemo } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from './UPlotChart.js';

/** One point of the live curve: the bounds core reported at a training step (nats). */
export interface CurvePoint {
  step: number;
  train?: number;
  validation?: number;
}

/** Turns progress points into uPlot's columns; a missing value is a gap (`null`). */
export function curveData(points: readonly CurvePoint[]): uPlot.AlignedData {
  return [points.map((p) => p.step), points.map((p) => p.train ?? null), points.map((p) => p.validation ?? null)];
}

const OPTIONS: Omit<uPlot.Options, 'width' | 'height'> = {
  scales: { x: { time: false } },
  axes: [{ label: 'step' }, { label: 'bound (nats)' }],
  series: [
    { label: 'step' },
    { label: 'train', stroke: '#2563eb', width: 1.5, spanGaps: true },
    { label: 'validation', stroke: '#d97706', width: 2, spanGaps: true },
  ],
};

/** The live chart of the train and validation bounds per step (neural estimators). */
export function TrainingChart({ points }: { points: readonly CurvePoint[] }) {
  const data = useMemo(() => curveData(points), [points]);
  const last = points[points.length - 1];
  const label = last
    ? `Training curve: ${points.length} points up to step ${last.step}` +
      (last.validation !== undefined ? `, validation bound ${last.validation.toFixed(3)} nats` : '')
    : 'Training curve: no points yet';
  return <UPlotChart options={OPTIONS} data={data} label={label} testId="training-chart" />;
}

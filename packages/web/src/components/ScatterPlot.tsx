import { useMemo } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from './UPlotChart.js';

/** Props of {@link ScatterPlot}. */
export interface ScatterPlotProps {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  xLabel: string;
  yLabel: string;
}

/**
 * Sorts the pairs by x (uPlot's aligned data needs ascending x) and drops
 * rows where either value is missing. The pairs themselves are unchanged, so
 * the picture is the same scatter.
 */
export function scatterData(xs: ArrayLike<number>, ys: ArrayLike<number>): uPlot.AlignedData {
  const idx: number[] = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) idx.push(i);
  idx.sort((a, b) => xs[a]! - xs[b]!);
  return [idx.map((i) => xs[i]!), idx.map((i) => ys[i]!)];
}

/** A scatter plot of two columns: uPlot with points only (no connecting path). */
export function ScatterPlot({ xs, ys, xLabel, yLabel }: ScatterPlotProps) {
  const data = useMemo(() => scatterData(xs, ys), [xs, ys]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: { x: { time: false } },
      axes: [{ label: xLabel }, { label: yLabel }],
      legend: { show: false },
      cursor: { show: false },
      series: [
        { label: xLabel },
        { label: yLabel, stroke: '#0f766e', fill: '#0f766e55', paths: () => null, points: { show: true, size: 3, width: 0, fill: '#0f766e88', stroke: '#0f766e' } },
      ],
    }),
    [xLabel, yLabel],
  );
  return (
    <UPlotChart
      key={`${xLabel}\u0000${yLabel}`}
      options={options}
      data={data}
      label={`Scatter plot of ${yLabel} against ${xLabel}, ${data[0].length} rows`}
      testId="scatter"
    />
  );
}

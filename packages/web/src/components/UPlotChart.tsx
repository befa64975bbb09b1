import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Props of {@link UPlotChart}. */
export interface UPlotChartProps {
  /** uPlot options without width/height (the chart fills its box; height is `height`). */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  /** Pixels. @default 260 */
  height?: number;
  /** Accessible name of the chart (uPlot draws on a canvas, which has no text). */
  label: string;
  testId?: string;
}

/**
 * A uPlot chart that follows its container's width. Options are read once
 * (new options → remount it with a `key`); data changes go through
 * `setData`, which keeps the scales and avoids rebuilding the canvas on every
 * progress event.
 */
export function UPlotChart({ options, data, height = 260, label, testId }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot({ ...options, width: Math.max(200, el.clientWidth), height }, data, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Options are fixed for the chart's lifetime (see the doc comment); data is pushed below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={box} className="chart" role="img" aria-label={label} data-testid={testId} />;
}

import React from 'react';
import { Box, Text } from 'ink';
import type { ProgressEvent } from '@mine/core';
import { bar, duration, num, sparkline } from '../../format.js';

/** Props of the live progress view. */
export interface ProgressViewProps {
  /** First line, e.g. `mine  I(temp; humidity)  2000 rows`. */
  readonly title: string;
  /** The latest progress event from core (undefined before the first one). */
  readonly event?: ProgressEvent;
  /** Validation bounds seen so far, in nats, oldest first (the sparkline). */
  readonly history: readonly number[];
  /** Units the bounds are shown in. @default 'nats' */
  readonly units?: 'nats' | 'bits';
  /** Bar width in cells. @default 30 */
  readonly width?: number;
  /** Set once the run is over: replaces the ETA with a final status. */
  readonly status?: string;
}

/**
 * The live view of a long estimation (rendered to stderr):
 *
 *     mine  I(temp; humidity)  2000 rows
 *     ████████████▍                  1200/3000 steps  40%  412 steps/s  ETA 4.4 s
 *     bound  train 0.7512  validation 0.5925 nats
 *     ▁▂▃▄▅▆▆▇▇███  validation
 */
export default function ProgressView({ title, event, history, units = 'nats', width = 30, status }: ProgressViewProps) {
  const conv = (v: number | undefined): number | undefined => (v === undefined ? v : units === 'bits' ? v / Math.LN2 : v);
  const total = event?.total;
  const fraction = event && total ? event.done / total : 0;
  const train = event?.values?.['train'];
  const validation = event?.values?.['validation'];
  const spark = sparkline(history.map((v) => conv(v)!), 48);
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {event ? (
        <Text>
          <Text color="cyan">{bar(fraction, width)}</Text>
          {'  '}
          {event.done}/{total ?? '?'} {event.unit}
          {total ? `  ${Math.floor(fraction * 100)}%` : ''}
          {event.rate !== undefined ? `  ${event.rate.toFixed(event.rate >= 100 ? 0 : 1)} ${event.unit}/s` : ''}
          {status ? `  ${status}` : event.etaSeconds !== undefined ? `  ETA ${duration(event.etaSeconds)}` : ''}
        </Text>
      ) : (
        <Text dimColor>{status ?? 'starting…'}</Text>
      )}
      {train !== undefined || validation !== undefined ? (
        <Text>
          bound  train {num(conv(train))}  validation <Text bold>{num(conv(validation))}</Text> {units}
        </Text>
      ) : null}
      {spark ? (
        <Text>
          <Text color="green">{spark}</Text> <Text dimColor>validation</Text>
        </Text>
      ) : null}
    </Box>
  );
}

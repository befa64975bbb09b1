import React from 'react';
import { Box, Static, Text } from 'ink';
import type { ProgressEvent } from '@mine/core';
import { bar, duration } from '../../format.js';

/** One finished line of the bench table (already formatted) and whether it passed. */
export interface BenchLine {
  readonly key: string;
  readonly text: string;
  readonly pass: boolean;
}

/** Props of the bench view. */
export interface BenchViewProps {
  /** Settings line and table header, printed once. */
  readonly header: readonly string[];
  /** Finished rows (printed above the live area, never redrawn). */
  readonly lines: readonly BenchLine[];
  /** The running cell, e.g. `gaussian-rho0.9 × mine`, and its progress. */
  readonly current?: string;
  readonly event?: ProgressEvent;
  /** Cells done / total. */
  readonly done: number;
  readonly total: number;
  readonly elapsed: number;
}

/**
 * The live `mine bench` view: finished rows above, the running cell below.
 *
 *     accuracy (quick): n = 2000, 1 seed, neural ≤ 300 steps …
 *     task               truth  estimator   mean   sd  pass   s/run  notes
 *     gaussian-rho0.5    0.144  ksg        0.141    –  yes     0.02
 *     ─ cell 2/63  gaussian-rho0.5 × mine  ███████▌        150/300 steps  12.1 s
 */
export default function BenchView({ header, lines, current, event, done, total, elapsed }: BenchViewProps) {
  return (
    <Box flexDirection="column">
      <Static items={[{ key: 'header', text: header.join('\n'), pass: true }, ...lines]}>
        {(l) => (
          <Text key={l.key} {...(l.key === 'header' ? { bold: true } : l.pass ? {} : { color: 'red' })}>
            {l.text}
          </Text>
        )}
      </Static>
      {current ? (
        <Text>
          <Text dimColor>
            cell {done + 1}/{total}
          </Text>{' '}
          {current}
          {event?.total ? (
            <>
              {'  '}
              <Text color="cyan">{bar(event.done / event.total, 16)}</Text> {event.done}/{event.total} {event.unit}
            </>
          ) : null}
          {'  '}
          <Text dimColor>{duration(elapsed)}</Text>
        </Text>
      ) : null}
    </Box>
  );
}

import React from 'react';
import { Box, Text } from 'ink';
import type { EstimateResult } from '@mine/core';
import { cardLines } from '../../format.js';

/** Props of the result card. */
export interface ResultCardProps {
  readonly result: EstimateResult;
}

/**
 * One estimate as a card:
 *
 *     ╭──────────────────────────────────────────────────────────────╮
 *     │ I(temp; humidity) = 0.7572 nats  (1.0924 bits)               │
 *     │ estimator  ksg (point)  seed=0 k=3 algorithm=1 …             │
 *     │ n          2000 rows · 0.05 s                                │
 *     │ ⚠ NEGATIVE_ESTIMATE: …                       (yellow)        │
 *     ╰──────────────────────────────────────────────────────────────╯
 */
export default function ResultCard({ result }: ResultCardProps) {
  const c = cardLines(result);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text>
        <Text bold>{c.title}</Text> = <Text bold color="green">{c.value}</Text>
      </Text>
      {c.ci ? <Text>{c.ci}</Text> : null}
      {c.lines.map((l, i) => (
        <Text key={i}>{l}</Text>
      ))}
      {c.warnings.map((w, i) => (
        <Text key={`w${i}`} color="yellow">
          {w}
        </Text>
      ))}
    </Box>
  );
}

// `pnpm example`: estimates MI on the bundled sensors.csv with each classical
// estimator and prints one line per estimate (see make-sensors.mjs for the truth).
import { readFileSync } from 'node:fs';
import { Dataset, estimate, selectXY } from '../dist/index.js';

const file = new URL('./sensors.csv', import.meta.url);
const ds = Dataset.parse(readFileSync(file, 'utf8'));
console.log(`sensors.csv: ${ds.nRows} rows, columns ${ds.names.join(', ')}\n`);

const jobs = [
  ['temp', 'humidity', 'ksg', {}, '0.7538 (Gaussian pair, ρ = −0.882)'],
  ['temp', 'humidity', 'gaussian', {}, '0.7538'],
  ['temp', 'humidity', 'copula', {}, '0.7538'],
  ['temp', 'load', 'ksg', {}, 'large: load is a noisy cubic of temp'],
  ['temp', 'load', 'gaussian', {}, 'underestimates: the cubic is not linear'],
  ['temp,humidity', 'noise', 'ksg', {}, '0 (independent)'],
  ['status', 'temp', 'mixed', {}, 'label vs continuous'],
];
for (const [xs, ys, estimator, params, truth] of jobs) {
  const { x, y } = selectXY(ds, xs, ys);
  const r = await estimate(x, y, { estimator, seed: 1, ...params });
  const warn = r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code);
  console.log(
    `I(${xs}; ${ys})`.padEnd(26) +
      `${estimator.padEnd(9)} ${r.value.toFixed(4)} nats  (${r.bits.toFixed(4)} bits)  ` +
      `${(r.seconds * 1000).toFixed(1)} ms   truth: ${truth}${warn.length ? `   [${warn.join(', ')}]` : ''}`,
  );
}

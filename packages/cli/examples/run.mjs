// `pnpm example` (the README's quick start): runs the `mine` command on the
// bundled example files and says what each answer should be. The truths come
// from how the files were generated (make-examples.mjs, and
// packages/core/examples/make-sensors.mjs for sensors.csv).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));

const runs = [
  [['estimate', 'sensors.csv', '--x', 'temp', '--y', 'humidity'], 'truth 0.7538 nats (a Gaussian pair, ρ = −0.882); auto picks ksg for 1-D continuous data'],
  [
    ['estimate', 'sensors.csv', '--x', 'temp', '--y', 'humidity', '--estimator', 'mine', '--repeats', '3', '--seed', '1'],
    'truth 0.7538 nats; a neural lower bound on held-out rows, 3 repeats give a 95% t interval',
  ],
  [['estimate', 'sensors.csv', '--x', 'status', '--y', 'temp'], 'truth 0.5466 nats (by quadrature); auto picks mixed for a label against a continuous column'],
  [['rank', 'features.csv', '--target', 'target'], 'truth: f1 0.461, f2 0.082, color ≈ 0.1–0.2 (no closed form), f3 = f4 = 0'],
  [['compare', 'labels.csv', '--a', 'truth', '--b', 'cluster'], '20% of the rows moved to the next label'],
];

let failed = 0;
for (const [args, truth] of runs) {
  console.log(`\n$ mine ${args.join(' ')}\n  (${truth})`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: here, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);

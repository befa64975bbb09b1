// Regenerates sensors.csv, the bundled example (seeded, so the file is reproducible):
//   node examples/make-sensors.mjs > examples/sensors.csv   (after `pnpm build`)
//
// Columns and the true MI between them:
//   temp     ~ N(20, 5²)
//   humidity = 60 − 1.5 (temp − 20) + N(0, 4²)  → ρ = −37.5 / (5 · 8.5) = −0.88235,
//              I(temp; humidity) = −½ ln(1 − ρ²) = 0.7538 nats
//   load     = ((temp − 20) / 5)³ + 0.1·N(0,1)   (a monotone, non-linear reading)
//   noise    ~ N(0, 1), independent of everything: I = 0
//   status   'cold' | 'ok' | 'hot' from temp + N(0, 2²) against 15 and 25 (a categorical column);
//            I(status; temp) by quadrature in run.mjs
// Five decimals keep rounding ties rare (KSG reports ties as a diagnostic).
import { Rng } from '../dist/rng.js';

const rng = new Rng(2026);
const n = 2000;
const rows = ['temp,humidity,load,noise,status'];
for (let i = 0; i < n; i++) {
  const temp = 20 + 5 * rng.normal();
  const humidity = 60 - 1.5 * (temp - 20) + 4 * rng.normal();
  const load = ((temp - 20) / 5) ** 3 + 0.1 * rng.normal();
  const noise = rng.normal();
  const t = temp + 2 * rng.normal();
  const status = t < 15 ? 'cold' : t > 25 ? 'hot' : 'ok';
  rows.push([temp.toFixed(5), humidity.toFixed(5), load.toFixed(6), noise.toFixed(6), status].join(','));
}
process.stdout.write(rows.join('\n') + '\n');

// Regenerates the bundled examples (seeded, so the files are reproducible):
//   node examples/make-examples.mjs      (from packages/cli, after `pnpm build`)
//
// features.csv (1500 rows): a target and five candidate features with a known ranking.
//   f1, f2, f3, f4 ~ N(0, 1) independent; color uniform on red/green/blue
//   target = 3·f1 + 1.5·f2 + shift(color) + N(0, 1), shift = −2 / 0 / +2
//   Var(target) = 9 + 2.25 + 8/3 + 1 = 14.92, so
//     I(f1; target) = −½ ln(1 − 9/14.92)    = 0.461 nats
//     I(f2; target) = −½ ln(1 − 2.25/14.92) = 0.082 nats
//     I(color; target) > 0 (a three-component Gaussian mixture; no closed form, ≈ 0.1–0.2 nats)
//     I(f3; target) = I(f4; target) = 0
//   so the ranking is f1 first, then color and f2, and f3, f4 last.
//
// labels.csv (400 rows): labelings for `mine compare` and `mine entropy`.
//   truth    a/b/c/d, exactly 100 rows each (H = ln 4 = 1.3863 nats = 2 bits)
//   same     truth renamed (a→w, b→x, c→y, d→z): NMI = AMI = 1 with truth
//   cluster  truth with 20% of rows (every 5th) moved to the next label
//   coin     heads/tails, exactly 200 each (H = ln 2), independent of truth by construction
//            (every truth label has 50 heads and 50 tails), so I(truth; coin) = 0 exactly
import { writeFileSync } from 'node:fs';
import { Rng } from '@mine/core';

const here = new URL('.', import.meta.url);

{
  const rng = new Rng(4);
  const colors = ['red', 'green', 'blue'];
  const shift = { red: -2, green: 0, blue: 2 };
  const rows = ['f1,f2,f3,f4,color,target'];
  for (let i = 0; i < 1500; i++) {
    const f = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const color = colors[Math.floor(rng.uniform() * 3)];
    const target = 3 * f[0] + 1.5 * f[1] + shift[color] + rng.normal();
    rows.push([...f.map((v) => v.toFixed(5)), color, target.toFixed(5)].join(','));
  }
  writeFileSync(new URL('features.csv', here), rows.join('\n') + '\n');
}

{
  const rng = new Rng(5);
  const names = ['a', 'b', 'c', 'd'];
  const renamed = { a: 'w', b: 'x', c: 'y', d: 'z' };
  const n = 400;
  const order = rng.permutation(n);
  const rows = ['truth,same,cluster,coin'];
  for (let i = 0; i < n; i++) {
    const j = order[i];
    const t = j % 4;
    const truth = names[t];
    const cluster = Math.floor(j / 4) % 5 === 0 ? names[(t + 1) % 4] : truth;
    const coin = Math.floor(j / 4) % 2 === 0 ? 'heads' : 'tails';
    rows.push([truth, renamed[truth], cluster, coin].join(','));
  }
  writeFileSync(new URL('labels.csv', here), rows.join('\n') + '\n');
}

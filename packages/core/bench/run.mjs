// `pnpm bench` entry for @mine/core: runs each benchmark script in its own
// process (so one's heap does not skew another's memory figures) and lets
// their markdown tables through. Speed is measured here, never in tests.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scripts = [
  ['ksg.mjs', []],
  ['csv-load.mjs', ['--expose-gc']],
  // relaxed SIMD for the wasm-fma rows (on by default from Node 22)
  ['train-speed.mjs', ['--experimental-wasm-relaxed-simd']],
];
let failed = false;
for (const [script, flags] of scripts) {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const r = spawnSync(process.execPath, [...flags, path, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench ${script} failed (exit ${r.status})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);

// Throughput of the exp-based kernels (exp, tanh and elu activations,
// log-sum-exp, softmax) against the plain-JS reference, one thread, on the
// built package.
//
//   node --experimental-wasm-relaxed-simd bench/elementwise.mjs      (part of `pnpm bench`)
//
// Inputs: 2^18 floats (1 MiB, past L2) and 2^14 (in L1/L2), uniform in
// [−5, 5]; bias 0. Each kernel runs REPS timed batches per backend, the
// backends' batches interleaved (so a slow moment of the machine hits all of
// them); the figure is the median batch, in ns per element, and the ratio of
// the js reference to wasm.
import { performance } from 'node:perf_hooks';
import { createReferenceKernels, loadWasmKernels, wasmKernelsSupported } from '../dist/index.js';

const REPS = 15;
const backends = [{ label: 'wasm', k: await loadWasmKernels() }];
if (wasmKernelsSupported({ fma: true })) backends.push({ label: 'wasm-fma', k: await loadWasmKernels({ fma: true }) });
backends.push({ label: 'js', k: createReferenceKernels() });

const KERNELS = [
  ['exp', (k, b, n) => k.exp(b.x, b.y, n)],
  ['tanh (biasAct)', (k, b, n) => k.biasAct(b.x, 0, b.y, 1, n, 'tanh')],
  ['elu (biasAct)', (k, b, n) => k.biasAct(b.x, 0, b.y, 1, n, 'elu')],
  ['logSumExp', (k, b, n) => k.logSumExp(b.x, n)],
  ['softmax', (k, b, n) => k.softmax(b.x, b.y, n)],
];

console.log(`\nexp-based kernels, ns per element, median of ${REPS} (node ${process.version})\n`);
console.log(`| kernel | n | ${backends.map((b) => b.label).join(' | ')} | js / wasm |`);
console.log(`|---|---:|${backends.map(() => '---:|').join('')}---:|`);
for (const n of [1 << 18, 1 << 14]) {
  const bufs = backends.map(({ k }) => {
    const h = k.heap;
    h.reset();
    const b = { x: h.alloc(n), y: h.alloc(n) };
    const f = h.F32;
    for (let i = 0; i < n; i++) f[b.x / 4 + i] = ((i * 7919) % 1000) / 100 - 5;
    return b;
  });
  for (const [name, run] of KERNELS) {
    const times = backends.map(() => []);
    const inner = backends.map(({ label }) => (label === 'js' ? 1 : Math.max(1, Math.round(2 ** 22 / n))));
    backends.forEach(({ k }, j) => {
      for (let i = 0; i < 3 * inner[j]; i++) run(k, bufs[j], n);
    });
    for (let r = 0; r < REPS; r++) {
      backends.forEach(({ k }, j) => {
        const t0 = performance.now();
        for (let i = 0; i < inner[j]; i++) run(k, bufs[j], n);
        times[j].push(((performance.now() - t0) * 1e6) / (inner[j] * n));
      });
    }
    const med = times.map((t) => t.sort((a, b) => a - b)[REPS >> 1]);
    const w = med[0];
    const js = med[backends.length - 1];
    console.log(`| ${name} | ${n} | ${med.map((v) => v.toFixed(2)).join(' | ')} | ${(js / w).toFixed(0)}× |`);
  }
}

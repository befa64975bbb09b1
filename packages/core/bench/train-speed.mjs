// Critic training speed of the compute backends (wasm, wasm-fma, js, tfjs),
// one thread each, in one process, on the built package.
//
//   cd packages/core && npx tsc -p tsconfig.build.json && node --experimental-wasm-relaxed-simd bench/train-speed.mjs
//   node bench/train-speed.mjs --quick      (fewer timed runs; ≈ 1 minute)
//
// wasm-fma (the kernels' relaxed-SIMD build, fused multiply-add in GEMM)
// needs relaxed SIMD: Node 20 only with --experimental-wasm-relaxed-simd (as
// `pnpm bench` runs it); without it its rows are left out.
//
// Critics: concat MLPs 2→100→100→1 (dx = dy = 1) and 40→256→256→1
// (dx = dy = 20), relu, objective 'mine', Adam; batches of 256 and 512 pairs.
// Data: standard Gaussian x, y = 0.8·x + 0.6·noise (per coordinate), the
// marginal batch a permutation of y; a pool of 8 batches is cycled, as an
// epoch would.
//
// Timing: after a warm-up (≥ 0.4 s, ≥ 2 steps: JIT tiering, buffer growth,
// tfjs's XNNPACK operator set-up), RUNS timed runs of ≥ 0.4 s (≥ 1 step)
// each; steps/s is the median run. The backends' runs interleave (run 1 of
// each backend, then run 2, …) so background load hits all of them alike.
// The js backend (the readable reference) gets 3 runs — it is ~30× slower.
//
// FLOPs per step, nominal (GEMMs only): a step pushes R = 2B rows (joint +
// marginal) through L layers; forward 2·R·Σ in·out, backward twice that (∂W
// and ∂x), so 3 · 2 · (2B) · Σ_layers in·out. (The first layer's ∂x is not
// actually computed, and bias/activation/objective/Adam work is not counted.)
// GFLOP/s = that × steps/s, and "% ceiling" is it over the wasm kernels' own
// GEMM throughput at 512×128 · 128×128 (NN; the wasm-fma build's for the
// wasm-fma rows), the best of measurements taken before each configuration. Larger GEMMs (256-wide layers) run somewhat
// faster than this reference size, so a trainer can exceed 100%.
//
// Memory: `memoryBytes()` of each trainer (wasm/js: its heap in use —
// weights, Adam state, activation buffers for a capacity of 512 rows; tfjs:
// high-water mark of tfjs tensor bytes during a step) and the process's peak
// RSS so far (`process.resourceUsage().maxRSS`: monotone, so cumulative down
// the table, and it includes the four trainers of a configuration alive together).
//
// The tfjs backend's default dense-layer backward multiplies explicitly
// transposed matrices (tfjs-backend-wasm 4.22 runs only A·B in XNNPACK, Aᵀ·B
// and A·Bᵀ in a slow loop); the "tfjs (autodiff)" rows use tfjs's own matMul
// gradients, as plain `tf.variableGrads` code would.
import os from 'node:os';
import { loadWasmKernels } from '@mine/wasm-kernels';
import { createTrainer, wasmBackendAvailable } from '../dist/neural/backends.js';
import { createTfjsTrainer, loadTfjs } from '../dist/neural/backends/tfjs.js';
import { Rng } from '../dist/rng.js';

const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 5;
const RUN_SECONDS = QUICK ? 0.25 : 0.4;
const POOL = 8;
const ADAM = { lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const OBJECTIVE = { objective: 'mine', emaRate: 0.01, clip: 5 };
const CRITICS = [
  { label: '2→100→100→1', dx: 1, dy: 1, hidden: [100, 100] },
  { label: '40→256→256→1', dx: 20, dy: 20, hidden: [256, 256] },
];
const BATCHES = [256, 512];
const FMA = wasmBackendAvailable('wasm-fma');
if (!FMA) console.error('relaxed SIMD is off here (Node 20: run with --experimental-wasm-relaxed-simd): no wasm-fma rows');
const BACKENDS = [
  { label: 'wasm', make: (c) => createTrainer('wasm', c, ADAM, OBJECTIVE, { capacity: 512 }) },
  ...(FMA ? [{ label: 'wasm-fma', make: (c) => createTrainer('wasm-fma', c, ADAM, OBJECTIVE, { capacity: 512 }) }] : []),
  { label: 'tfjs', make: (c) => createTfjsTrainer(c, ADAM, OBJECTIVE) },
  { label: 'tfjs (autodiff)', make: (c) => createTfjsTrainer(c, ADAM, OBJECTIVE, { backward: 'autodiff' }) },
  { label: 'js', make: (c) => createTrainer('js', c, ADAM, OBJECTIVE, { capacity: 512 }), runs: 3 },
];

function batches(dx, dy, B, seed) {
  const rng = new Rng(seed);
  return Array.from({ length: POOL }, () => {
    const x = new Float32Array(B * dx);
    const y = new Float32Array(B * dy);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    for (let i = 0; i < B; i++) {
      for (let c = 0; c < dy; c++) y[i * dy + c] = 0.8 * x[i * dx + (c % dx)] + 0.6 * rng.normal();
    }
    const perm = rng.permutation(B);
    const ym = new Float32Array(B * dy);
    for (let i = 0; i < B; i++) ym.set(y.subarray(perm[i] * dy, (perm[i] + 1) * dy), i * dy);
    return { x, y, ym };
  });
}

/** A stepping closure over the batch pool, and how many steps fill RUN_SECONDS (after its warm-up). */
function warmUp(trainer, pool, B) {
  let k = 0;
  const step = () => {
    const b = pool[k++ % pool.length];
    const v = trainer.step(b.x, b.y, b.ym, B);
    if (!Number.isFinite(v)) throw new Error(`non-finite bound ${v}`);
  };
  const t0 = performance.now();
  let n = 0;
  while (n < 2 || performance.now() - t0 < RUN_SECONDS * 1000) {
    step();
    n++;
  }
  const perStep = (performance.now() - t0) / 1000 / n;
  return { step, stepsPerRun: Math.max(1, Math.ceil(RUN_SECONDS / perStep)) };
}

/** steps/s of one timed run. */
function timedRun({ step, stepsPerRun }) {
  const t0 = performance.now();
  for (let i = 0; i < stepsPerRun; i++) step();
  return stepsPerRun / ((performance.now() - t0) / 1000);
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/**
 * The wasm kernels' GEMM throughput (GFLOP/s) at 512×128 · 128×128, NN: the
 * ceiling the trainers are compared with. Buffers are allocated once; each
 * call of `measure()` is the median of 9 timed runs after a 300 ms warm-up.
 */
async function gemmCeiling(fma) {
  const k = await loadWasmKernels({ checks: false, fma });
  const [m, kk, n] = [512, 128, 128];
  const rng = new Rng(5);
  const a = k.heap.allocFrom(Float32Array.from({ length: m * kk }, () => rng.normal()));
  const b = k.heap.allocFrom(Float32Array.from({ length: kk * n }, () => rng.normal()));
  const c = k.heap.alloc(m * n);
  const call = () => k.gemm(a, b, c, m, kk, n, false, false);
  return {
    measure() {
      let t0 = performance.now();
      let calls = 0;
      while (performance.now() - t0 < 300) {
        call();
        calls++;
      }
      const inner = Math.max(1, Math.ceil(60 / ((performance.now() - t0) / calls)));
      const times = [];
      for (let r = 0; r < 9; r++) {
        t0 = performance.now();
        for (let i = 0; i < inner; i++) call();
        times.push((performance.now() - t0) / 1000 / inner);
      }
      return (2 * m * kk * n) / median(times) / 1e9;
    },
  };
}

const started = performance.now();
const tf = await loadTfjs();
// The ceiling is measured before every configuration and the best value is
// used: background load only ever lowers a measurement (single measurements
// of this GEMM vary by ±20% on a shared machine).
const gemms = { wasm: await gemmCeiling(false), ...(FMA ? { 'wasm-fma': await gemmCeiling(true) } : {}) };
const ceilings = Object.fromEntries(Object.entries(gemms).map(([k, g]) => [k, [g.measure()]]));
const rows = [];
for (const critic of CRITICS) {
  const spec = { dx: critic.dx, dy: critic.dy, kind: 'concat', hidden: critic.hidden, embedDim: 1, activation: 'relu', init: 'he', seed: 1 };
  const widths = [critic.dx + critic.dy, ...critic.hidden, 1];
  let sumInOut = 0;
  for (let l = 0; l + 1 < widths.length; l++) sumInOut += widths[l] * widths[l + 1];
  for (const B of BATCHES) {
    const pool = batches(critic.dx, critic.dy, B, 100 + B);
    const flops = 3 * 2 * (2 * B) * sumInOut;
    // All backends of a configuration are live at once and their timed runs
    // interleave (run r of each, then run r + 1), so a burst of load from
    // other processes hits every backend rather than one.
    const live = [];
    for (const backend of BACKENDS) {
      const trainer = await backend.make(spec);
      live.push({ backend, trainer, runner: warmUp(trainer, pool, B), rates: [] });
    }
    const maxRuns = Math.max(...live.map((l) => l.backend.runs ?? RUNS));
    for (let r = 0; r < maxRuns; r++) {
      for (const l of live) if (r < (l.backend.runs ?? RUNS)) l.rates.push(timedRun(l.runner));
    }
    for (const l of live) {
      const rate = median(l.rates);
      rows.push({
        critic: critic.label,
        B,
        backend: l.backend.label,
        rate,
        gflops: (flops * rate) / 1e9,
        mem: l.trainer.memoryBytes(),
        rss: process.resourceUsage().maxRSS * 1024,
      });
      l.trainer.dispose();
    }
    console.error(`done ${critic.label} B=${B}`);
    for (const [k, g] of Object.entries(gemms)) ceilings[k].push(g.measure());
  }
}

const ceiling = Object.fromEntries(Object.entries(ceilings).map(([k, c]) => [k, Math.max(...c)]));
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
console.log(
  `\nCritic training steps/s, 1 thread (node ${process.version}, tfjs ${tf.version.tfjs} wasm backend, ` +
    `SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, threads off; ${os.cpus()[0]?.model ?? '?'}; ` +
    `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)\n`,
);
for (const [k, c] of Object.entries(ceilings)) {
  console.log(
    `${k} GEMM ceiling (512×128·128×128, NN): ${ceiling[k].toFixed(1)} GFLOP/s (best of ${c.length} measurements: ` +
      `${c.map((v) => v.toFixed(1)).join(', ')}).`,
  );
}
console.log('FLOPs/step = 3·2·(2B)·Σ in·out.\n');
const speedups = FMA ? ['wasm', 'wasm-fma'] : ['wasm'];
console.log(`| critic | batch | backend | steps/s | GFLOP/s | % of GEMM ceiling | ${speedups.map((b) => `${b} / this`).join(' | ')} | trainer memory (MB) | peak RSS so far (MB) |`);
console.log(`|---|---:|---|---:|---:|---:|${speedups.map(() => '---:|').join('')}---:|---:|`);
for (const r of rows) {
  const ratios = speedups.map((b) => {
    const o = rows.find((q) => q.critic === r.critic && q.B === r.B && q.backend === b);
    return r.backend === b ? '—' : `${(o.rate / r.rate).toFixed(1)}×`;
  });
  const c = ceiling[r.backend === 'wasm-fma' ? 'wasm-fma' : 'wasm'];
  console.log(
    `| ${r.critic} | ${r.B} | ${r.backend} | ${f(r.rate)} | ${f(r.gflops)} | ${((100 * r.gflops) / c).toFixed(0)}% | ` +
      `${ratios.join(' | ')} | ${mb(r.mem)} | ${mb(r.rss)} |`,
  );
}
// How far above the tfjs backend any trainer could get on this machine: a
// step's nominal FLOPs at the kernels' own GEMM ceiling (the fastest build
// here) against tfjs's measured GFLOP/s. Where tfjs runs big matrix products
// in XNNPACK, this bound is far below 10×, whatever the rest of the step does.
const best = FMA ? 'wasm-fma' : 'wasm';
console.log(`\nSpeed-up over tfjs: measured (${best}) and the most possible (a whole step at the ${best} GEMM ceiling, ${ceiling[best].toFixed(1)} GFLOP/s)\n`);
console.log('| critic | batch | tfjs GFLOP/s | measured | most possible | tfjs (autodiff) GFLOP/s | measured | most possible |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows.filter((q) => q.backend === best)) {
  const cells = ['tfjs', 'tfjs (autodiff)'].map((b) => {
    const t = rows.find((q) => q.critic === r.critic && q.B === r.B && q.backend === b);
    return `${f(t.gflops)} | ${(r.rate / t.rate).toFixed(1)}× | ${(ceiling[best] / t.gflops).toFixed(1)}×`;
  });
  console.log(`| ${r.critic} | ${r.B} | ${cells.join(' | ')} |`);
}
console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(0)} s)`);

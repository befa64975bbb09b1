#!/usr/bin/env node
// GEMM throughput, one thread each: @mine/wasm-kernels (wasm SIMD), its
// relaxed-SIMD build (wasm-fma: fused multiply-add), its TS reference, and
// tfjs-backend-wasm (SIMD build, threads off) in the same process. Prints a markdown table of GFLOP/s = 2·m·n·k / seconds (the median
// of several timed repetitions after warm-up; for wasm also the fastest
// repetition, which shows what the machine does when nothing else is running
// on the other hyperthread/core) and the ratios of the medians.
//
//   node --experimental-wasm-relaxed-simd bench/gemm.mjs
//                                      (pnpm bench; needs `pnpm build` first;
//                                      without the flag, Node 20 has no relaxed
//                                      SIMD and the wasm-fma columns read n/a)
//   node bench/gemm.mjs --reps 15      more repetitions (default 9)
//   node bench/gemm.mjs --no-js        skip the (slow) reference
//   node bench/gemm.mjs --no-tfjs      skip tfjs
//
// Variants are named by op: NN = A·B, NT = A·Bᵀ, TN = Aᵀ·B (Aᵀ·B and A·Bᵀ
// are what an MLP's backward pass needs). Sizes are m×k · k×n.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createReferenceKernels, loadWasmKernels, wasmKernelsSupported } from '../dist/index.js';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const REPS = opt('--reps', 9);
const WITH_JS = !args.includes('--no-js');
const WITH_TFJS = !args.includes('--no-tfjs');
const SIZES = [
  [256, 64, 64],
  [512, 128, 128],
  [1024, 256, 256],
];
const VARIANTS = [
  ['NN', false, false],
  ['NT', false, true],
  ['TN', true, false],
];
// Shapes of one MINE critic training step (batch 256 on a 2→100→100→1 MLP,
// batch 512 on 40→256→256→1): forward x·W (NN), weight gradients xᵀ·dY (TN),
// input gradients dY·Wᵀ (NT). Printed as a second table.
const MLP = [
  ['NN', 256, 2, 100],
  ['NN', 256, 100, 100],
  ['NN', 256, 100, 1],
  ['TN', 100, 256, 100],
  ['NT', 256, 1, 100],
  ['NT', 256, 100, 100],
  ['NN', 512, 40, 256],
  ['NN', 512, 256, 256],
  ['TN', 256, 512, 256],
  ['NT', 512, 256, 256],
];

/** Seeded uniform [-1, 1) data. */
function data(n, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * Median seconds per call of `fn`. Each repetition runs `fn` enough times to
 * last ≥ minMs; a warm-up of ≥ 300 ms first lets V8 tier the wasm up to TurboFan.
 */
function timeIt(fn, minMs = 60, warmMs = 300) {
  let calls = 0;
  const w0 = performance.now();
  while (performance.now() - w0 < warmMs || calls < 3) {
    fn();
    calls++;
  }
  const perCall = (performance.now() - w0) / calls;
  const inner = Math.max(1, Math.ceil(minMs / perCall));
  const times = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    times.push((performance.now() - t0) / 1e3 / inner);
  }
  times.sort((a, b) => a - b);
  lastBest = times[0];
  return times[Math.floor(times.length / 2)];
}
/** Fastest repetition of the last timeIt call (seconds per call). */
let lastBest = NaN;

/**
 * timeIt for several functions at once, their repetitions interleaved (rep 1
 * of each, then rep 2, …) so that load from other processes, which comes in
 * bursts on a shared machine, hits all of them alike and their ratio holds.
 * Returns [median, fastest] seconds per call for each.
 */
function timeInterleaved(fns, minMs = 60, warmMs = 300) {
  const plans = fns.map((fn) => {
    let calls = 0;
    const w0 = performance.now();
    while (performance.now() - w0 < warmMs || calls < 3) {
      fn();
      calls++;
    }
    return { fn, inner: Math.max(1, Math.ceil(minMs / ((performance.now() - w0) / calls))), times: [] };
  });
  for (let r = 0; r < REPS; r++) {
    for (const p of plans) {
      const t0 = performance.now();
      for (let i = 0; i < p.inner; i++) p.fn();
      p.times.push((performance.now() - t0) / 1e3 / p.inner);
    }
  }
  return plans.map((p) => {
    p.times.sort((a, b) => a - b);
    return [p.times[Math.floor(p.times.length / 2)], p.times[0]];
  });
}

async function loadTfjs() {
  try {
    const require = createRequire(import.meta.url);
    const tf = await import('@tensorflow/tfjs');
    const wasmBackend = await import('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
    wasmBackend.setWasmPaths(dir + '/');
    // one thread, like our kernels: force the non-threaded SIMD build
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") returned false');
    await tf.ready();
    return tf;
  } catch (err) {
    console.error(`tfjs-backend-wasm could not be loaded in Node: ${err?.stack ?? err}`);
    return null;
  }
}

const wasm = await loadWasmKernels({ initialPages: 256 });
const fma = wasmKernelsSupported({ fma: true }) ? await loadWasmKernels({ initialPages: 256, fma: true }) : null;
if (!fma) console.error('relaxed SIMD is off here (Node 20: run with --experimental-wasm-relaxed-simd): no wasm-fma columns');
const ref = createReferenceKernels({ initialPages: 256 });
const tf = WITH_TFJS ? await loadTfjs() : null;

/** Times one variant/shape on every backend; returns a table row. */
function measure(name, tA, tB, m, k, n) {
  const flops = 2 * m * n * k;
  const A = data(m * k, 1), B = data(k * n, 2);
  const res = { name, size: `${m}×${k}·${k}×${n}` };

  // wasm kernels, both builds, interleaved (JS argument checks on, as by default)
  const builds = [['wasm', wasm], ['fma', fma]].filter(([, K]) => K).map(([key, K]) => {
    const h = K.heap;
    const mark = h.mark();
    const a = h.allocFrom(A), b = h.allocFrom(B), c = h.alloc(m * n);
    return { key, h, mark, c, fn: () => K.gemm(a, b, c, m, k, n, tA, tB) };
  });
  timeInterleaved(builds.map((x) => x.fn)).forEach(([med, best], i) => {
    const { key, h, mark, c } = builds[i];
    res[key] = flops / med / 1e9;
    res[`${key}Best`] = flops / best / 1e9;
    res[`${key}Out`] = h.read(c, m * n);
    h.reset(mark);
  });
  if (WITH_JS) {
    const h = ref.heap;
    const mark = h.mark();
    const a = h.allocFrom(A), b = h.allocFrom(B), c = h.alloc(m * n);
    res.js = flops / timeIt(() => ref.gemm(a, b, c, m, k, n, tA, tB), 100, 200) / 1e9;
    h.reset(mark);
  }
  if (tf) {
    // a is stored k×m when transposed, b n×k: same buffers as above
    const a = tf.tensor2d(A, tA ? [k, m] : [m, k]);
    const b = tf.tensor2d(B, tB ? [n, k] : [k, n]);
    // The wasm backend runs kernels synchronously; dataSync() on each result
    // makes sure the timed work is done and includes the read-back of C.
    res.tfjs = flops / timeIt(() => {
      const c = tf.matMul(a, b, tA, tB);
      c.dataSync();
      c.dispose();
    }) / 1e9;
    const c = tf.matMul(a, b, tA, tB);
    const tOut = c.dataSync();
    c.dispose();
    a.dispose();
    b.dispose();
    let maxDiff = 0;
    for (let i = 0; i < tOut.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tOut[i] - res.wasmOut[i]));
    if (maxDiff > 1e-4 * k) throw new Error(`${name} ${res.size}: wasm and tfjs results differ by ${maxDiff}`);
  }
  if (res.fmaOut) {
    let maxDiff = 0;
    for (let i = 0; i < res.fmaOut.length; i++) maxDiff = Math.max(maxDiff, Math.abs(res.fmaOut[i] - res.wasmOut[i]));
    if (maxDiff > 1e-4 * k) throw new Error(`${name} ${res.size}: wasm and wasm-fma results differ by ${maxDiff}`);
  }
  console.error(`done ${name} ${res.size}`);
  return res;
}

const rows = [];
for (const [m, k, n] of SIZES) for (const [name, tA, tB] of VARIANTS) rows.push(measure(name, tA, tB, m, k, n));
const mlpRows = [];
for (const [name, m, k, n] of MLP) mlpRows.push(measure(name, name[0] === 'T', name[1] === 'T', m, k, n));

const f = (x) => (x === undefined ? 'n/a' : x.toFixed(x < 1 ? 2 : 1));
const r = (a, b) => (a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(a / b < 10 ? 2 : 0)}×`);
console.log(`\nGEMM GFLOP/s, 1 thread, median of ${REPS} (node ${process.version}, ${tf ? `tfjs ${tf.version.tfjs} wasm-simd` : 'no tfjs'})\n`);
const header = () => {
  console.log('| variant | m×k · k×n | wasm | wasm (best rep) | wasm-fma | wasm-fma (best rep) | js (reference) | tfjs-wasm | wasm/js | wasm/tfjs | wasm-fma/wasm |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
};
const line = (x) =>
  console.log(
    `| ${x.name} | ${x.size} | ${f(x.wasm)} | ${f(x.wasmBest)} | ${f(x.fma)} | ${f(x.fmaBest)} | ${f(x.js)} | ${f(x.tfjs)} | ${r(x.wasm, x.js)} | ${r(x.wasm, x.tfjs)} | ${r(x.fma, x.wasm)} |`,
  );
header();
rows.forEach(line);
console.log('\nMINE critic shapes (one training step: forward NN, weight grads TN, input grads NT)\n');
header();
mlpRows.forEach(line);

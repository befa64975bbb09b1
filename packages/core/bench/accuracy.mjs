// Accuracy of every registered estimator that takes continuous X and Y, on
// samplers with a known MI, on the built package.
//
//   cd packages/core && npx tsc -p tsconfig.build.json && node bench/accuracy.mjs
//   pnpm bench:accuracy                    (the same)
//   node bench/accuracy.mjs --quick        (fewer tasks, 2 seeds, n = 5000; ≈ 5 minutes)
//   node bench/accuracy.mjs --only=ksg,smile --tasks=gaussian-20x20-mi6 --seeds=1 --n=5000
//   --jobs=J      worker processes (default min(2, CPUs)); each runs whole
//                 (task, estimator) cells, so s/run is wall time under J-way load
//   --out=FILE    where the markdown goes (default bench/accuracy-results.md)
//
// A full run is ≈ 20–25 minutes with 2 workers on an idle 2-CPU machine; the
// neural estimators on the 40-D tasks are most of it (≈ 30 s per run).
//
// Estimators: `listEstimators()` of the built package, those whose
// capabilities accept continuous data on both sides, minus `mixed` (it needs
// one discrete side; its capabilities list both kinds because either side may
// be the discrete one). `auto` runs with its defaults (it takes no tuning).
//
// Tasks (truth in nats): Gaussian pairs at ρ = 0.5 and 0.9; a 5×5 Gaussian at
// 2 nats; 20×20 Gaussians at 2, 6 and 10 nats (bmi's "sparse" paired
// correlations, Czyż et al. 2023); the coordinate-wise cubic of the 20×20 at
// 2 and 6 nats (same MI, non-Gaussian marginals); a 2×2 Student-t (ν = 3,
// Gaussian part 1 nat); X ~ U(0,1), Y = X + U(−0.1, 0.1); independent 3×3
// Gaussians. n rows (default 10 000), seeds 1..S (default 3): each seed draws
// new data and seeds the estimator.
//
// Neural budget (mine, dv, nwj, infonce, smile): at most 3000 Adam steps
// (lr 1e-3, the default; early stopping on the held-out bound, patience 10 evaluations of
// 50 steps), batch 256; critic MLP [100, 100] below 20 input dimensions and
// [512] from 20 on (accuracyParams in src/accuracy.ts); InfoNCE uses its default separable tanh critic
// (embedding 32; its reported value scores the held-out rows in equal blocks of at most 2,048), the
// others a concat relu critic. Backend wasm. Everything else is the
// estimators' defaults.
//
// Output: per task and estimator, the mean over seeds, the spread (sample sd
// over seeds), pass = |mean − truth| ≤ max(0.1 nats, 10% of truth), and the
// mean seconds per run. Neural bounds are lower bounds: a mean above the
// truth by more than the tolerance fails like one below. The table goes to
// stdout and to bench/accuracy-results.md.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { accuracyEstimators, accuracyTasks, NEURAL_ESTIMATORS, runAccuracyCell } from '../dist/index.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const opt = (name) => {
  const a = args.find((s) => s.startsWith(`--${name}=`));
  return a === undefined ? undefined : a.slice(name.length + 3);
};
const N = Number(opt('n') ?? (QUICK ? 5000 : 10_000));
const SEEDS = Number(opt('seeds') ?? (QUICK ? 2 : 3));
const ONLY = opt('only')?.split(',').filter(Boolean);
const TASK_FILTER = opt('tasks')?.split(',').filter(Boolean);
const JOBS = Number(opt('jobs') ?? Math.min(2, os.cpus().length));
const OUT = opt('out') ?? fileURLToPath(new URL('./accuracy-results.md', import.meta.url));

const NEURAL = new Set(NEURAL_ESTIMATORS);
// The index in the full list seeds the data (see runAccuracyCell), so keep it.
const ALL_TASKS = accuracyTasks();
const TASKS = ALL_TASKS.map((t, index) => ({ ...t, index })).filter(
  (t) => (QUICK ? t.quick : true) && (!TASK_FILTER || TASK_FILTER.includes(t.name)),
);

const estimators = accuracyEstimators().filter((id) => !ONLY || ONLY.includes(id));
if (estimators.length === 0) throw new Error(`no estimator selected (--only=${ONLY?.join(',')})`);

/** Runs one (task, estimator) cell over all seeds (the library's runAccuracyCell). */
async function runCell(ti, id) {
  const task = TASKS[ti];
  const row = await runAccuracyCell(task, task.index, id, { n: N, seeds: SEEDS });
  return { ti, task: row.task, truth: row.truth, id, values: row.values, mean: row.mean, sd: row.sd, pass: row.pass, sec: row.seconds, notes: row.notes.join('; ') };
}

if (args.includes('--worker')) {
  // Child of a --jobs run: cells arrive over IPC, rows go back.
  process.on('message', async (msg) => {
    if (msg.cell === undefined) process.exit(0);
    process.send({ row: await runCell(msg.cell[0], msg.cell[1]) });
  });
  process.send({ ready: true });
} else {
  await main();
}

async function main() {
  const started = performance.now();
  const cells = TASKS.flatMap((_, ti) => estimators.map((id) => [ti, id]));
  const rows = [];
  const report = (row) => {
    rows.push(row);
    console.error(`${row.task} ${row.id}: mean ${row.mean.toFixed(3)} (truth ${row.truth.toFixed(3)}) sd ${row.sd.toFixed(3)} ${row.pass ? 'pass' : 'FAIL'} ${row.sec.toFixed(1)} s/run ${row.notes}`);
  };
  if (JOBS <= 1) {
    for (const [ti, id] of cells) report(await runCell(ti, id));
  } else {
    // Longest cells first (neural on the 40-D tasks) so the workers finish together.
    const cost = ([ti, id]) => (NEURAL.has(id) || id === 'auto' ? 10 : id === 'ksg' ? 3 : 1) * (TASKS[ti].dims >= 20 ? 5 : 1);
    const queue = [...cells].sort((a, b) => cost(b) - cost(a));
    const passArgs = args.filter((a) => !a.startsWith('--jobs='));
    await Promise.all(
      Array.from({ length: JOBS }, () =>
        new Promise((resolve, reject) => {
          const child = fork(fileURLToPath(import.meta.url), [...passArgs, '--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          const next = () => {
            const cell = queue.shift();
            child.send(cell === undefined ? {} : { cell });
          };
          child.on('message', (msg) => {
            if (msg.row) report(msg.row);
            next();
          });
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
        }),
      ),
    );
    // Table order: tasks as listed, estimators in registry order.
    rows.sort((a, b) => a.ti - b.ti || estimators.indexOf(a.id) - estimators.indexOf(b.id));
  }
  writeTable(rows, (performance.now() - started) / 60000);
}

function writeTable(rows, minutes) {
  const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : '—');
  const lines = [];
  lines.push(
    `Accuracy on samplers with known MI (nats): n = ${N}, ${SEEDS} seed${SEEDS > 1 ? 's' : ''} per cell; ` +
      `pass = |mean − truth| ≤ max(0.1, 10% of truth). node ${process.version}, ${os.cpus()[0]?.model ?? '?'}, ` +
      `${os.cpus().length} CPUs (load average ${os.loadavg()[0].toFixed(1)} at the end); total ${minutes.toFixed(1)} min${JOBS > 1 ? ` with ${JOBS} worker processes` : ''}.`,
  );
  lines.push('');
  lines.push('Neural: ≤ 3000 steps, batch 256, lr 1e-3, early stopping; hidden [100, 100] (< 20 input dims) or [512]; preprocess gaussianize (the default); backend wasm; infonce separable tanh (embedDim 32), reported on held-out blocks of up to 2,048 rows; DV-type values use 16 permutations of the held-out y. Neural values are held-out: lower bounds for mine, dv, nwj and infonce; SMILE\'s clipped estimate is not a bound.');
  lines.push('');
  lines.push('| task | truth | estimator | mean | spread (sd) | pass | s/run | notes |');
  lines.push('|---|---:|---|---:|---:|:-:|---:|---|');
  for (const r of rows) {
    lines.push(`| ${r.task} | ${f3(r.truth)} | ${r.id} | ${f3(r.mean)} | ${f3(r.sd)} | ${r.pass ? 'yes' : '**no**'} | ${Number.isFinite(r.sec) ? r.sec.toFixed(1) : '—'} | ${r.notes} |`);
  }
  const passed = rows.filter((r) => r.pass).length;
  lines.push('');
  lines.push(`${passed} of ${rows.length} cells pass.`);
  const table = lines.join('\n');
  console.log(`\n${table}`);
  writeFileSync(OUT, `${table}\n`);
  console.error(`written to ${OUT}`);
}

/**
 * `mine bench [--quick]`: core's accuracy suite (estimators on samplers with a
 * known MI), as a pass/fail table with live progress.
 */
import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  accuracyEstimators,
  accuracyTasks,
  isMineError,
  NEURAL_ESTIMATORS,
  runAccuracyCell,
  type AccuracyRow,
  type ProgressEvent,
} from '@mine/core';
import { UsageError } from '../errors.js';
import { duration, num } from '../format.js';
import { isInteractive, printJson, withInterrupt } from '../run-context.js';
import type { BenchLine } from '../ui/components/BenchView.js';
import { Aborted, abortedSummary } from './estimate.js';

/** Settings of one bench run. */
export interface BenchSettings {
  quick: boolean;
  n: number;
  seeds: number;
  steps: number;
  tasks: string[];
  estimators: string[];
}

/** Defaults: the full suite as `pnpm bench:accuracy` runs it, and the quick one (about a minute). */
export const BENCH_DEFAULTS = {
  full: { n: 10_000, seeds: 3, steps: 3000 },
  quick: { n: 2000, seeds: 1, steps: 300 },
} as const;

/** The settings line printed above the table. */
export function benchHeader(s: BenchSettings): string {
  return (
    `accuracy${s.quick ? ' (quick)' : ''}: n = ${s.n}, ${s.seeds} seed${s.seeds > 1 ? 's' : ''} per cell, neural ≤ ${s.steps} steps ` +
    `(batch 256, lr 1e-3, early stopping); pass = |mean − truth| ≤ max(0.1, 10% of truth); ` +
    `${s.tasks.length} tasks × ${s.estimators.length} estimators; node ${process.version}, ${os.availableParallelism()} CPUs`
  );
}

const COLUMNS = ['task', 'truth', 'estimator', 'mean', 'sd', 'pass', 's/run', 'notes'];
const RIGHT = [false, true, false, true, true, false, true, false];

function cells(r: AccuracyRow): string[] {
  return [r.task, num(r.truth, 3), r.estimator, num(r.mean, 3), num(r.sd, 3), r.pass ? 'yes' : 'NO', num(r.seconds, 2), r.notes.join('; ')];
}

/** Fixed column widths, so rows printed one by one line up under the header. */
const WIDTHS = [24, 6, 9, 7, 6, 4, 6, 0];

function fixed(row: readonly string[]): string {
  return row
    .map((c, j) => {
      const w = WIDTHS[j] ?? 0;
      return RIGHT[j] ? c.padStart(w) : c.padEnd(w);
    })
    .join('  ')
    .trimEnd();
}

/** The whole table as lines (header row first). */
export function benchTable(rows: readonly AccuracyRow[]): string[] {
  return [COLUMNS, ...rows.map(cells)].map(fixed);
}

function list(flag: string) {
  return (text: string): string[] => {
    const v = text.split(',').map((s) => s.trim()).filter(Boolean);
    if (v.length === 0) throw new InvalidArgumentError(`${flag} takes a comma-separated list`);
    return v;
  };
}
function posInt(flag: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${flag} takes a positive integer, got '${text}'`);
    return v;
  };
}

/** Resolves options to settings; unknown task or estimator names are usage errors listing the known ones. */
export function benchSettings(opts: Record<string, unknown>): BenchSettings {
  const quick = opts['quick'] === true;
  const d = quick ? BENCH_DEFAULTS.quick : BENCH_DEFAULTS.full;
  const known = accuracyEstimators();
  const estimators = (opts['estimators'] as string[] | undefined) ?? known;
  for (const e of estimators) {
    if (!known.includes(e)) throw new UsageError(`--estimators: '${e}' is not in the accuracy suite`, { hint: `choose from ${known.join(', ')}` });
  }
  const allTasks = accuracyTasks().map((t) => t.name);
  const pool = accuracyTasks({ quick }).map((t) => t.name);
  const tasks = (opts['tasks'] as string[] | undefined) ?? pool;
  for (const t of tasks) {
    if (!allTasks.includes(t)) throw new UsageError(`--tasks: unknown task '${t}'`, { hint: `tasks: ${allTasks.join(', ')}` });
  }
  return {
    quick,
    n: (opts['n'] as number | undefined) ?? d.n,
    seeds: (opts['seeds'] as number | undefined) ?? d.seeds,
    steps: (opts['steps'] as number | undefined) ?? d.steps,
    tasks,
    estimators,
  };
}

/** Runs the cells in table order (task-major); `onRow` after each one. */
export async function runBench(
  s: BenchSettings,
  hooks: { signal?: AbortSignal; onCell?: (label: string) => void; onProgress?: (e: ProgressEvent) => void; onRow?: (r: AccuracyRow) => void } = {},
): Promise<AccuracyRow[]> {
  const all = accuracyTasks();
  const rows: AccuracyRow[] = [];
  for (const name of s.tasks) {
    const taskIndex = all.findIndex((t) => t.name === name);
    const task = all[taskIndex]!;
    for (const estimator of s.estimators) {
      hooks.onCell?.(`${task.name} × ${estimator}`);
      const opts: Parameters<typeof runAccuracyCell>[3] = { n: s.n, seeds: s.seeds, steps: s.steps };
      if (hooks.signal) opts.signal = hooks.signal;
      if (hooks.onProgress && NEURAL_ESTIMATORS.includes(estimator)) opts.onProgress = hooks.onProgress;
      const row = await runAccuracyCell(task, taskIndex, estimator, opts);
      rows.push(row);
      hooks.onRow?.(row);
    }
  }
  return rows;
}

/** Builds the `bench` command. */
export function benchCommand(): Command {
  const cmd = new Command('bench')
    .description('run the accuracy suite: estimators on samplers with known MI, pass/fail per cell')
    .option('--quick', `the quick suite: quick tasks, n ${BENCH_DEFAULTS.quick.n}, ${BENCH_DEFAULTS.quick.seeds} seed, neural ≤ ${BENCH_DEFAULTS.quick.steps} steps (about a minute)`)
    .addOption(new Option('--estimators <ids>', 'only these estimators (comma-separated)').argParser(list('--estimators')))
    .addOption(new Option('--tasks <names>', 'only these tasks (comma-separated sampler names)').argParser(list('--tasks')))
    .addOption(new Option('--n <rows>', `rows per draw (default ${BENCH_DEFAULTS.full.n}; quick ${BENCH_DEFAULTS.quick.n})`).argParser(posInt('--n')))
    .addOption(new Option('--seeds <k>', `seeds per cell (default ${BENCH_DEFAULTS.full.seeds}; quick ${BENCH_DEFAULTS.quick.seeds})`).argParser(posInt('--seeds')))
    .addOption(new Option('--steps <k>', `neural step budget (default ${BENCH_DEFAULTS.full.steps}; quick ${BENCH_DEFAULTS.quick.steps})`).argParser(posInt('--steps')))
    .option('--json', 'print {settings, rows: AccuracyRow[]} as one JSON document');
  cmd.action(async (opts: Record<string, unknown>) => {
    const s = benchSettings(opts);
    const json = opts['json'] === true;
    const header = [benchHeader(s), benchTable([])[0]!];
    const t0 = performance.now();
    const lines: BenchLine[] = [];
    let current: string | undefined;
    let event: ProgressEvent | undefined;
    const rowsSoFar: AccuracyRow[] = [];
    const total = s.tasks.length * s.estimators.length;
    const view = () => ({
      header,
      lines: [...lines],
      done: rowsSoFar.length,
      total,
      elapsed: (performance.now() - t0) / 1000,
      ...(current ? { current } : {}),
      ...(event ? { event } : {}),
    });
    const ink = isInteractive(json) ? (await import('../ui/render.js')).renderBenchView(view()) : undefined;
    const timer = ink ? setInterval(() => ink.rerender(view()), 500) : undefined;
    let rows: AccuracyRow[];
    try {
      rows = await withInterrupt((signal) =>
        runBench(s, {
          signal,
          onCell: (label) => {
            current = label;
            event = undefined;
            ink?.rerender(view());
          },
          onProgress: (e) => {
            event = e;
            ink?.rerender(view());
          },
          onRow: (r) => {
            rowsSoFar.push(r);
            lines.push({ key: `${r.task}/${r.estimator}`, text: benchTable([r])[1]!, pass: r.pass });
            ink?.rerender(view());
          },
        }),
      );
    } catch (e) {
      if (timer) clearInterval(timer);
      current = undefined;
      ink?.rerender(view());
      ink?.unmount();
      if (isMineError(e) && e.code === 'ABORTED') {
        if (!json && rowsSoFar.length) process.stdout.write([benchHeader(s), ...benchTable(rowsSoFar)].join('\n') + '\n');
        throw new Aborted(`${abortedSummary(event)} in cell ${rowsSoFar.length + 1}/${total}`);
      }
      throw e;
    }
    if (timer) clearInterval(timer);
    current = undefined;
    ink?.rerender(view());
    ink?.unmount();
    const seconds = (performance.now() - t0) / 1000;
    if (json) return printJson({ settings: s, seconds, rows });
    const passed = rows.filter((r) => r.pass).length;
    process.stdout.write(
      [benchHeader(s), ...benchTable(rows), `${passed}/${rows.length} cells pass; total ${duration(seconds)}`].join('\n') + '\n',
    );
  });
  return cmd;
}

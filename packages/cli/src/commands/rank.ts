/**
 * `mine rank FILE --target COL [--features COLS] [--estimator ID] [--top K]`:
 * I(feature; target) for each feature, most informative first. Several
 * features run in parallel on worker threads; the numbers are those of core's
 * `rankFeatures` (same calls to `estimate`, same stable sort).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  estimate,
  getEstimator,
  isMineError,
  MineError,
  selectRanking,
  type Dataset,
  type EstimateResult,
  type FeatureScore,
  type MineErrorCode,
  type ProgressEvent,
  type Variable,
} from '@mine/core';
import { addParamFlags, collectParams } from '../flags.js';
import { loadTable, type InputFormat } from '../io.js';
import { bar, num, table } from '../format.js';
import { isInteractive, printJson, withInterrupt } from '../run-context.js';
import { Aborted, abortedSummary, addInputOptions, ESTIMATOR_IDS } from './estimate.js';
import type { RankJob, RankReply } from '../rank-worker.js';

/** Options of `rankParallel`. */
export interface RankOptions {
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Worker threads; 1 runs in this thread. @default min(features, cores) */
  workers?: number;
}

function reviveError(err: Extract<RankReply, { error: unknown }>['error']): Error {
  if (err.mine && err.code) {
    const where: { field?: string; column?: string; row?: number; hint?: string } = {};
    if (err.field !== undefined) where.field = err.field;
    if (err.column !== undefined) where.column = err.column;
    if (err.row !== undefined) where.row = err.row;
    if (err.hint !== undefined) where.hint = err.hint;
    return new MineError(err.code as MineErrorCode, err.message, where);
  }
  const e = new Error(err.message);
  if (err.stack) e.stack = err.stack;
  return e;
}

/**
 * Ranks features by I(feature; target) on a pool of worker threads (each
 * imports @mine/core and estimates one feature at a time). Same inputs and
 * config ⇒ the same numbers and order as `rankFeatures(ds, target, features, config)`.
 */
export async function rankParallel(
  ds: Dataset,
  target: string,
  features: string | undefined,
  config: Record<string, unknown>,
  options: RankOptions = {},
): Promise<FeatureScore[]> {
  const sel = selectRanking(ds, target, features);
  const y = ds.variable([sel.target]);
  // Build every variable first: a NaN in any feature is reported before work starts.
  const xs: Variable[] = sel.features.map((f) => ds.variable([f]));
  const results: (EstimateResult | undefined)[] = new Array(xs.length);
  const total = xs.length;
  let done = 0;
  const t0 = performance.now();
  const tick = (): void => {
    done++;
    const elapsed = (performance.now() - t0) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    options.onProgress?.({ done, total, unit: 'features', rate, etaSeconds: (total - done) / rate });
  };
  const poolSize = Math.max(1, Math.min(total, options.workers ?? availableParallelism()));
  if (poolSize === 1) {
    for (const [i, x] of xs.entries()) {
      if (options.signal?.aborted) throw new MineError('ABORTED', 'the estimation was aborted');
      results[i] = await estimate(x, y, config, options.signal ? { signal: options.signal } : {});
      tick();
    }
  } else {
    await runPool(xs, y, config, poolSize, results, tick, options.signal);
  }
  const out = sel.features.map((feature, i) => ({ feature, result: results[i]! }));
  // Array.prototype.sort is stable: ties keep the column order, as in rankFeatures.
  return out.sort((a, b) => b.result.value - a.result.value);
}

function runPool(
  xs: Variable[],
  y: Variable,
  config: Record<string, unknown>,
  size: number,
  results: (EstimateResult | undefined)[],
  tick: () => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let finished = 0;
    let settled = false;
    const stopAll = (): void => {
      for (const w of workers) void w.terminate();
    };
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      stopAll();
      reject(e);
    };
    const onAbort = (): void => fail(new MineError('ABORTED', 'the estimation was aborted'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    const feed = (w: Worker): void => {
      if (next >= xs.length) return;
      const index = next++;
      w.postMessage({ index, x: xs[index]!, y, config } satisfies RankJob);
    };
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('../rank-worker.js', import.meta.url));
      workers.push(w);
      w.on('message', (reply: RankReply) => {
        if (settled) return;
        if ('error' in reply) return fail(reviveError(reply.error));
        results[reply.index] = reply.result;
        finished++;
        tick();
        if (finished === xs.length) {
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          stopAll();
          resolve();
        } else feed(w);
      });
      w.on('error', (e) => fail(e));
      feed(w);
    }
  });
}

/** The ranking as text lines: feature, value, a bar scaled to the largest value. */
export function rankLines(scores: readonly FeatureScore[], target: string, units: string): string[] {
  const vals = scores.map((s) => s.result.valueInUnits);
  const max = Math.max(...vals.filter((v) => Number.isFinite(v)), 1e-12);
  const unitLabel = units === 'unitless' ? 'score' : units;
  const auto = scores.some((s) => s.result.estimator === 'auto');
  const rows = [
    ['#', 'feature', `I(feature; ${target}) ${unitLabel}`, ...(auto ? ['via'] : []), ''],
    ...scores.map((s, i) => [
      String(i + 1),
      s.feature,
      num(s.result.valueInUnits),
      ...(auto ? [autoChoice(s.result)] : []),
      bar(Math.max(0, s.result.valueInUnits) / max, 30).trimEnd(),
    ]),
  ];
  return table(rows, [true, false, true, false, false]);
}

/** What `auto` chose for a result (`ksg`, `mixed`, …), from its AUTO_CHOICE diagnostic. */
function autoChoice(r: EstimateResult): string {
  const d = r.diagnostics.find((g) => g.code === 'AUTO_CHOICE');
  return d ? String(d.data?.['chosen'] ?? 'auto') : r.estimator;
}

/** Builds the `rank` command. */
export function rankCommand(): Command {
  const cmd = new Command('rank')
    .description('rank feature columns by their mutual information with a target column')
    .argument('<file>', 'CSV, TSV or JSON table; - reads stdin')
    .requiredOption('--target <col>', 'the target column')
    .option('--features <cols>', 'feature columns: comma-separated names or globs (default: every other column)')
    .option('--estimator <id>', `estimator: ${ESTIMATOR_IDS.join('|')}`, 'auto')
    .addOption(new Option('--top <k>', 'show only the K best features').argParser(positiveInt('--top')))
    .addOption(new Option('--workers <n>', 'worker threads (1 = run in this thread; default: min(features, cores))').argParser(positiveInt('--workers')))
    .option('--json', 'print {target, features: [{feature, result}]} as one JSON document');
  addInputOptions(cmd);
  addParamFlags(cmd);
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const estimator = String(opts['estimator']);
    getEstimator(estimator);
    const params = collectParams(opts, estimator);
    const ds = await loadTable(file, opts['format'] as InputFormat);
    const json = opts['json'] === true;
    const sel = selectRanking(ds, String(opts['target']), opts['features'] as string | undefined);
    const workers = (opts['workers'] as number | undefined) ?? Math.min(sel.features.length, availableParallelism());
    const live = isInteractive(json)
      ? (await import('../ui/render.js')).renderLiveProgress({
          title: `mine rank  ${sel.features.length} features against ${sel.target} with ${estimator} on ${workers} worker${workers > 1 ? 's' : ''}`,
        })
      : undefined;
    let last: ProgressEvent | undefined;
    let scores: FeatureScore[];
    try {
      scores = await withInterrupt((signal) =>
        rankParallel(ds, sel.target, opts['features'] as string | undefined, { estimator, ...params }, {
          signal,
          workers,
          onProgress: (e) => {
            last = e;
            live?.onProgress(e);
          },
        }),
      );
      await live?.stop('done');
    } catch (e) {
      await live?.stop(isMineError(e) && e.code === 'ABORTED' ? 'aborted' : 'failed');
      if (isMineError(e) && e.code === 'ABORTED') throw new Aborted(abortedSummary(last));
      throw e;
    }
    const top = opts['top'] as number | undefined;
    const shown = top === undefined ? scores : scores.slice(0, top);
    if (json) {
      printJson({ target: sel.target, features: shown });
      return;
    }
    const units = shown[0]?.result.units ?? 'nats';
    const head = `I(feature; ${sel.target}) by ${estimator}, ${ds.nRows} rows, ${sel.features.length} features${top !== undefined ? `, top ${shown.length}` : ''}`;
    process.stdout.write([head, ...rankLines(shown, sel.target, units)].join('\n') + '\n');
  });
  return cmd;
}

/** An argParser for a positive integer option. */
export function positiveInt(flag: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${flag} takes a positive integer, got '${text}'`);
    return v;
  };
}

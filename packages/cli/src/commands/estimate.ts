/**
 * `mine estimate FILE --x COLS --y COLS [--estimator ID] [params…] [--json]`.
 */
import { Command, Option } from 'commander';
import { estimate, getEstimator, isMineError, selectXY, type EstimateResult } from '@mine/core';
import { addParamFlags, collectParams } from '../flags.js';
import { loadTable, type InputFormat } from '../io.js';
import { EXIT } from '../errors.js';
import { isInteractive, printJson, stdoutColumns, withInterrupt } from '../run-context.js';
import { num } from '../format.js';

/** Ids accepted by --estimator (help text only; core checks the id). */
export const ESTIMATOR_IDS = ['auto', 'mine', 'dv', 'nwj', 'infonce', 'smile', 'ksg', 'gaussian', 'copula', 'discrete', 'mixed', 'nmi', 'ami'];

/** Common options of commands that read a table. */
export function addInputOptions(cmd: Command): Command {
  return cmd.addOption(
    new Option('--format <format>', 'input format (default: by extension, then by content)').choices(['auto', 'csv', 'tsv', 'json']).default('auto'),
  );
}

/** Thrown when Ctrl-C stopped a run: carries what to print. */
export class Aborted extends Error {
  constructor(readonly summary: string) {
    super('aborted');
  }
}

/** "aborted at step 1200/3000 (train 0.71, validation 0.69 nats)". */
export function abortedSummary(e: { done: number; total?: number; unit: string; values?: Record<string, number> } | undefined): string {
  if (!e) return 'aborted before the first progress report';
  const unit = e.unit === 'steps' ? 'step' : e.unit;
  const v = e.values ?? {};
  const bounds =
    v['train'] !== undefined || v['validation'] !== undefined
      ? ` (train ${num(v['train'])}, validation ${num(v['validation'])} nats)`
      : '';
  return `aborted at ${unit} ${e.done}/${e.total ?? '?'}${bounds}`;
}

/**
 * Runs one estimate with the live view when interactive; returns the result.
 * Used by `estimate` and `compare`.
 */
export async function estimateLive(
  x: Parameters<typeof estimate>[0],
  y: Parameters<typeof estimate>[1],
  config: Record<string, unknown> & { estimator: string },
  title: string,
  json: boolean | undefined,
): Promise<EstimateResult> {
  // ink and react load only when something is drawn: errors and --json start faster.
  const live = isInteractive(json) ? (await import('../ui/render.js')).renderLiveProgress({ title, units: config['units'] === 'bits' ? 'bits' : 'nats' }) : undefined;
  let last: Parameters<NonNullable<Parameters<typeof estimate>[3]>['onProgress'] & {}>[0] | undefined;
  try {
    const result = await withInterrupt((signal) =>
      estimate(x, y, config, {
        signal,
        onProgress: (e) => {
          last = e;
          live?.onProgress(e);
        },
      }),
    );
    await live?.stop(`done in ${result.seconds.toFixed(2)} s`);
    return result;
  } catch (e) {
    if (isMineError(e) && e.code === 'ABORTED') {
      await live?.stop('aborted');
      throw new Aborted(abortedSummary(last));
    }
    await live?.stop('failed');
    throw e;
  }
}

/** Prints one result: JSON, or the card. */
export async function printResult(result: EstimateResult, json: boolean | undefined): Promise<void> {
  if (json) return printJson(result);
  const { resultCardText } = await import('../ui/render.js');
  process.stdout.write(resultCardText(result, stdoutColumns()) + '\n');
}

/** Builds the `estimate` command. */
export function estimateCommand(): Command {
  const cmd = new Command('estimate')
    .description('estimate the mutual information I(X;Y) between two sets of columns')
    .argument('<file>', 'CSV, TSV or JSON table; - reads stdin')
    .requiredOption('--x <cols>', 'columns of X: comma-separated names or globs (x*)')
    .requiredOption('--y <cols>', 'columns of Y: comma-separated names or globs')
    .option('--estimator <id>', `estimator: ${ESTIMATOR_IDS.join('|')}`, 'auto')
    .option('--json', 'print the EstimateResult as one JSON document (no live view)');
  addInputOptions(cmd);
  addParamFlags(cmd);
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const estimator = String(opts['estimator']);
    getEstimator(estimator); // UNKNOWN_ESTIMATOR before reading a large file
    const params = collectParams(opts, estimator);
    const ds = await loadTable(file, opts['format'] as InputFormat);
    const { x, y } = selectXY(ds, String(opts['x']), String(opts['y']));
    const json = opts['json'] === true;
    const title = `mine  ${estimator}  I(${x.names.join(',')}; ${y.names.join(',')})  ${ds.nRows} rows`;
    const result = await estimateLive(x, y, { estimator, ...params }, title, json);
    await printResult(result, json);
  });
  return cmd;
}

export { EXIT };

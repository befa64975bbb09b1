/**
 * `mine entropy FILE --cols COLS [--given COLS]`: plug-in entropies of
 * discrete columns (each distinct value a symbol; several columns are joint
 * symbols), from core's `entropies`.
 */
import { Command, Option } from 'commander';
import { entropies, toUnits, type Dataset } from '@mine/core';
import { loadTable, type InputFormat } from '../io.js';
import { num, table } from '../format.js';
import { printJson } from '../run-context.js';
import { addInputOptions } from './estimate.js';

/** One entropy line of the report. */
export interface EntropyRow {
  /** What it is, e.g. `H(a)`, `H(a,b)`, `H(a,b | c)`, `I(a,b; c)`. */
  label: string;
  /** In the report's units. */
  value: number;
  /** Distinct symbols, where that applies. */
  symbols?: number;
}

/** The `entropy` report (values in `units`). */
export interface EntropyReportJson {
  n: number;
  units: 'nats' | 'bits';
  millerMadow: boolean;
  columns: string[];
  given?: string[];
  rows: EntropyRow[];
}

/** Computes the report: H of each column, the joint H, and with `given` H(given), H(cols | given), I(cols; given). */
export function entropyReport(ds: Dataset, cols: string, given: string | undefined, units: 'nats' | 'bits', millerMadow: boolean): EntropyReportJson {
  const names = ds.select(cols);
  const g = given === undefined ? undefined : ds.select(given);
  const c = (nats: number): number => toUnits(nats, units);
  const opts = { millerMadow };
  const rows: EntropyRow[] = [];
  for (const name of names) {
    const r = entropies(ds.variable([name]), undefined, opts);
    rows.push({ label: `H(${name})`, value: c(r.hX), symbols: r.symbolsX });
  }
  const x = ds.variable(names);
  if (names.length > 1) {
    const r = entropies(x, undefined, opts);
    rows.push({ label: `H(${names.join(',')})`, value: c(r.hX), symbols: r.symbolsX });
  }
  if (g) {
    const r = entropies(x, ds.variable(g), opts);
    rows.push({ label: `H(${g.join(',')})`, value: c(r.hY!), symbols: r.symbolsY! });
    rows.push({ label: `H(${[...names, ...g].join(',')})`, value: c(r.hXY!), symbols: r.symbolsXY! });
    rows.push({ label: `H(${names.join(',')} | ${g.join(',')})`, value: c(r.hXgivenY!) });
    rows.push({ label: `I(${names.join(',')}; ${g.join(',')})`, value: c(r.mi!) });
  }
  const out: EntropyReportJson = { n: ds.nRows, units, millerMadow, columns: names, rows };
  if (g) out.given = g;
  return out;
}

/** Builds the `entropy` command. */
export function entropyCommand(): Command {
  const cmd = new Command('entropy')
    .description('entropies of discrete columns: each column, the joint, and conditional on --given')
    .argument('<file>', 'CSV, TSV or JSON table; - reads stdin')
    .requiredOption('--cols <cols>', 'columns: comma-separated names or globs')
    .option('--given <cols>', 'condition on these columns: adds H(given), H(cols | given) and I(cols; given)')
    .addOption(new Option('--units <units>', 'units').choices(['nats', 'bits']).default('nats'))
    .option('--miller-madow', 'add the Miller–Madow correction (m − 1)/(2N) to each entropy')
    .option('--json', 'print the report as one JSON document');
  addInputOptions(cmd);
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const ds = await loadTable(file, opts['format'] as InputFormat);
    const units = opts['units'] === 'bits' ? 'bits' : 'nats';
    const report = entropyReport(ds, String(opts['cols']), opts['given'] as string | undefined, units, opts['millerMadow'] === true);
    if (opts['json'] === true) return printJson(report);
    const lines = table(
      [['', units, 'symbols'], ...report.rows.map((r) => [r.label, num(r.value), r.symbols === undefined ? '' : String(r.symbols)])],
      [false, true, true],
    );
    process.stdout.write([`${report.n} rows${report.millerMadow ? ', Miller–Madow corrected' : ''}`, ...lines].join('\n') + '\n');
  });
  return cmd;
}

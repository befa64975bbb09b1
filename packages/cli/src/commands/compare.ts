/**
 * `mine compare FILE --a COL --b COL`: agreement of two labelings: NMI, AMI
 * (core's `nmi` and `ami` estimators) and the plug-in MI (`discrete`).
 */
import { Command, Option } from 'commander';
import { estimate, type EstimateResult } from '@mine/core';
import { loadTable, type InputFormat } from '../io.js';
import { num, table } from '../format.js';
import { printJson } from '../run-context.js';
import { addInputOptions } from './estimate.js';
import { UsageError } from '../errors.js';

/** The `compare` report. */
export interface CompareReport {
  a: string;
  b: string;
  n: number;
  normalization: string;
  nmi: EstimateResult;
  ami: EstimateResult;
  mi: EstimateResult;
}

/** Builds the `compare` command. */
export function compareCommand(): Command {
  const cmd = new Command('compare')
    .description('compare two labelings (clusterings) of the same rows: NMI, AMI and MI')
    .argument('<file>', 'CSV, TSV or JSON table; - reads stdin')
    .requiredOption('--a <col>', 'first labeling (one column)')
    .requiredOption('--b <col>', 'second labeling (one column)')
    .addOption(
      new Option('--normalization <mean>', 'mean of H(a) and H(b) used by NMI and AMI')
        .choices(['arithmetic', 'geometric', 'min', 'max'])
        .default('arithmetic'),
    )
    .addOption(new Option('--units <units>', 'units of the MI').choices(['nats', 'bits']).default('nats'))
    .option('--json', 'print {a, b, n, normalization, nmi, ami, mi} (EstimateResults) as one JSON document');
  addInputOptions(cmd);
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const ds = await loadTable(file, opts['format'] as InputFormat);
    const one = (flag: string): string => {
      const sel = ds.select(String(opts[flag]));
      if (sel.length !== 1) throw new UsageError(`--${flag} must name exactly one column, '${String(opts[flag])}' selects ${sel.length}`);
      return sel[0]!;
    };
    const a = one('a');
    const b = one('b');
    const x = ds.variable([a]);
    const y = ds.variable([b]);
    const normalization = String(opts['normalization']);
    const report: CompareReport = {
      a,
      b,
      n: ds.nRows,
      normalization,
      nmi: await estimate(x, y, { estimator: 'nmi', normalization }),
      ami: await estimate(x, y, { estimator: 'ami', normalization }),
      mi: await estimate(x, y, { estimator: 'discrete', units: opts['units'] }),
    };
    if (opts['json'] === true) return printJson(report);
    const mi = report.mi;
    const lines = table(
      [
        [`NMI (${normalization})`, num(report.nmi.value), ''],
        [`AMI (${normalization})`, num(report.ami.value), ''],
        ['MI', num(mi.valueInUnits), `${mi.units}  (H(${a}) ${num(mi.details?.['hX'])}, H(${b}) ${num(mi.details?.['hY'])} nats)`],
      ],
      [false, true, false],
    );
    const diags = [report.nmi, report.ami, report.mi].flatMap((r) => r.diagnostics.filter((d) => d.severity === 'warning').map((d) => `⚠ ${r.estimator} ${d.code}: ${d.message}`));
    process.stdout.write([`${a} vs ${b}: ${ds.nRows} rows`, ...lines, ...diags].join('\n') + '\n');
  });
  return cmd;
}

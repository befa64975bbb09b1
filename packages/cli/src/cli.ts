/**
 * The `mine` program: commander wiring, and the one place that turns errors
 * into exit codes (0 ok, 1 runtime failure, 2 usage/input error, 130 Ctrl-C).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { estimateCommand, Aborted } from './commands/estimate.js';
import { rankCommand } from './commands/rank.js';
import { entropyCommand } from './commands/entropy.js';
import { compareCommand } from './commands/compare.js';
import { benchCommand } from './commands/bench.js';
import { describeFailure, EXIT, printFailure } from './errors.js';

/** The package version (from package.json, one level above dist/). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the program. Commander never exits by itself (`exitOverride`): `main` decides the code. */
export function createProgram(): Command {
  const program = new Command('mine')
    .description('mutual information from the command line: estimate, rank features, entropies, compare labelings, benchmark')
    .version(version(), '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  mine estimate examples/sensors.csv --x temp --y humidity --estimator ksg
  mine estimate examples/sensors.csv --x temp --y humidity --estimator mine --steps 2000 --hidden 64,64
  mine rank examples/features.csv --target target
  mine entropy examples/labels.csv --cols truth --given cluster --units bits
  mine compare examples/labels.csv --a truth --b cluster
  mine bench --quick

Exit codes: 0 ok, 1 runtime failure, 2 usage or input error, 130 interrupted (Ctrl-C).
Set MINE_DEBUG=1 to see stack traces.`,
    );
  for (const cmd of [estimateCommand(), rankCommand(), entropyCommand(), compareCommand(), benchCommand()]) {
    program.addCommand(cmd);
  }
  const silence = (c: Command): void => {
    c.exitOverride();
    // Commander's own error text goes through printFailure (one line + hint); help and version still print.
    c.configureOutput({ writeErr: (s) => (s.startsWith('error:') ? undefined : process.stderr.write(s)) });
    c.commands.forEach(silence);
  };
  silence(program);
  return program;
}

/** Runs the CLI on `argv` (process.argv form) and resolves to the exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = createProgram();
  let command = '';
  const sub = argv.slice(2).find((a) => !a.startsWith('-'));
  if (sub && program.commands.some((c) => c.name() === sub)) command = sub;
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...argv]);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      if (e.exitCode === 0) return EXIT.ok;
    }
    if (e instanceof Aborted) {
      process.stderr.write(`mine: ${e.summary}\n`);
      return EXIT.aborted;
    }
    printFailure(describeFailure(e, command));
    return describeFailure(e, command).code;
  }
}

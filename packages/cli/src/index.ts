/**
 * @mine/cli as a library: the program and the pieces the commands are made of
 * (for tests and for embedding).
 */
export { createProgram, main, version } from './cli.js';
export { paramFlags, flagsOf, collectParams, flagForField, kebab, type ParamFlag } from './flags.js';
export { rankParallel } from './commands/rank.js';
export { entropyReport } from './commands/entropy.js';
export { benchSettings, benchTable, runBench } from './commands/bench.js';
export { renderLiveProgress, resultCardText } from './ui/render.js';
export { sparkline, bar, cardLines } from './format.js';

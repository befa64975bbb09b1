#!/usr/bin/env node
/** Entry point of the `mine` binary. */
import { main } from './cli.js';

main().then(
  (code) => {
    // Let stdout drain before exiting (a large --json document through a pipe).
    process.exitCode = code;
    if (code === 130) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`mine: unexpected failure: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);

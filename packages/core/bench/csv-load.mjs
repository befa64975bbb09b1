// CSV load benchmark: Dataset.parse on a 1,000,000 × 10 numeric CSV (~100 MB).
//
//   cd packages/core && npx tsc -p tsconfig.build.json && node --expose-gc bench/csv-load.mjs [--rows N] [--full]
//
// Generates the file in memory from a seeded LCG (so every run parses the same
// text), writes it to a temp file, and in a child process reads it back as a
// string and measures the parse alone: wall time, growth of heapUsed + arrayBuffers (what the parsed
// columns cost, the text being alive before and after), RSS growth and peak
// RSS, and the ratio of the growth to the raw data (rows × cols × 8 bytes).
// Values are written with 9 significant digits (~11 characters a cell);
// --full writes shortest round-trip text instead (~19 characters a cell).
// Run with --expose-gc for stable memory figures (bench/run.mjs does).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset } from '../dist/data/dataset.js';

const args = process.argv.slice(2);
const rowsAt = args.indexOf('--rows');
const ROWS = rowsAt >= 0 ? Number(args[rowsAt + 1]) : 1_000_000;
const COLS = 10;
const FULL = args.includes('--full');

// Numerical Recipes LCG (a = 1664525, c = 1013904223, m = 2^32) + Box–Muller:
// enough for benchmark data, and independent of the package build.
let state = 20240601 >>> 0;
const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());

function generate() {
  const header = Array.from({ length: COLS }, (_, j) => `c${j}`).join(',');
  const parts = [header];
  const row = new Array(COLS);
  for (let i = 0; i < ROWS; i++) {
    for (let j = 0; j < COLS; j++) {
      const x = normal() * 10 ** (j % 4); // a few magnitudes
      row[j] = FULL ? String(x) : x.toPrecision(9);
    }
    parts.push(row.join(','));
  }
  return parts.join('\n') + '\n';
}

const gc = globalThis.gc ?? (() => {});
const mem = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapPlusBuffers: m.heapUsed + m.arrayBuffers, rss: m.rss };
};

// The parent generates and writes the file; a child process (same node flags)
// reads and parses it, so the child's peak RSS is not the generator's.
const parseAt = args.indexOf('--parse');
if (parseAt < 0) {
  const dir = mkdtempSync(join(tmpdir(), 'mine-csv-bench-'));
  const file = join(dir, 'data.csv');
  try {
    writeFileSync(file, generate());
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args, '--parse', file], {
      stdio: 'inherit',
    });
    process.exitCode = r.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  const text = readFileSync(args[parseAt + 1], 'utf8');
  const before = mem();
  const t0 = performance.now();
  const ds = Dataset.parse(text);
  const seconds = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  const after = mem();
  if (ds.nRows !== ROWS || ds.names.length !== COLS) throw new Error(`parsed ${ds.nRows}×${ds.names.length}, expected ${ROWS}×${COLS}`);
  if (!ds.names.every((n) => ds.column(n).kind === 'numeric')) throw new Error('a column was not numeric');

  const MB = 1e6;
  const raw = ROWS * COLS * 8;
  const grown = after.heapPlusBuffers - before.heapPlusBuffers;
  const held = ds.names.reduce((s, n) => s + ds.column(n).values.buffer.byteLength, 0);
  const fmt = (bytes) => `${(bytes / MB).toFixed(1)} MB`;
  console.log(`\n### CSV load: ${ROWS.toLocaleString('en-US')} rows × ${COLS} numeric columns${FULL ? ' (full precision)' : ''}\n`);
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| text size | ${fmt(text.length)} |`);
  console.log(`| parse time | ${seconds.toFixed(2)} s (${(text.length / MB / seconds).toFixed(0)} MB/s) |`);
  console.log(`| raw Float64 data (rows × cols × 8 B) | ${fmt(raw)} |`);
  console.log(`| column buffers held | ${fmt(held)} (${(held / raw).toFixed(3)}× raw) |`);
  console.log(
    `| heapUsed + arrayBuffers increase | ${fmt(grown)} (${(grown / raw).toFixed(3)}× raw)${globalThis.gc ? '' : ' (no --expose-gc: unstable)'} |`,
  );
  console.log(`| RSS before → after parse (after gc) | ${fmt(before.rss)} → ${fmt(after.rss)} |`);
  console.log(`| peak RSS of the process (text read + parse) | ${fmt(peak)} |`);
}

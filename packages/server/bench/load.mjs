#!/usr/bin/env node
/**
 * Load check: starts `node dist/main.js` as a child on a free port with a temp
 * database, keeps every worker busy with long `mine` training jobs, and uses
 * autocannon to measure, while training runs:
 *   - job submission (POST /v1/estimates of a small ksg job; they queue up),
 *   - status polling (GET /v1/jobs/:id),
 *   - /healthz latency (the event loop must stay responsive),
 * plus /healthz with an idle pool as the baseline. Prints a table.
 *
 *   pnpm --filter @mine/server bench            # 8 s per scenario
 *   BENCH_SECONDS=20 pnpm --filter @mine/server bench
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WORKERS = availableParallelism();
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'mine-bench-'));
const child = spawn(process.execPath, [main], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    MINE_DB: join(dir, 'bench.db'),
    MINE_WORKERS: String(WORKERS),
    MINE_RATE_LIMIT: '0',
    MINE_MAX_QUEUE: '1000000',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
await new Promise((resolve, reject) => {
  child.stdout.on('data', (d) => String(d).includes('listening') && resolve());
  child.on('exit', (c) => reject(new Error(`server exited with ${c}`)));
});

// Seeded-enough data: the bench measures HTTP, not estimates.
let s = 1;
const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const rows = (n) => Array.from({ length: n }, () => { const a = rand(); return `${a},${a + 0.3 * rand()}`; });
const small = JSON.stringify({ data: ['x,y', ...rows(50)].join('\n'), x: 'x', y: 'y', estimator: 'ksg' });
const long = { data: ['x,y', ...rows(500)].join('\n'), x: 'x', y: 'y', estimator: 'mine', params: { steps: 10_000_000, earlyStop: false, seed: 1 } };

const post = async (path, body) => (await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();

function run(title, opts) {
  return new Promise((resolve, reject) => {
    const { path, ...rest } = opts;
    autocannon({ url: base + path, connections: CONNECTIONS, duration: SECONDS, ...rest }, (err, r) => {
      if (err) return reject(err);
      resolve({ codes: Object.keys(r.statusCodeStats ?? {}).join('/'), title, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, total: r.requests.total, bad: r.non2xx + r.errors + r.timeouts });
    });
  });
}

const results = [];
results.push(await run('GET /healthz, pool idle', { path: '/healthz' }));

const training = [];
for (let i = 0; i < WORKERS; i++) training.push((await post('/v1/estimates', long)).id);
const probe = (await post('/v1/estimates?wait=30', JSON.parse(small))).id; // a finished job to poll
await new Promise((r) => setTimeout(r, 1000));
const running = await Promise.all(training.map(async (id) => (await (await fetch(`${base}/v1/jobs/${id}`)).json()).status));
if (!running.every((st) => st === 'running')) throw new Error(`training jobs not running: ${running}`);

results.push(await run(`POST /v1/estimates (small ksg), ${WORKERS} workers training`, { path: '/v1/estimates', method: 'POST', headers: { 'content-type': 'application/json' }, body: small }));
results.push(await run(`GET /v1/jobs/:id, ${WORKERS} workers training`, { path: `/v1/jobs/${probe}` }));
results.push(await run(`GET /healthz, ${WORKERS} workers training`, { path: '/healthz' }));
const after = await Promise.all(training.map(async (id) => (await (await fetch(`${base}/v1/jobs/${id}`)).json())));
const steps = after.map((j) => j.progress?.done ?? 0);

child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
rmSync(dir, { recursive: true, force: true });

const f = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`\nmine server load check: node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${WORKERS} workers, ${CONNECTIONS} connections, ${SECONDS} s per row; load average ${loadavg()[0].toFixed(1)} at the end`);
console.log(`training jobs reached steps ${steps.join(', ')} (mine, 500 rows, batch 256, hidden [100, 100]) while measured\n`);
console.log('| scenario | req/s | p50 ms | p99 ms | max ms | requests | statuses | non-2xx/errors |');
console.log('|---|---:|---:|---:|---:|---:|---|---:|');
for (const r of results) console.log(`| ${r.title} | ${f(r.rps)} | ${f(r.p50, 1)} | ${f(r.p99, 1)} | ${f(r.max, 1)} | ${f(r.total)} | ${r.codes} | ${r.bad} |`);

import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset, estimate, isMineError, listEstimators, selectXY, type EstimateResult, type ProgressEvent } from '@mine/core';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveStatic } from './static-server.js';

// "Run on the service", end to end in Chromium. @mine/server is written in
// parallel with this package, so the test serves dist/ next to a small
// implementation of the HTTP contract (the brief's): jobs run with core
// in this process, progress and the final Job go out as Server-Sent Events,
// DELETE cancels. The page code under test is the real one.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const sensors = readFileSync(fileURLToPath(new URL('../../core/examples/sensors.csv', import.meta.url)), 'utf8');

interface Job {
  id: string;
  type: 'estimate';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: ProgressEvent | null;
  result: EstimateResult | null;
  error: { code: string; message: string } | null;
  links: { self: string; events: string };
  controller: AbortController;
  listeners: Set<ServerResponse>;
}

const jobs = new Map<string, Job>();
const requests: string[] = [];
let nextJob = 1;

const publicJob = ({ controller: _c, listeners: _l, ...j }: Job) => j;
const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const send = (res: ServerResponse, event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

function finish(job: Job): void {
  for (const res of job.listeners) send(res, 'done', publicJob(job)), res.end();
  job.listeners.clear();
}

function api(req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://x');
  if (!url.pathname.startsWith('/v1/')) return false;
  requests.push(`${req.method} ${url.pathname}`);
  if (req.method === 'GET' && url.pathname === '/v1/estimators') return json(res, 200, listEstimators()), true;
  if (req.method === 'POST' && url.pathname === '/v1/estimates') {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const b = JSON.parse(body) as { data: string; x: string[]; y: string[]; estimator: string; params: Record<string, unknown> };
      let xy;
      try {
        xy = selectXY(Dataset.parse(b.data), b.x, b.y);
      } catch (e) {
        json(res, 400, { error: isMineError(e) ? e.toJSON() : { code: 'INTERNAL', message: String(e) } });
        return;
      }
      const id = String(nextJob++);
      const job: Job = { id, type: 'estimate', status: 'running', progress: null, result: null, error: null, links: { self: `/v1/jobs/${id}`, events: `/v1/jobs/${id}/events` }, controller: new AbortController(), listeners: new Set() };
      jobs.set(id, job);
      json(res, 202, { id, status: 'queued', links: job.links });
      estimate(xy.x, xy.y, { estimator: b.estimator, ...b.params }, {
        signal: job.controller.signal,
        onProgress: (p) => {
          job.progress = p;
          for (const l of job.listeners) send(l, 'progress', p);
        },
      }).then(
        (r) => {
          if (job.status !== 'running') return;
          job.status = 'succeeded';
          job.result = r;
          finish(job);
        },
        (e: unknown) => {
          if (job.status !== 'running') return;
          job.status = 'failed';
          job.error = isMineError(e) ? e.toJSON() : { code: 'INTERNAL', message: String(e) };
          finish(job);
        },
      );
    });
    return true;
  }
  const m = /^\/v1\/jobs\/(\w+)(\/events)?$/.exec(url.pathname);
  const job = m ? jobs.get(m[1]!) : undefined;
  if (!job) return json(res, 404, { error: { code: 'NOT_FOUND', message: 'no such job' } }), true;
  if (m![2] && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    send(res, 'status', { status: job.status });
    if (job.status !== 'running') send(res, 'done', publicJob(job)), res.end();
    else job.listeners.add(res);
    return true;
  }
  if (req.method === 'DELETE') {
    if (job.status !== 'running') return json(res, 409, { error: { code: 'CONFLICT', message: `job ${job.id} already ${job.status}` } }), true;
    job.status = 'cancelled';
    job.controller.abort();
    finish(job);
    return json(res, 200, publicJob(job)), true;
  }
  return json(res, 200, publicJob(job)), true;
}

let browser: Browser;
let site: Awaited<ReturnType<typeof serveStatic>>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's 'chromium' (apt-get install chromium), as .ci/run does`);
  if (!existsSync(join(dist, 'index.html'))) await build({ root, logLevel: 'warn' });
  site = await serveStatic(dist, api);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  for (const j of jobs.values()) j.controller.abort();
  await browser?.close();
  await site?.close();
});

describe('run on the service (the page served next to the HTTP API)', () => {
  test('the page detects the service, submits a job, follows its events and shows the job\'s result; DELETE cancels', async () => {
    const page = await browser.newPage();
    await page.goto(`${site.origin}/`);
    const onService = page.getByLabel('on the service');
    await onService.waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: /load example/i }).click();
    await page.getByTestId('table-shape').waitFor();
    await onService.check();
    await page.getByLabel('Estimator').selectOption('ksg');
    await page.locator('#param-seed').fill('5');
    await page.getByTestId('run').click();
    await page.getByTestId('result').waitFor({ timeout: 30_000 });
    const { x, y } = selectXY(Dataset.parse(sensors), 'temp', 'humidity');
    const node = await estimate(x, y, { estimator: 'ksg', seed: 5 });
    expect(Number(await page.getByTestId('result').getAttribute('data-value'))).toBe(node.value);
    expect(requests).toEqual(expect.arrayContaining(['GET /v1/estimators', 'POST /v1/estimates', 'GET /v1/jobs/1/events']));

    // A long neural job: progress arrives over SSE, Cancel sends DELETE and the page says cancelled.
    await page.getByLabel('Estimator').selectOption('mine');
    await page.locator('#param-steps').fill('1000000');
    await page.locator('#param-earlyStop').uncheck();
    await page.getByTestId('run').click();
    await expect.poll(async () => Number(await page.getByTestId('progress').getAttribute('data-done')), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('cancel').click();
    await expect.poll(() => page.getByTestId('status').getAttribute('data-status'), { timeout: 5000 }).toBe('cancelled');
    expect(requests).toContain('DELETE /v1/jobs/2');
    expect(jobs.get('2')!.status).toBe('cancelled');
    expect(await page.getByTestId('result').count()).toBe(0);
    await page.close();
  });
});

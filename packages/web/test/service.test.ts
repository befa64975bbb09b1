import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset, estimate, selectXY, type ProgressEvent } from '@mine/core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// "Run on the service", end to end: the real @mine/server (its built
// dist/main.js, a child process with its own SQLite file and worker pool)
// serves the built page, and real Chromium drives the page from the server's
// URL. Numbers shown are compared with @mine/core computed here in Node: the
// server's workers run the same core on the same Node, so equality is exact.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const sensors = readFileSync(fileURLToPath(new URL('../../core/examples/sensors.csv', import.meta.url)), 'utf8');
// The package's entry is dist/index.js; the executable sits next to it.
const serverMain = join(dirname(createRequire(import.meta.url).resolve('@mine/server')), 'main.js');

/** The parts of the server's Job the assertions read. */
interface Job {
  id: string;
  status: string;
  finishedAt: string | null;
  progress: ProgressEvent | null;
  result: { value: number } | null;
  error: { code: string; message: string } | null;
}

let browser: Browser;
let server: ChildProcess | undefined;
let origin = '';
let tmp = '';
/** The server's stdout and stderr (JSON log lines), shown when it fails to start. */
let serverOutput = '';

/** Starts `node dist/main.js` on a port the OS picks (PORT=0: no race for a "free" port) and resolves its URL. */
function startServer(): Promise<string> {
  tmp = mkdtempSync(join(tmpdir(), 'mine-web-service-'));
  const child = spawn(process.execPath, [serverMain], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      MINE_DB: join(tmp, 'mine.db'),
      MINE_WEB_DIR: dist,
      // One training thread: the machine running the tests is shared.
      MINE_WORKERS: '1',
      MINE_API_KEYS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`@mine/server did not print its URL within 60 s:\n${serverOutput}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => (serverOutput += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      serverOutput += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(serverOutput);
      if (m) clearTimeout(timer), resolve(m[1]!);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`@mine/server exited early (code ${code}, signal ${signal}):\n${serverOutput}`));
    });
  });
}

/** Stops the server as an operator would (SIGTERM, graceful), SIGKILL if it hangs. */
async function stopServer(): Promise<void> {
  const child = server;
  server = undefined;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

/** Polls `check` until it holds (expect.poll only works inside a test, and this runs in beforeAll). */
async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}:\n${serverOutput}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// A run killed mid-way (Ctrl-C, a crashed worker) must not leave the server behind.
process.once('exit', () => server?.kill('SIGKILL'));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's 'chromium' (apt-get install chromium), as .ci/run does`);
  if (!existsSync(serverMain)) throw new Error(`${serverMain} is missing: run 'pnpm --filter @mine/server build' (turbo does it before this test)`);
  // turbo runs `build` before `test`; a bare `vitest run` in a fresh clone builds here.
  if (!existsSync(join(dist, 'index.html'))) await build({ root, logLevel: 'warn' });
  try {
    origin = await startServer();
    // Listening is not ready: wait for the probe a load balancer would use.
    await waitUntil(async () => (await fetch(`${origin}/readyz`).catch(() => undefined))?.status === 200, 60_000, 'GET /readyz to answer 200');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (e) {
    await stopServer();
    throw e;
  }
});

afterAll(async () => {
  await browser?.close();
  await stopServer();
});

/** Requests the page made to /v1 (method, path, status) and anything it logged as an error. */
interface Session {
  page: Page;
  requests: string[];
  errors: string[];
}

/** The page opened from the server's own URL, the example table loaded, temp/humidity chosen and "on the service" picked. */
async function openOnService(): Promise<Session> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/v1/')) requests.push(`${r.request().method()} ${u.pathname} ${r.status()}`);
    else if (r.status() >= 400) errors.push(`${r.status()} for ${u.pathname}`);
  });
  // Console errors include Content-Security-Policy violations (the server sends a CSP with helmet).
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`);
  const onService = page.getByLabel('on the service');
  // Shown only once the page has found the service with GET /v1/estimators on its own origin.
  await onService.waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: /load example/i }).click();
  await expect.poll(() => page.getByTestId('table-shape').textContent(), { timeout: 30_000 }).toBe('sensors.csv: 2000 rows, 5 columns');
  await page.getByLabel('X columns').selectOption(['temp']);
  await page.getByLabel('Y columns').selectOption(['humidity']);
  await onService.check();
  return { page, requests, errors };
}

/** Clicks Run and returns the id of the job the page submitted (from the server's 202). */
async function runAndGetJobId(page: Page): Promise<string> {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/estimates', { timeout: 30_000 });
  await page.getByTestId('run').click();
  const res = await posted;
  expect(res.status()).toBe(202);
  const body = (await res.json()) as { id: string; links: { self: string; events: string } };
  expect(body.links).toEqual({ self: `/v1/jobs/${body.id}`, events: `/v1/jobs/${body.id}/events` });
  return body.id;
}

async function getJob(id: string): Promise<Job> {
  const res = await fetch(`${origin}/v1/jobs/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Job;
}

const xy = () => selectXY(Dataset.parse(sensors), 'temp', 'humidity');

describe('run on the service (the page served by the real @mine/server)', () => {
  test('KSG: the page shows exactly the value core computes in Node, and the job is stored as succeeded', { timeout: 120_000 }, async () => {
    const { page, requests, errors } = await openOnService();
    await page.getByLabel('Estimator').selectOption('ksg');
    await page.locator('#param-seed').fill('5');
    const id = await runAndGetJobId(page);
    const card = page.getByTestId('result');
    await card.waitFor({ timeout: 60_000 });
    const { x, y } = xy();
    const node = await estimate(x, y, { estimator: 'ksg', seed: 5 });
    expect(Number(await card.getAttribute('data-value'))).toBe(node.value);
    expect(await page.getByTestId('estimator').textContent()).toBe('ksg');
    expect(await page.getByTestId('n').textContent()).toBe('2000');
    expect(await page.getByTestId('status').getAttribute('data-status')).toBe('done');
    const job = await getJob(id);
    expect(job.status).toBe('succeeded');
    expect(job.result?.value).toBe(node.value);
    // Detected on its own origin, submitted, followed over SSE: nothing else.
    expect(requests).toEqual(['GET /v1/estimators 200', 'POST /v1/estimates 202', `GET /v1/jobs/${id}/events 200`]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('MINE: progress arrives over SSE into the chart, and the value equals core\'s in Node', { timeout: 180_000 }, async () => {
    const { page, requests, errors } = await openOnService();
    await page.getByLabel('Estimator').selectOption('mine');
    // 1500 steps take ~2 s in Node: ≥ 2 progress events get through the server's 5/s throttle even on an idle machine.
    const params = { seed: 11, steps: 1500, earlyStop: false };
    await page.locator('#param-seed').fill(String(params.seed));
    await page.locator('#param-steps').fill(String(params.steps));
    await page.locator('#param-earlyStop').uncheck();
    const id = await runAndGetJobId(page);
    const card = page.getByTestId('result');
    await card.waitFor({ timeout: 150_000 });

    const { x, y } = xy();
    const node = await estimate(x, y, { estimator: 'mine', ...params });
    expect(Number(await card.getAttribute('data-value'))).toBe(node.value);
    expect(await page.getByTestId('estimator').textContent()).toBe('mine');
    expect(await page.getByTestId('status').getAttribute('data-status')).toBe('done');

    // The chart's points are the server's (throttled) progress events: ≥ 2 of them, and the last one
    // drawn is one of the training steps core reports in Node, with the same validation bound.
    const label = (await page.getByTestId('training-chart').getAttribute('aria-label')) ?? '';
    const m = /^Training curve: (\d+) points up to step (\d+), validation bound (-?\d+\.\d{3}) nats$/.exec(label);
    expect(m, label).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(2);
    // (Which steps get reported depends on wall time, in core and in the server's throttle; the bounds at a step do not.)
    const point = node.trace?.find((t) => t.step === Number(m![2]));
    expect(point, `step ${m![2]} in core's training trace`).toBeDefined();
    expect(point?.validation?.toFixed(3)).toBe(m![3]);
    expect(Number(await page.getByTestId('progress').getAttribute('data-done'))).toBeGreaterThan(0);

    const job = await getJob(id);
    expect(job.status).toBe('succeeded');
    expect(job.result?.value).toBe(node.value);
    expect((job.result as { trace?: unknown } | null)?.trace).toEqual(node.trace);
    expect(job.progress?.total).toBe(params.steps);
    expect(requests).toContain(`GET /v1/jobs/${id}/events 200`);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('Cancel on a long MINE job sends DELETE; the page says cancelled and the server stores the job as cancelled', { timeout: 120_000 }, async () => {
    const { page, requests, errors } = await openOnService();
    await page.getByLabel('Estimator').selectOption('mine');
    await page.locator('#param-steps').fill('1000000');
    await page.locator('#param-earlyStop').uncheck();
    const id = await runAndGetJobId(page);
    // Training is under way on the server: its progress has reached the page over SSE.
    await expect.poll(async () => Number((await page.getByTestId('progress').getAttribute('data-done')) ?? 0), { timeout: 60_000 }).toBeGreaterThan(0);
    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE', { timeout: 30_000 });
    await page.getByTestId('cancel').click();
    const del = await deleted;
    expect(new URL(del.url()).pathname).toBe(`/v1/jobs/${id}`);
    expect(del.status()).toBe(200);
    expect(((await del.json()) as Job).status).toBe('cancelled');
    await expect.poll(() => page.getByTestId('status').getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    expect(await page.getByTestId('status').textContent()).toContain('Cancelled.');
    expect(await page.getByTestId('result').count()).toBe(0);

    const job = await getJob(id);
    expect(job.status).toBe('cancelled');
    expect(job.finishedAt).not.toBeNull();
    expect(job.result).toBeNull();
    expect(job.error?.code).toBe('ABORTED');
    // The worker really stopped: the server reports no running job (it kills a worker after 5 s at worst).
    await expect
      .poll(async () => ((await (await fetch(`${origin}/readyz`)).json()) as { running: number }).running, { timeout: 30_000, interval: 250 })
      .toBe(0);
    expect(requests).toContain(`DELETE /v1/jobs/${id} 200`);
    expect(errors).toEqual([]);
    await page.close();
  });
});

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset, estimate, rankFeatures, selectXY } from '@mine/core';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveStatic } from './static-server.js';

// End to end in real headless Chromium (Debian's, as .ci/run installs it):
// the built dist/ served as plain static files, the page driven as a person
// would, and the numbers compared with @mine/core computed here in Node.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const outDir = join(root, 'test-output');
const sensorsPath = fileURLToPath(new URL('../../core/examples/sensors.csv', import.meta.url));
const sensors = readFileSync(sensorsPath, 'utf8');

let browser: Browser;
let site: Awaited<ReturnType<typeof serveStatic>>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's 'chromium' (apt-get install chromium), as .ci/run does`);
  // turbo runs `build` before `test`; a bare `vitest run` in a fresh clone builds here.
  if (!existsSync(join(dist, 'index.html'))) await build({ root, logLevel: 'warn' });
  mkdirSync(outDir, { recursive: true });
  site = await serveStatic(dist);
  // playwright-core's launch() gives Chromium a fresh temporary profile of its own (and removes it on close).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** A fresh page with the app loaded; collects page errors so a test can assert there were none. */
async function openPage(viewport = { width: 1280, height: 1000 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.origin}/`);
  await page.getByRole('heading', { name: 'mine' }).waitFor();
  return { page, errors };
}

/** Sets a parameter field (generated from the schema, labelled by the parameter's name). */
async function setParam(page: Page, name: string, value: string): Promise<void> {
  await page.locator(`#param-${name}`).fill(value);
}

/** Runs `mine` on temp vs humidity (seed 7, 300 steps, optionally another backend); resolves to the result card once shown. */
async function runMine(page: Page, backend?: string): Promise<Locator> {
  await page.getByLabel('X columns').selectOption(['temp']);
  await page.getByLabel('Y columns').selectOption(['humidity']);
  await page.getByLabel('Estimator').selectOption('mine');
  if (backend) await page.locator('#param-backend').selectOption(backend);
  await setParam(page, 'seed', '7');
  await setParam(page, 'steps', '300');
  await page.getByTestId('run').click();
  const card = page.getByTestId('result');
  await card.waitFor({ timeout: 90_000 });
  return card;
}

describe('the built page in Chromium', () => {
  test('MINE on the bundled CSV: the page shows exactly the value core computes in Node', async () => {
    const { page, errors } = await openPage();
    await page.getByTestId('file-input').setInputFiles(sensorsPath);
    await expect.poll(() => page.getByTestId('table-shape').textContent()).toBe('sensors.csv: 2000 rows, 5 columns');
    expect(await page.getByTestId('type-status').textContent()).toBe('categorical');
    expect(await page.getByTestId('type-temp').textContent()).toBe('numeric');

    const card = await runMine(page);
    const shown = Number(await card.getAttribute('data-value'));

    const { x, y } = selectXY(Dataset.parse(sensors), 'temp', 'humidity');
    const node = await estimate(x, y, { estimator: 'mine', seed: 7, steps: 300, backend: 'wasm' });
    // Same data, params, seed and wasm kernels ⇒ the same number, to the bit.
    expect(shown).toBe(node.value);
    expect(await page.getByTestId('value').textContent()).toBe(node.valueInUnits.toFixed(4));
    expect(await page.getByTestId('estimator').textContent()).toBe('mine');
    expect(await page.getByTestId('n').textContent()).toBe('2000');
    expect(await page.getByTestId('status').getAttribute('data-status')).toBe('done');
    // The live chart got points and the scatter plot drew its canvas.
    expect(await page.locator('[data-testid=training-chart] canvas').count()).toBe(1);
    expect(await page.locator('[data-testid=scatter] canvas').count()).toBe(1);
    await page.screenshot({ path: join(outDir, 'estimate.png'), fullPage: true });
    // MINE_WEB_SCREENSHOT=1 refreshes the README's picture from this very run.
    if (process.env['MINE_WEB_SCREENSHOT'] === '1') await page.screenshot({ path: join(root, 'docs', 'screenshot.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test("backend 'wasm-fma' in the page (Chromium has relaxed SIMD): the value core computes in Node with it, to the bit", async () => {
    // Fused multiply-adds round by the CPU's rule, the same for Chromium and Node on one machine;
    // this Node process has relaxed SIMD from ../../vitest.relaxed-simd.ts.
    const { page, errors } = await openPage();
    await page.getByRole('button', { name: /load example/i }).click();
    await page.getByTestId('table-shape').waitFor();
    const card = await runMine(page, 'wasm-fma');
    const { x, y } = selectXY(Dataset.parse(sensors), 'temp', 'humidity');
    const fma = await estimate(x, y, { estimator: 'mine', seed: 7, steps: 300, backend: 'wasm-fma' });
    const wasm = await estimate(x, y, { estimator: 'mine', seed: 7, steps: 300, backend: 'wasm' });
    expect(fma.diagnostics.map((d) => d.code)).not.toContain('AUTO_CHOICE');
    expect(Number(await card.getAttribute('data-value'))).toBe(fma.value);
    // It is a different computation from 'wasm' (one rounding per multiply-add), close to it.
    expect(fma.value).not.toBe(wasm.value);
    expect(Math.abs(fma.value - wasm.value)).toBeLessThan(0.01);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a bad file shows core\'s error message in an alert, and the page keeps working', async () => {
    const { page } = await openPage();
    const bad = 'temp,humidity\n1,2\n3,"4\n';
    let expected = '';
    try {
      Dataset.parse(bad);
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).not.toBe('');
    await page.getByTestId('file-input').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    const alert = page.getByTestId('load-error');
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.locator('strong').textContent()).toBe(expected);
    await page.screenshot({ path: join(outDir, 'bad-file.png') });
    // A good file afterwards clears the alert.
    await page.getByRole('button', { name: /load example/i }).click();
    await page.getByTestId('table-shape').waitFor();
    expect(await page.getByTestId('load-error').count()).toBe(0);
    await page.close();
  });

  test('Cancel stops a long run: status cancelled, no result card, the page stays responsive', async () => {
    const { page } = await openPage();
    await page.getByRole('button', { name: /load example/i }).click();
    await page.getByTestId('table-shape').waitFor();
    await page.getByLabel('Estimator').selectOption('mine');
    await setParam(page, 'steps', '1000000');
    await page.locator('#param-earlyStop').uncheck();
    await page.getByTestId('run').click();
    // Training is under way: progress events have arrived from the worker.
    await expect.poll(async () => Number(await page.getByTestId('progress').getAttribute('data-done')), { timeout: 30_000 }).toBeGreaterThan(0);
    // The main thread is free while the worker trains: a round trip through the page's event loop is fast.
    const t0 = Date.now();
    await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
    expect(Date.now() - t0).toBeLessThan(1000);
    await page.getByTestId('cancel').click();
    await expect.poll(() => page.getByTestId('status').getAttribute('data-status'), { timeout: 3000 }).toBe('cancelled');
    expect(await page.getByTestId('status').textContent()).toContain('Cancelled.');
    await page.waitForTimeout(500);
    expect(await page.getByTestId('result').count()).toBe(0);
    // Still usable: a quick KSG run afterwards gives core's number.
    await page.getByLabel('Estimator').selectOption('ksg');
    await page.getByTestId('run').click();
    await page.getByTestId('result').waitFor({ timeout: 30_000 });
    const { x, y } = selectXY(Dataset.parse(sensors), 'temp', 'humidity');
    const node = await estimate(x, y, { estimator: 'ksg' });
    expect(Number(await page.getByTestId('result').getAttribute('data-value'))).toBe(node.value);
    await page.close();
  });

  test('rank mode: bars sorted as core\'s rankFeatures, with its values', async () => {
    const { page } = await openPage({ width: 390, height: 844 });
    await page.getByRole('button', { name: /load example/i }).click();
    await page.getByTestId('table-shape').waitFor();
    await page.getByLabel('Rank features against one target').check();
    await page.getByLabel('Target', { exact: true }).selectOption('humidity');
    await page.getByLabel('Features (none chosen = all others)').selectOption(['temp', 'load', 'noise']);
    await page.getByLabel('Estimator').selectOption('ksg');
    await setParam(page, 'seed', '3');
    await page.getByTestId('run').click();
    await page.getByTestId('ranking').waitFor({ timeout: 60_000 });
    const rows = await page.locator('.bar-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-feature'), Number(e.getAttribute('data-value'))]));
    const node = await rankFeatures(Dataset.parse(sensors), 'humidity', ['temp', 'load', 'noise'], { estimator: 'ksg', seed: 3 });
    expect(rows).toEqual(node.map((f) => [f.feature, f.result.value]));
    await page.screenshot({ path: join(outDir, 'rank-phone.png'), fullPage: true });
    await page.close();
  });
});

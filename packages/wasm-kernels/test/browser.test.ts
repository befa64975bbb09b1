import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createReferenceKernels, loadWasmKernels } from '../src/index.js';
import { runWorkload, type WorkloadResult } from './browser/workload.js';

// The package must load its .wasm by itself in a Vite build running in a
// browser Web Worker. This builds test/browser/ with Vite, serves the output,
// opens it in real headless Chromium (Debian's, as .ci/run installs it) and
// checks that the worker's results are bit-identical to Node's: same wasm,
// same inputs, IEEE float32 SIMD arithmetic, so any difference is a bug.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const fixture = fileURLToPath(new URL('./browser/', import.meta.url));
let outDir = '';
let server: Server | undefined;
let origin = '';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's 'chromium' (apt-get install chromium), as .ci/run does`);
  outDir = mkdtempSync(join(tmpdir(), 'mine-wasm-browser-'));
  await build({ root: fixture, logLevel: 'silent', build: { outDir, emptyOutDir: true }, worker: { format: 'es' } });
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    const file = join(outDir, path === '' ? 'index.html' : path);
    if (!file.startsWith(outDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}, 120_000);

afterAll(() => {
  server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test('a Vite build loads both kernel builds in a Web Worker; results equal Node bit for bit', async () => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/index.html`);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
    const got = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as
      | { ok: true; wasm: WorkloadResult; fma: WorkloadResult | null; js: WorkloadResult }
      | { ok: false; error: string };
    if (!got.ok) throw new Error(`worker failed: ${got.error}`);
    const node = runWorkload(await loadWasmKernels());
    const nodeJs = runWorkload(createReferenceKernels());
    expect(got.wasm.name).toBe('wasm');
    expect(got.wasm).toEqual(node);
    expect(got.js).toEqual(nodeJs);
    // Chromium ships relaxed SIMD; on the same CPU its fused multiply-adds
    // equal Node's (relaxed SIMD switched on by ../../vitest.relaxed-simd.ts) bit for bit.
    expect(got.fma?.name).toBe('wasm-fma');
    expect(got.fma).toEqual(runWorkload(await loadWasmKernels({ fma: true })));
    // The reference agrees with wasm to float32 rounding (k = 29 terms of size ≤ 1).
    expect(got.wasm.gemmNN.length).toBe(37 * 23);
    const worst = Math.max(...got.wasm.gemmNN.map((v, i) => Math.abs(v - got.js.gemmNN[i]!)));
    expect(worst).toBeLessThan(1e-4);
  } finally {
    await browser.close();
  }
});

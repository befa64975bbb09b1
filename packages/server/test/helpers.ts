/**
 * Shared test fixtures: a config with test-sized limits, a service on a temp
 * SQLite file with a real worker pool, seeded datasets, and a free port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@mine/core';
import type { Config } from '../src/config.js';
import { createService, type Service } from '../src/service.js';

/** A config for tests: loopback, no keys, 1 worker, no web page. */
export function testConfig(over: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dbPath: ':memory:',
    apiKeys: [],
    maxBody: '1mb',
    maxQueue: 50,
    jobTimeoutSeconds: 60,
    maxRows: 100_000,
    maxCells: 1_000_000,
    workers: 1,
    rateLimitPerMinute: 0,
    shutdownGraceSeconds: 5,
    maxWaitSeconds: 60,
    webDir: undefined,
    ...over,
  };
}

/** A temp directory removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mine-server-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A service on a temp database file (closed and deleted by `stop`). */
export function startService(over: Partial<Config> = {}): Service & { stop: () => Promise<void>; dir: string } {
  const t = tempDir();
  const svc = createService(testConfig({ dbPath: join(t.dir, 'jobs.db'), ...over }));
  return {
    ...svc,
    dir: t.dir,
    stop: async () => {
      await svc.close(2000);
      t.cleanup();
    },
  };
}

/**
 * A seeded table: `x` and `y` correlated (y = 0.8x + 0.6·noise, MI ≈ 0.51
 * nats), `z` independent noise, `w` weakly tied to x.
 */
export function dataset(n = 300, seed = 1): { x: number[]; y: number[]; z: number[]; w: number[] } {
  const rng = new Rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  const z: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    x.push(a);
    y.push(0.8 * a + 0.6 * rng.normal());
    z.push(rng.normal());
    w.push(0.3 * a + rng.normal());
  }
  return { x, y, z, w };
}

/** The same table as CSV text. */
export function csv(n = 300, seed = 1): string {
  const d = dataset(n, seed);
  const lines = ['x,y,z,w'];
  for (let i = 0; i < n; i++) lines.push(`${d.x[i]},${d.y[i]},${d.z[i]},${d.w[i]}`);
  return lines.join('\n');
}

/** Params of a neural job that runs for a long time (cancelled or killed in tests). */
export const LONG_MINE = { steps: 2_000_000, batchSize: 64, hidden: [16], earlyStop: false, seed: 3 };

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `fn` until it returns a truthy value or `ms` pass. */
export async function until<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000, every = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, every));
  }
}

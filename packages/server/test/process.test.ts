/**
 * The real executable (`node dist/main.js`): a `kill -9` mid-job loses
 * nothing (the job runs again after restart, earlier results remain), and
 * SIGTERM exits 0 within the grace period with the running job queued again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { csv, dataset, freePort, LONG_MINE, tempDir, until } from './helpers.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface Proc {
  child: ChildProcess;
  base: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

async function startServer(env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MINE_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  await until(() => out.includes('mine server listening on'), 20_000, 50);
  return { child, base: `http://127.0.0.1:${port}`, exited, output: () => out };
}

async function post(base: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}
async function get(base: string, path: string): Promise<any> {
  return (await fetch(base + path)).json();
}

function dbRow(path: string, id: string): { status: string; attempts: number } {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT status, attempts FROM jobs WHERE id = ?').get(id) as { status: string; attempts: number };
  } finally {
    db.close();
  }
}

const d = dataset(300);
const columns = { columns: { x: d.x, y: d.y } };

describe('the server process', () => {
  it('after kill -9 mid-job, a restart reruns the job to success and keeps earlier results', async () => {
    const t = tempDir();
    const db = join(t.dir, 'mine.db');
    try {
      let p = await startServer({ MINE_DB: db });
      expect(p.output()).toContain('no API keys: authentication is off and the service is bound to loopback only');
      const first = await post(p.base, '/v1/estimates?wait=30', { data: csv(200), x: 'x', y: 'y', params: { seed: 2 } });
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('succeeded');
      // ~25k small steps: a few seconds of training, long enough to be killed mid-way.
      const long = await post(p.base, '/v1/estimates', { data: columns, x: 'x', y: 'y', estimator: 'mine', params: { ...LONG_MINE, steps: 25_000 } });
      expect(long.status).toBe(202);
      const id = long.body.id as string;
      await until(async () => (await get(p.base, `/v1/jobs/${id}`)).progress?.done > 0, 30_000);
      p.child.kill('SIGKILL');
      expect(await p.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(dbRow(db, id)).toEqual({ status: 'running', attempts: 1 });

      p = await startServer({ MINE_DB: db });
      expect(p.output()).toContain('jobs interrupted by the last stop are queued again');
      const done = await until(async () => {
        const j = await get(p.base, `/v1/jobs/${id}`);
        return j.status !== 'queued' && j.status !== 'running' && j;
      }, 90_000, 200);
      expect(done.status).toBe('succeeded');
      expect(done.result.params.steps).toBe(25_000);
      // The job finished before the kill is still there, unchanged.
      expect(await get(p.base, `/v1/jobs/${first.body.id}`)).toEqual(first.body);
      // A second server on the same database would requeue this one's running jobs: it refuses to start.
      const second = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', MINE_DB: db }, stdio: ['ignore', 'pipe', 'pipe'] });
      let secondErr = '';
      second.stderr!.on('data', (c: Buffer) => (secondErr += c.toString()));
      expect(await new Promise((r) => second.on('exit', r))).toBe(2);
      expect(secondErr).toBe(`mine-server: the database ${db} is in use by another process (another mine server on the same MINE_DB?)\n`);
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
      // The database is readable once the server is gone (it holds the file exclusively while it runs).
      expect(dbRow(db, id)).toEqual({ status: 'succeeded', attempts: 2 });
    } finally {
      t.cleanup();
    }
  }, 150_000);

  it('SIGTERM: exits 0 within the grace period and the running job is queued again (and runs after restart)', async () => {
    const t = tempDir();
    const db = join(t.dir, 'mine.db');
    try {
      let p = await startServer({ MINE_DB: db, MINE_SHUTDOWN_GRACE_SECONDS: '5' });
      const long = await post(p.base, '/v1/estimates', { data: columns, x: 'x', y: 'y', estimator: 'mine', params: LONG_MINE });
      const id = long.body.id as string;
      await until(async () => (await get(p.base, `/v1/jobs/${id}`)).status === 'running', 30_000);
      const t0 = Date.now();
      p.child.kill('SIGTERM');
      const exit = await p.exited;
      expect(exit.code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(p.output()).toContain('"msg":"job requeued for the next start"');
      // Requeued, and the interrupted attempt does not count.
      expect(dbRow(db, id)).toEqual({ status: 'queued', attempts: 0 });

      p = await startServer({ MINE_DB: db, MINE_SHUTDOWN_GRACE_SECONDS: '5' });
      await until(async () => (await get(p.base, `/v1/jobs/${id}`)).status === 'running', 30_000);
      const del = await fetch(`${p.base}/v1/jobs/${id}`, { method: 'DELETE' });
      expect(((await del.json()) as { status: string }).status).toBe('cancelled');
      p.child.kill('SIGINT');
      expect((await p.exited).code).toBe(0);
    } finally {
      t.cleanup();
    }
  }, 120_000);

  it('a bad environment variable stops start-up with one line naming it (exit 2)', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err).toBe("mine-server: configuration error: PORT: must be a whole number (got 'eighty')\n");
  });
});

/**
 * Jobs end to end through the app with a real worker pool and SQLite:
 * results equal core's, rankings order features, cancel, timeout, SSE,
 * queue limit, key isolation and rate limit.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Dataset, estimate, selectXY, type EstimateResult } from '@mine/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { csv, dataset, LONG_MINE, startService, until } from './helpers.js';

/** A result without its wall-clock time, the one field that differs run to run. */
function timeless(r: EstimateResult): Omit<EstimateResult, 'seconds'> {
  const { seconds: _s, ...rest } = r;
  return rest;
}

describe('results, rankings, cancel, SSE (2 workers)', () => {
  let svc: ReturnType<typeof startService>;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    svc = startService({ workers: 2 });
    server = svc.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await svc.stop();
  });

  it('?wait= answers 200 with a ksg result equal to core estimate() on the same data', async () => {
    const text = csv(300);
    const res = await request(svc.app).post('/v1/estimates?wait=30').send({ data: text, x: 'x', y: 'y', params: { k: 4, seed: 7 }, units: 'bits' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'estimate', status: 'succeeded', error: null });
    expect(res.body.links).toEqual({ self: `/v1/jobs/${res.body.id}`, events: `/v1/jobs/${res.body.id}/events` });
    const { x, y } = selectXY(Dataset.parse(text), 'x', 'y');
    const direct = await estimate(x, y, { estimator: 'ksg', k: 4, seed: 7, units: 'bits' });
    expect(timeless(res.body.result)).toEqual(timeless(direct));
    expect(res.body.result.units).toBe('bits');
    // y = 0.8x + 0.6·noise: I = −½ log(1 − 0.64) ≈ 0.51 nats.
    expect(res.body.result.value).toBeGreaterThan(0.35);
    expect(res.body.result.value).toBeLessThan(0.7);
    // A finished job keeps its result but not its data: the stored request is emptied.
    expect(svc.store.request(res.body.id)).toEqual({});
  });

  it('a mine result equals core estimate() exactly (same seed, same wasm backend)', async () => {
    const d = dataset(300);
    const params = { steps: 300, batchSize: 64, hidden: [16], seed: 5 };
    const res = await request(svc.app)
      .post('/v1/estimates?wait=60')
      .send({ data: { columns: { x: d.x, y: d.y } }, x: ['x'], y: ['y'], estimator: 'mine', params });
    expect(res.status).toBe(200);
    const direct = await estimate(d.x, d.y, { estimator: 'mine', ...params });
    const served = res.body.result as EstimateResult;
    expect(served.value).toBe(direct.value);
    expect(served.trace).toEqual(direct.trace);
    // Everything but timings (seconds, details.stepsPerSecond) is identical.
    const strip = (r: EstimateResult) => {
      const { stepsPerSecond: _t, ...details } = r.details ?? {};
      return { ...timeless(r), details };
    };
    expect(strip(served)).toEqual(strip(direct));
  });

  it('records, columns and CSV give the same estimate', async () => {
    const d = dataset(200);
    const records = d.x.map((v, i) => ({ x: v, y: d.y[i]! }));
    const a = await request(svc.app).post('/v1/estimates?wait=30').send({ data: records, x: 'x', y: 'y', estimator: 'copula' });
    const b = await request(svc.app).post('/v1/estimates?wait=30').send({ data: { columns: { x: d.x, y: d.y } }, x: 'x', y: 'y', estimator: 'copula' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.result.value).toBe(b.body.result.value);
  });

  it('ranks informative features first', async () => {
    const res = await request(svc.app).post('/v1/rankings?wait=30').send({ data: csv(400), target: 'x', params: { seed: 1 } });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('ranking');
    expect(res.body.result.target).toBe('x');
    // y carries ≈ 0.51 nats about x, w ≈ 0.04, z none.
    expect(res.body.result.features.map((f: { feature: string }) => f.feature)).toEqual(['y', 'w', 'z']);
    expect(res.body.result.features[0].result.estimator).toBe('ksg');
  });

  it('202 then GET shows the job through queued/running to succeeded', async () => {
    const res = await request(svc.app).post('/v1/estimates').send({ data: csv(100), x: 'x', y: 'y', estimator: 'gaussian' });
    expect(res.status).toBe(202);
    expect(res.headers['location']).toBe(`/v1/jobs/${res.body.id}`);
    expect(['queued', 'running', 'succeeded']).toContain(res.body.status);
    const job = await until(async () => {
      const g = await request(svc.app).get(`/v1/jobs/${res.body.id}`);
      return g.body.status === 'succeeded' && g.body;
    });
    expect(job.result.estimator).toBe('gaussian');
    expect(Date.parse(job.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt));
  });

  it('DELETE cancels a running mine job through core’s AbortSignal; a second DELETE is 409', async () => {
    const d = dataset(300);
    const sub = await request(svc.app)
      .post('/v1/estimates')
      .send({ data: { columns: { x: d.x, y: d.y } }, x: 'x', y: 'y', estimator: 'mine', params: LONG_MINE });
    expect(sub.status).toBe(202);
    const id = sub.body.id as string;
    await until(async () => (await request(svc.app).get(`/v1/jobs/${id}`)).body.progress?.done > 0);
    const del = await request(svc.app).delete(`/v1/jobs/${id}`);
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('cancelled');
    expect(del.body.error.code).toBe('ABORTED');
    // The worker stops within a few of core's 100 ms yields, well before the 5 s thread kill.
    const t0 = Date.now();
    await until(() => svc.runner.active === 0, 3000, 20);
    expect(Date.now() - t0).toBeLessThan(2000);
    const again = await request(svc.app).delete(`/v1/jobs/${id}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect((await request(svc.app).get(`/v1/jobs/${id}`)).body.status).toBe('cancelled');
  });

  it('SSE sends status, throttled progress, then done with the final job, and ends', async () => {
    const d = dataset(300);
    const sub = await request(svc.app)
      .post('/v1/estimates')
      .send({ data: { columns: { x: d.x, y: d.y } }, x: 'x', y: 'y', estimator: 'mine', params: { ...LONG_MINE, steps: 12_000 } });
    const res = await fetch(`${base}${sub.body.links.events}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events: { event: string; data: any; at: number }[] = [];
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
      }
    }
    // The stream ended by itself (the loop above finished).
    const kinds = events.map((e) => e.event);
    expect(kinds[0]).toBe('status');
    expect(kinds.at(-1)).toBe('done');
    expect(kinds.filter((k) => k === 'done')).toHaveLength(1);
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]!.data).toMatchObject({ unit: 'steps', total: 12_000 });
    expect(progress.at(-1)!.data.done).toBeGreaterThan(progress[0]!.data.done);
    // Throttled to ≤ 5/s (arrival times jitter, so the rate is checked over the whole run).
    const seconds = (progress.at(-1)!.at - progress[0]!.at) / 1000;
    expect(progress.length - 1).toBeLessThanOrEqual(Math.ceil(seconds * 5) + 1);
    const done = events.at(-1)!.data;
    expect(done).toMatchObject({ id: sub.body.id, status: 'succeeded' });
    expect(done.result.estimator).toBe('mine');
    expect(done.result.params.steps).toBe(12_000);
    // The last progress event sent and stored is the final step, not a throttled earlier one.
    expect(progress.at(-1)!.data.done).toBe(done.result.details.steps);
    expect(done.progress.done).toBe(done.result.details.steps);
  });

  it('SSE on a finished job sends done at once', async () => {
    const sub = await request(svc.app).post('/v1/estimates?wait=30').send({ data: csv(100), x: 'x', y: 'y' });
    expect(sub.status).toBe(200);
    const text = await (await fetch(`${base}/v1/jobs/${sub.body.id}/events`)).text();
    expect(text.startsWith('event: done\n')).toBe(true);
    expect(JSON.parse(/^data: (.*)$/m.exec(text)![1]!)).toMatchObject({ id: sub.body.id, status: 'succeeded' });
  });

  it('lists estimators and serves an OpenAPI 3.1 document built from the zod schemas', async () => {
    const est = await request(svc.app).get('/v1/estimators');
    const ids = est.body.map((e: { id: string }) => e.id);
    expect(ids).toEqual(expect.arrayContaining(['ksg', 'gaussian', 'mine', 'auto']));
    expect(est.body.find((e: { id: string }) => e.id === 'ksg').paramsJsonSchema.properties.k).toBeDefined();
    const doc = (await request(svc.app).get('/v1/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/estimates', '/v1/rankings', '/v1/jobs/{id}', '/v1/jobs/{id}/events', '/v1/estimators']),
    );
    const s = doc.components.schemas;
    expect(s.EstimateRequest.required).toEqual(expect.arrayContaining(['data', 'x', 'y']));
    expect(s.EstimateResult.properties.value.type).toBe('number');
    expect(s.Job.properties.status.enum).toEqual(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
    expect(s.params_ksg.properties.k.default).toBe(3);
    expect(s.params_mine.properties.steps.default).toBe(3000);
    expect(JSON.stringify(doc)).not.toContain('$schema');
  });

  it('health and readiness', async () => {
    expect((await request(svc.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(svc.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready' });
    const root = await request(svc.app).get('/');
    expect(root.body.docs).toBe('/v1/openapi.json');
  });
});

describe('limits', () => {
  it('a job past MINE_JOB_TIMEOUT_SECONDS fails with TIMEOUT', async () => {
    const svc = startService({ jobTimeoutSeconds: 1 });
    try {
      const d = dataset(200);
      const res = await request(svc.app)
        .post('/v1/estimates?wait=20')
        .send({ data: { columns: { x: d.x, y: d.y } }, x: 'x', y: 'y', estimator: 'mine', params: LONG_MINE });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('failed');
      expect(res.body.error).toEqual({ code: 'TIMEOUT', message: 'the job exceeded the time limit of 1 s' });
    } finally {
      await svc.stop();
    }
  });

  it('a full queue answers 503 QUEUE_FULL with Retry-After', async () => {
    const svc = startService({ workers: 1, maxQueue: 2 });
    try {
      const d = dataset(200);
      const long = { data: { columns: { x: d.x, y: d.y } }, x: 'x', y: 'y', estimator: 'mine', params: LONG_MINE };
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await request(svc.app).post('/v1/estimates').send(long);
        expect(r.status).toBe(202);
        ids.push(r.body.id);
      }
      // One runs, two wait: the queue holds its limit of 2.
      expect(svc.store.queued()).toBe(2);
      const full = await request(svc.app).post('/v1/estimates').send({ data: csv(50), x: 'x', y: 'y' });
      expect(full.status).toBe(503);
      expect(full.headers['retry-after']).toBe('5');
      expect(full.body.error.code).toBe('QUEUE_FULL');
      expect(full.body.error.message).toMatch(/queue is full \(2 jobs waiting\)/);
      // Cancelling a queued job frees a place.
      expect((await request(svc.app).delete(`/v1/jobs/${ids[2]}`)).body.status).toBe('cancelled');
      expect((await request(svc.app).post('/v1/estimates').send({ data: csv(50), x: 'x', y: 'y' })).status).toBe(202);
      for (const id of ids.slice(0, 2)) await request(svc.app).delete(`/v1/jobs/${id}`);
    } finally {
      await svc.stop();
    }
  });
});

describe('API keys', () => {
  const A = 'key-a-0123456789';
  const B = 'key-b-0123456789';
  let svc: ReturnType<typeof startService>;
  beforeAll(() => {
    svc = startService({ apiKeys: [A, B], rateLimitPerMinute: 5 });
  });
  afterAll(async () => {
    await svc.stop();
  });

  it('every /v1 route needs a known key (401), probes do not', async () => {
    for (const [method, path] of [
      ['get', '/v1/estimators'],
      ['get', '/v1/openapi.json'],
      ['post', '/v1/estimates'],
      ['get', '/v1/jobs/x'],
    ] as const) {
      const res = await request(svc.app)[method](path);
      expect(res.status, path).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    const wrong = await request(svc.app).get('/v1/estimators').set('Authorization', 'Bearer not-a-key-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('unknown API key');
    expect((await request(svc.app).get('/healthz')).status).toBe(200);
  });

  it("a job is visible only to the key that created it (another key gets 404); the raw key is not stored", async () => {
    const sub = await request(svc.app).post('/v1/estimates?wait=30').set('Authorization', `Bearer ${A}`).send({ data: csv(80), x: 'x', y: 'y' });
    expect(sub.status).toBe(200);
    const id = sub.body.id as string;
    expect((await request(svc.app).get(`/v1/jobs/${id}`).set('Authorization', `Bearer ${A}`)).status).toBe(200);
    const asB = await request(svc.app).get(`/v1/jobs/${id}`).set('Authorization', `Bearer ${B}`);
    expect(asB.status).toBe(404);
    expect(asB.body.error.code).toBe('NOT_FOUND');
    expect((await request(svc.app).get(`/v1/jobs/${id}/events`).set('Authorization', `Bearer ${B}`)).status).toBe(404);
    expect((await request(svc.app).delete(`/v1/jobs/${id}`).set('Authorization', `Bearer ${B}`)).status).toBe(404);
    const owner = svc.store.get(id)!.owner;
    expect(owner).toMatch(/^[0-9a-f]{64}$/);
    expect(owner).not.toContain(A);
  });

  it('rate-limits per key: 429 RATE_LIMITED with Retry-After, other keys unaffected', async () => {
    // Key A used 2 of its 5 requests above (401s count for nobody); B used 3.
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await request(svc.app).get('/v1/estimators').set('Authorization', `Bearer ${A}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last!.body.error.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await request(svc.app).get('/v1/estimators').set('Authorization', `Bearer ${B}`)).status).toBe(200);
  });
});

describe('the HTTP thread stays free', () => {
  it('validates a large table off the HTTP thread: /healthz answers while it is parsed', async () => {
    // 400,000 rows × 10 columns ≈ 36 MB of CSV: parsing and checking it takes about a second here.
    // The order of the two answers is the check, not a time limit: with validation on the HTTP
    // thread, /healthz could not answer until the table had been parsed and the POST answered.
    const cols = 10;
    const lines = ['c0,c1,c2,c3,c4,c5,c6,c7,c8,c9'];
    for (let i = 0; i < 400_000; i++) {
      const row: string[] = [];
      for (let c = 0; c < cols; c++) row.push(String(((i * 7919 + c * 104729) % 100_003) / 1000));
      lines.push(row.join(','));
    }
    const big = startService({ workers: 1, maxBody: '60mb', maxRows: 1_000_000, maxCells: 20_000_000 });
    const server = big.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await big.stop();
    });
    const body = JSON.stringify({ data: lines.join('\n'), x: 'c0', y: 'c1', estimator: 'gaussian' });
    const order: string[] = [];
    const post = fetch(`${base}/v1/estimates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => {
      order.push(`post ${r.status}`);
      return r.json();
    });
    // Ask for /healthz repeatedly until the POST has been read and is being validated (a 202 also ends it).
    let healthy = 0;
    while (order.length === 0) {
      const h = await fetch(`${base}/healthz`);
      if (h.status === 200 && order.length === 0) healthy++;
      if (healthy >= 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    order.push('healthz');
    const job = (await post) as { status: string };
    expect(['queued', 'running'], JSON.stringify(job).slice(0, 300)).toContain(job.status);
    expect(order).toEqual(['healthz', 'post 202']);
  });
});

/**
 * Every kind of bad input gets its status, code, field and a message naming
 * the problem, in the one error envelope, and no job is queued for it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { csv, startService, testConfig } from './helpers.js';

let svc: ReturnType<typeof startService>;
beforeAll(() => {
  svc = startService({ maxBody: '200kb', maxRows: 5000 });
});
afterAll(async () => {
  await svc.stop();
});

const good = { data: csv(60), x: 'x', y: 'y' };

type Case = [name: string, body: unknown, status: number, code: string, field: string | undefined, message: RegExp];
const cases: Case[] = [
  ['bad CSV (unterminated quote)', { ...good, data: 'x,y\n1,2\n"3,4\n5,6' }, 400, 'PARSE_ERROR', 'data', /quoted field unterminated/],
  ['bad CSV (ragged row)', { ...good, data: 'x,y\n1,2,3\n4,5' }, 400, 'PARSE_ERROR', 'data', /found 3 fields, expected 2/],
  ['empty CSV', { ...good, data: '\n' }, 400, 'MISSING_HEADER', 'data', /no header/],
  ['NaN cell', { ...good, data: csv(60).replace(/\n[^,]+,/, '\nNaN,') }, 400, 'NAN_VALUE', 'data', /column 'x' has a missing value .* row 1/],
  ['Inf cell', { ...good, data: 'x,y\n1,2\n2,inf\n3,4' }, 400, 'INFINITE_VALUE', 'data', /column 'y' has an infinite value/],
  ['empty cell in records', { ...good, data: [{ x: 1, y: 2 }, { x: null, y: 3 }] }, 400, 'EMPTY_CELL', 'data', /column 'x' has an empty cell at row 2/],
  ['unknown x column', { ...good, x: 'xx1' }, 400, 'UNKNOWN_COLUMN', 'x', /unknown column 'xx1'.*columns: x, y, z, w/],
  ['unknown y glob', { ...good, y: 'q*' }, 400, 'UNKNOWN_COLUMN', 'y', /no column matches 'q\*'/],
  ['overlapping selections', { ...good, y: 'x,y' }, 400, 'OVERLAPPING_SELECTION', 'y', /'x' is selected for both/],
  ['x of the wrong type', { ...good, x: 5 }, 400, 'INVALID_INPUT', 'x', /'x':/],
  ['data of the wrong type', { ...good, data: 42 }, 400, 'INVALID_INPUT', 'data', /'data' must be CSV text, an array of records, or \{columns/],
  ['missing y', { data: good.data, x: 'x' }, 400, 'INVALID_INPUT', 'y', /'y':/],
  ['unknown body field', { ...good, estimatr: 'ksg' }, 400, 'INVALID_INPUT', 'estimatr', /unknown field 'estimatr'/],
  ['params not an object', { ...good, params: 'k=3' }, 400, 'INVALID_INPUT', 'params', /'params':/],
  ['units out of the enum', { ...good, units: 'bytes' }, 400, 'INVALID_INPUT', 'units', /'units':/],
  ['too few rows', { ...good, data: 'x,y\n1,2\n2,1\n3,5' }, 400, 'TOO_FEW_ROWS', 'data', /ksg needs at least \d+ rows .* got 3/],
  ['param out of range', { ...good, params: { k: 0 } }, 400, 'INVALID_PARAMS', 'params.k', /ksg: parameter 'k'/],
  ['param of the wrong type', { ...good, estimator: 'mine', params: { steps: 'many' } }, 400, 'INVALID_PARAMS', 'params.steps', /mine: parameter 'steps'/],
  ['param unknown to the estimator', { ...good, estimator: 'mine', params: { clip: 2 } }, 400, 'INVALID_PARAMS', 'params', /mine: /],
  // A cross-field rule (the estimator's own check in core), rejected before a job exists.
  ['params that conflict', { ...good, estimator: 'infonce', params: { critic: 'concat', batchSize: 2048 } }, 400, 'INVALID_PARAMS', 'params.batchSize', /infonce: parameter 'batchSize'/],
  ['unknown estimator', { ...good, estimator: 'kgs' }, 400, 'UNKNOWN_ESTIMATOR', 'estimator', /unknown estimator 'kgs'; available: ksg/],
  ['constant column', { ...good, data: 'x,y\n' + Array.from({ length: 20 }, (_, i) => `${i},7`).join('\n') }, 400, 'CONSTANT_COLUMN', 'data', /column 'y' is constant/],
  ['mismatched columns', { ...good, data: { columns: { x: [1, 2, 3], y: [1, 2] } } }, 400, 'LENGTH_MISMATCH', 'data', /column 'y' has 2 values/],
  ['too many rows', { ...good, data: { columns: { x: Array.from({ length: 5001 }, (_, i) => i), y: Array.from({ length: 5001 }, (_, i) => -i) } } }, 413, 'PAYLOAD_TOO_LARGE', 'data', /5001 rows; .* at most 5000/],
];

describe('POST /v1/estimates rejects bad input before queueing', () => {
  it.each(cases)('%s → %i %s', async (_name, body, status, code, field, message) => {
    const res = await request(svc.app).post('/v1/estimates').send(body as object);
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/json');
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toMatch(message);
    // Never a stack trace.
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it('queued no job for any of them', () => {
    expect(svc.store.queued()).toBe(0);
    expect(svc.runner.active).toBe(0);
  });
});

describe('other bad requests', () => {
  it('invalid JSON → 400 PARSE_ERROR', async () => {
    const res = await request(svc.app).post('/v1/estimates').set('Content-Type', 'application/json').send('{"data": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'PARSE_ERROR', message: 'the request body is not valid JSON', field: 'body' } });
  });

  it('a non-JSON body → 400 naming the content type', async () => {
    const res = await request(svc.app).post('/v1/estimates').set('Content-Type', 'text/csv').send('x,y\n1,2');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'body' });
    expect(res.body.error.message).toMatch(/Content-Type: application\/json/);
  });

  it('a body above MINE_MAX_BODY → 413 in the envelope', async () => {
    const big = { ...good, data: 'x,y\n' + '1.0000001,2.0000002\n'.repeat(12_000) }; // ≈ 240 kB > 200 kB
    const res = await request(svc.app).post('/v1/estimates').send(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.error.message).toMatch(/larger than this service accepts \(204800 bytes\)/);
  });

  it('?wait= that is not a number → 400 field wait', async () => {
    const res = await request(svc.app).post('/v1/estimates?wait=soon').send(good);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'wait' });
  });

  it('ranking: unknown target, a target selecting two columns, no features', async () => {
    let res = await request(svc.app).post('/v1/rankings').send({ data: csv(60), target: 'tgt' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'UNKNOWN_COLUMN', field: 'target' });
    res = await request(svc.app).post('/v1/rankings').send({ data: csv(60), target: '{x,y}' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'target' });
    expect(res.body.error.message).toMatch(/exactly one column; '\{x,y\}' selects 2/);
    res = await request(svc.app).post('/v1/rankings').send({ data: csv(60), target: 'x', features: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'EMPTY_SELECTION', field: 'features' });
    res = await request(svc.app).post('/v1/rankings').send({ data: csv(60), target: 'x', features: 'nope*' });
    expect(res.body.error).toMatchObject({ code: 'UNKNOWN_COLUMN', field: 'features' });
  });

  it('unknown routes and jobs → 404 in the envelope', async () => {
    for (const [method, path] of [
      ['get', '/v1/nothing'],
      ['get', '/elsewhere'],
      ['post', '/v1/jobs'],
      ['get', '/v1/jobs/does-not-exist'],
      ['delete', '/v1/jobs/does-not-exist'],
    ] as const) {
      const res = await request(svc.app)[method](path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      expect(Object.keys(res.body)).toEqual(['error']);
    }
  });

  it('sends security headers (helmet) on errors too', async () => {
    const res = await request(svc.app).get('/v1/nothing');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('the web page', () => {
  it('is served at / with an SPA fallback when MINE_WEB_DIR holds a build; the API keeps its JSON 404', async () => {
    const web = startService();
    try {
      const dir = join(web.dir, 'web');
      mkdirSync(join(dir, 'assets'), { recursive: true });
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>mine page</title>');
      writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
      const app = createApp({ config: testConfig({ webDir: dir }), store: web.store, runner: web.runner });
      const root = await request(app).get('/');
      expect(root.status).toBe(200);
      expect(root.text).toContain('<title>mine page</title>');
      expect((await request(app).get('/assets/app.js')).text).toBe('console.log(1)');
      expect((await request(app).get('/some/client/route')).text).toContain('mine page');
      const missing = await request(app).get('/assets/missing.js');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('NOT_FOUND');
      const api = await request(app).get('/v1/nothing');
      expect(api.status).toBe(404);
      expect(api.body.error.code).toBe('NOT_FOUND');
      // The page may compile core's WebAssembly: the CSP allows it.
      expect(root.headers['content-security-policy']).toContain("'wasm-unsafe-eval'");
    } finally {
      await web.stop();
    }
  });
});

/**
 * The express app, built apart from listening (`createApp(deps)`), so tests
 * drive it with supertest and `main.ts` only listens and handles signals.
 *
 * Middleware order, and why:
 * 1. helmet: security headers on every response, errors included;
 * 2. /healthz, /readyz: no auth, no rate limit (probes must not need keys);
 * 3. /v1: auth → rate limit → JSON body parser, so an unauthenticated client
 *    can neither use a key's quota nor make us parse 50 MB;
 * 4. routes; 5. the web page (static + SPA fallback) or a JSON pointer at `/`;
 * 6. the JSON 404; 7. the error handler last (express only routes errors to a
 *    4-argument middleware mounted after the routes), one envelope for all.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listEstimators } from '@mine/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { z } from 'zod';
import type { Config } from './config.js';
import { ApiError } from './errors.js';
import { silentLogger, type Logger } from './log.js';
import { buildOpenApi } from './openapi.js';
import { isFinished, type JobRunner } from './runner.js';
import { estimateRequestSchema, rankingRequestSchema, type JobView } from './schemas.js';
import { hashKey, type JobStore, type JobSummary } from './store.js';
import type { JobRequest } from './validate.js';
import { inProcessValidator, type Validator } from './validator.js';

/** What the app needs. */
export interface AppDeps {
  config: Config;
  store: JobStore;
  runner: JobRunner;
  /** @default silentLogger */
  log?: Logger;
  /** The version shown in the OpenAPI document. @default '0.1.0' */
  version?: string;
  /** Where request bodies are parsed and checked. @default inProcessValidator (the service passes a worker thread) */
  validator?: Validator;
}

/** Seconds a client is told to wait when the queue is full. */
const QUEUE_FULL_RETRY_SECONDS = 5;
/** Seconds between SSE keep-alive comments (proxies close idle streams). */
const SSE_HEARTBEAT_MS = 15_000;

/** The owner of the request: the key's hash, or '' without authentication. */
function ownerOf(res: Response): string {
  return (res.locals['owner'] as string | undefined) ?? '';
}

/** The Job as the API shows it. */
export function toView(job: JobSummary): JobView {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    progress: job.progress as JobView['progress'],
    result: job.result as JobView['result'],
    error: job.error,
    links: links(job.id),
  };
}

function links(id: string): { self: string; events: string } {
  return { self: `/v1/jobs/${id}`, events: `/v1/jobs/${id}/events` };
}

/** Parses a body with zod, handing the typed output on; 400 naming the first bad field. */
function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'INVALID_INPUT', 'the body must be a JSON object (Content-Type: application/json)', { field: 'body' });
  }
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`
      : issue.code === 'invalid_union' && field === 'data'
        ? "'data' must be CSV text, an array of records, or {columns: {name: values[]}}"
        : `'${field || 'body'}': ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
  throw new ApiError(400, 'INVALID_INPUT', message, { field: field || (issue.code === 'unrecognized_keys' ? issue.keys[0]! : 'body') });
}

/** Builds the express app. Listening, signals and closing are `main.ts`'s job. */
export function createApp(deps: AppDeps): express.Express {
  const { config, store, runner } = deps;
  const validator = deps.validator ?? inProcessValidator;
  const log = deps.log ?? silentLogger;
  const openapi = buildOpenApi(deps.version ?? '0.1.0');
  const keyHashes = new Set(config.apiKeys.map(hashKey));
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // The web page compiles core's embedded WebAssembly and runs it in a Worker.
          'script-src': ["'self'", "'wasm-unsafe-eval'"],
          'worker-src': ["'self'", 'blob:'],
          // Served over plain http on a LAN, upgrading would break the page's own requests.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const body = { status: runner.accepting ? 'ready' : 'stopping', queued: store.queued(), running: runner.active };
    res.status(runner.accepting ? 200 : 503).json(body);
  });

  const v1 = express.Router();

  // Auth: only when keys are configured; without keys main.ts binds to loopback only.
  v1.use((req, res, next) => {
    if (keyHashes.size === 0) {
      res.locals['owner'] = '';
      next();
      return;
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const hash = m ? hashKey(m[1]!) : undefined;
    if (hash === undefined || !keyHashes.has(hash)) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'UNAUTHORIZED', m ? 'unknown API key' : 'missing API key: send Authorization: Bearer <key>');
    }
    res.locals['owner'] = hash;
    next();
  });

  if (config.rateLimitPerMinute > 0) {
    v1.use(
      rateLimit({
        windowMs: 60_000,
        limit: config.rateLimitPerMinute,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        // Per key; per client address when the service runs without keys.
        keyGenerator: (req, res) => ownerOf(res) || ipKeyGenerator(req.ip ?? ''),
        handler: (req, _res, next) => {
          const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
          const retry = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
          next(
            new ApiError(429, 'RATE_LIMITED', `rate limit of ${config.rateLimitPerMinute} requests per minute reached; retry in ${retry} s`, {
              headers: { 'Retry-After': String(retry) },
            }),
          );
        },
      }),
    );
  }

  v1.use(express.json({ limit: config.maxBody }));

  const submit = async (req: Request, res: Response, request: JobRequest): Promise<void> => {
    const wait = parseWait(req.query['wait'], config.maxWaitSeconds);
    const job = runner.submit(ownerOf(res), request);
    if (wait > 0) {
      const done = await runner.waitFor(job.id, wait * 1000);
      if (done) {
        res.status(200).json(toView(done));
        return;
      }
    }
    const now = store.get(job.id) ?? job;
    res.status(202).location(links(job.id).self).json({ id: job.id, status: now.status, links: links(job.id) });
  };

  // Queue check first: when full, refuse before parsing a large body's data.
  const checkQueue = (): void => {
    if (!runner.accepting) {
      throw new ApiError(503, 'QUEUE_FULL', 'the service is shutting down; retry shortly', {
        headers: { 'Retry-After': String(QUEUE_FULL_RETRY_SECONDS) },
      });
    }
    if (store.queued() >= config.maxQueue) {
      throw new ApiError(503, 'QUEUE_FULL', `the queue is full (${config.maxQueue} jobs waiting); retry later`, {
        headers: { 'Retry-After': String(QUEUE_FULL_RETRY_SECONDS) },
      });
    }
  };

  v1.post('/estimates', async (req, res) => {
    const body = parseBody(estimateRequestSchema, req.body);
    checkQueue();
    await submit(req, res, await validator.estimate(body, config));
  });

  v1.post('/rankings', async (req, res) => {
    const body = parseBody(rankingRequestSchema, req.body);
    checkQueue();
    await submit(req, res, await validator.ranking(body, config));
  });

  // Another key's job is a 404, not a 403: its existence is not disclosed.
  const loadJob = (req: Request, res: Response): JobSummary => {
    const id = String(req.params['id']);
    const job = store.get(id);
    if (!job || job.owner !== ownerOf(res)) throw new ApiError(404, 'NOT_FOUND', `no job '${id}'`);
    return job;
  };

  v1.get('/jobs/:id', (req, res) => {
    res.json(toView(loadJob(req, res)));
  });

  v1.delete('/jobs/:id', (req, res) => {
    const job = loadJob(req, res);
    if (isFinished(job.status) || !runner.cancel(job.id)) {
      throw new ApiError(409, 'CONFLICT', `job '${job.id}' has already finished (${store.get(job.id)?.status ?? job.status})`);
    }
    res.json(toView(store.get(job.id)!));
  });

  v1.get('/jobs/:id/events', (req, res) => {
    const job = loadJob(req, res);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const send = (event: string, data: unknown): void => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    let closed = false;
    const end = (): void => {
      if (closed) return;
      closed = true;
      off();
      clearInterval(heartbeat);
      res.end();
    };
    // Subscribe before reading the state, so no event falls between the two.
    const off = runner.subscribe(job.id, (e) => {
      if (e.type === 'status') send('status', { status: e.status });
      else if (e.type === 'progress') send('progress', e.progress);
      else {
        send('done', toView(e.job));
        end();
      }
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
    req.on('close', end);
    const now = store.get(job.id) ?? job;
    if (isFinished(now.status)) {
      send('done', toView(now));
      end();
      return;
    }
    send('status', { status: now.status });
    if (now.progress) send('progress', now.progress);
  });

  v1.get('/estimators', (_req, res) => {
    res.json(listEstimators());
  });

  v1.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  app.use('/v1', v1);

  const webDir = config.webDir && existsSync(join(config.webDir, 'index.html')) ? resolve(config.webDir) : undefined;
  if (webDir) {
    app.use(express.static(webDir, { index: 'index.html' }));
    // SPA fallback: any other GET outside the API gets the page (client-side
    // routes), except paths that name a file (a missing asset stays a 404).
    app.use((req, res, next) => {
      const last = req.path.slice(req.path.lastIndexOf('/') + 1);
      if (req.method !== 'GET' || req.path.startsWith('/v1/') || req.path === '/v1' || last.includes('.')) {
        next();
        return;
      }
      res.sendFile(join(webDir, 'index.html'));
    });
  } else {
    app.get('/', (_req, res) => {
      res.json({ name: 'mine', docs: '/v1/openapi.json', estimators: '/v1/estimators', health: '/healthz' });
    });
  }

  app.use((req, _res, next) => {
    next(new ApiError(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`));
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toApiError(err);
    if (e.status >= 500 && e.code === 'INTERNAL') {
      log.error('request failed', { method: req.method, path: req.path, stack: err instanceof Error ? err.stack : String(err) });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(e.status).set(e.headers).json({ error: e.toJSON() });
  });

  return app;
}

/** `?wait=` in seconds, clamped to the configured maximum; 400 when not a number. */
function parseWait(raw: unknown, max: number): number {
  if (raw === undefined || raw === '') return 0;
  const n = typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < 0) {
    throw new ApiError(400, 'INVALID_INPUT', `'wait' must be a number of seconds ≥ 0, got '${String(raw)}'`, { field: 'wait' });
  }
  return Math.min(n, max);
}

/** Anything thrown → an ApiError (body-parser's errors carry `type` and `status`). */
function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { type?: string; status?: number; limit?: number; message?: string };
  if (e?.type === 'entity.too.large') {
    return new ApiError(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than this service accepts (${e.limit ?? '?'} bytes)`, {
      field: 'body',
    });
  }
  if (e?.type === 'entity.parse.failed') {
    return new ApiError(400, 'PARSE_ERROR', 'the request body is not valid JSON', { field: 'body' });
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new ApiError(e.status, 'INVALID_INPUT', e.message ?? 'bad request', { field: 'body' });
  }
  return new ApiError(500, 'INTERNAL', 'internal error');
}

/**
 * The OpenAPI 3.1 document served at `/v1/openapi.json`, generated from the
 * same zod schemas that validate requests (schemas.ts), core's
 * `estimateResultSchema`, and every registered estimator's params schema
 * (`z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 */
import { estimateResultSchema, getEstimator, listEstimators } from '@mine/core';
import { z } from 'zod';
import {
  acceptedSchema,
  errorEnvelopeSchema,
  estimateRequestSchema,
  jobSchema,
  progressSchema,
  rankingRequestSchema,
  rankingResultSchema,
} from './schemas.js';

type Json = Record<string, unknown>;

/** JSON Schema of a zod schema, without the `$schema` key (not allowed inside OpenAPI components). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

function errors(...statuses: number[]): Record<string, Json> {
  const text: Record<number, string> = {
    400: 'invalid input; `error.field` names the request field',
    401: 'missing or unknown API key',
    404: 'no such job (or it belongs to another key)',
    409: 'the job has already finished',
    413: 'the body or the data is larger than this service accepts',
    429: 'rate limit of this API key; see Retry-After',
    503: 'the queue is full; see Retry-After',
  };
  return Object.fromEntries(
    statuses.map((s) => [String(s), { description: text[s] ?? 'error', content: { 'application/json': { schema: ref('Error') } } }]),
  );
}

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

function submission(summary: string, body: string): Json {
  return {
    summary,
    parameters: [
      {
        name: 'wait',
        in: 'query',
        required: false,
        description: 'seconds to wait for the job to finish; 200 with the Job if it does, else 202',
        schema: { type: 'number', minimum: 0 },
      },
    ],
    requestBody: { required: true, content: { 'application/json': { schema: ref(body) } } },
    responses: {
      '200': { description: 'finished within `wait`', content: { 'application/json': { schema: ref('Job') } } },
      '202': { description: 'queued', content: { 'application/json': { schema: ref('Accepted') } } },
      ...errors(400, 401, 413, 429, 503),
    },
  };
}

/** Builds the document (cheap; the app caches it). */
export function buildOpenApi(version: string): Json {
  const params: Record<string, Json> = {};
  for (const e of listEstimators()) params[`params_${e.id}`] = jsonSchema(getEstimator(e.id).schema, 'input');
  const json = { 'application/json': { schema: {} } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'mine',
      version,
      description:
        'Mutual-information estimation as a service. Submit a dataset and column selections, get a job; follow it with GET or Server-Sent Events.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'required when the server has MINE_API_KEYS' } },
      schemas: {
        EstimateRequest: jsonSchema(estimateRequestSchema, 'input'),
        RankingRequest: jsonSchema(rankingRequestSchema, 'input'),
        Accepted: jsonSchema(acceptedSchema, 'output'),
        Job: jsonSchema(jobSchema, 'output'),
        Progress: jsonSchema(progressSchema, 'output'),
        EstimateResult: jsonSchema(estimateResultSchema, 'output'),
        RankingResult: jsonSchema(rankingResultSchema, 'output'),
        Error: jsonSchema(errorEnvelopeSchema, 'output'),
        ...params,
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/estimates': { post: submission('estimate I(X;Y)', 'EstimateRequest') },
      '/v1/rankings': { post: submission('rank features by MI with a target', 'RankingRequest') },
      '/v1/jobs/{id}': {
        get: {
          summary: 'a job: status, progress, result or error',
          parameters: [idParam],
          responses: { '200': { description: 'the job', content: { 'application/json': { schema: ref('Job') } } }, ...errors(401, 404) },
        },
        delete: {
          summary: 'cancel a queued or running job',
          parameters: [idParam],
          responses: { '200': { description: 'cancelled', content: { 'application/json': { schema: ref('Job') } } }, ...errors(401, 404, 409) },
        },
      },
      '/v1/jobs/{id}/events': {
        get: {
          summary: 'Server-Sent Events: `status` {status}, `progress` Progress, then `done` with the final Job; the stream then ends',
          parameters: [idParam],
          responses: { '200': { description: 'an event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors(401, 404) },
        },
      },
      '/v1/estimators': {
        get: { summary: 'the estimators, their capabilities and params JSON Schema', responses: { '200': { description: 'list', content: json }, ...errors(401) } },
      },
      '/v1/openapi.json': { get: { summary: 'this document', responses: { '200': { description: 'OpenAPI 3.1', content: json } } } },
      '/healthz': { get: { security: [], summary: 'liveness', responses: { '200': { description: 'alive', content: json } } } },
      '/readyz': {
        get: { security: [], summary: 'readiness (503 while shutting down)', responses: { '200': { description: 'ready', content: json }, '503': { description: 'stopping', content: json } } },
      },
    },
  };
}

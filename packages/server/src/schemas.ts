/**
 * The HTTP API's shapes as zod schemas: they validate request bodies, give
 * the TypeScript types, and are turned into the OpenAPI document
 * (`openapi.ts`), so the three cannot drift apart.
 */
import { estimateResultSchema } from '@mine/core';
import { z } from 'zod';

/** A column selection: names, or one string with commas and globs (as in the CLI). */
export const selectionSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .describe("column selection: an array of names, or one string with commas and globs, e.g. 'x1,x2' or 'x*'");

const cell = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** The data of a request: CSV/TSV text, an array of records, or named columns. */
export const dataSchema = z
  .union([
    z.string().min(1).describe('CSV or TSV text with a header line (delimiter detected)'),
    z.array(z.record(z.string(), cell)).min(1).describe('an array of records, one per row'),
    z
      .object({ columns: z.record(z.string(), z.array(z.union([z.number(), z.string(), z.null()]))) })
      .strict()
      .describe('named columns of equal length'),
  ])
  .describe('the table: CSV text, an array of records, or {columns: {name: values[]}}');

const common = {
  data: dataSchema,
  estimator: z.string().min(1).optional().describe("estimator id (see GET /v1/estimators); default 'ksg', as core's estimate()"),
  params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("the estimator's parameters; validated by its schema (components/schemas/params_<id>)"),
  units: z.enum(['nats', 'bits']).optional().describe('units of valueInUnits; shorthand for params.units'),
};

/** Body of `POST /v1/estimates`. */
export const estimateRequestSchema = z
  .object({ ...common, x: selectionSchema, y: selectionSchema })
  .strict()
  .describe('estimate I(X;Y) between two column selections');

/** Body of `POST /v1/rankings`. */
export const rankingRequestSchema = z
  .object({
    ...common,
    target: z.string().min(1).describe('the target column (exactly one)'),
    features: selectionSchema.optional().describe('feature columns; default every column but the target'),
  })
  .strict()
  .describe('rank feature columns by their MI with a target column');

export type EstimateRequest = z.output<typeof estimateRequestSchema>;
export type RankingRequest = z.output<typeof rankingRequestSchema>;

/** Progress of a running job (core's ProgressEvent). */
export const progressSchema = z.object({
  done: z.number(),
  total: z.number().optional(),
  unit: z.string(),
  values: z.record(z.string(), z.number()).optional(),
  rate: z.number().optional(),
  etaSeconds: z.number().optional(),
});

/** Result of a ranking job. */
export const rankingResultSchema = z.object({
  target: z.string(),
  features: z.array(z.object({ feature: z.string(), result: estimateResultSchema })),
});

/** The error object of the envelope and of a failed job. */
export const errorSchema = z.object({
  code: z.string().describe('stable code: a MineError code, or NOT_FOUND, PAYLOAD_TOO_LARGE, QUEUE_FULL, UNAUTHORIZED, RATE_LIMITED, CONFLICT, TIMEOUT, INTERNAL'),
  message: z.string(),
  field: z.string().optional(),
  hint: z.string().optional(),
});

/** Body of every non-2xx response. */
export const errorEnvelopeSchema = z.object({ error: errorSchema });

export const jobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobStatus = z.output<typeof jobStatusSchema>;

const linksSchema = z.object({ self: z.string(), events: z.string() });

/** A job as the API returns it. */
export const jobSchema = z.object({
  id: z.string(),
  type: z.enum(['estimate', 'ranking']),
  status: jobStatusSchema,
  createdAt: z.string().describe('ISO 8601'),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: progressSchema.nullable(),
  result: z.union([estimateResultSchema, rankingResultSchema]).nullable(),
  error: errorSchema.nullable(),
  links: linksSchema,
});

/** `202` body of a submission. */
export const acceptedSchema = z.object({ id: z.string(), status: jobStatusSchema, links: linksSchema });

export type JobView = z.output<typeof jobSchema>;
export type JobError = z.output<typeof errorSchema>;
export type RankingResult = z.output<typeof rankingResultSchema>;

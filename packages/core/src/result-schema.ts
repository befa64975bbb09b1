import { z } from 'zod';

/**
 * zod schema of `EstimateResult` (interface.ts). The conformance suite checks
 * every estimator's output against it, and frontends can use it to validate a
 * result that crossed a process boundary (worker, HTTP).
 */
export const diagnosticSchema = z.object({
  code: z.string(),
  severity: z.enum(['info', 'warning']),
  message: z.string().min(1),
  data: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
});

export const estimateResultSchema = z
  .object({
    estimator: z.string().min(1),
    value: z.number(),
    bits: z.number(),
    units: z.enum(['nats', 'bits', 'unitless']),
    valueInUnits: z.number(),
    kind: z.enum(['point', 'lower-bound', 'upper-bound', 'score']),
    params: z.record(z.string(), z.unknown()),
    n: z.number().int().nonnegative(),
    dims: z.object({ x: z.number().int().positive(), y: z.number().int().positive() }),
    columns: z.object({ x: z.array(z.string()), y: z.array(z.string()) }),
    seconds: z.number().nonnegative(),
    diagnostics: z.array(diagnosticSchema),
    ci: z
      .object({ lower: z.number(), upper: z.number(), level: z.number().gt(0).lt(1), method: z.string() })
      .optional(),
    pValue: z.number().min(0).max(1).optional(),
    trace: z
      .array(z.object({ step: z.number().int(), train: z.number(), validation: z.number().optional() }))
      .optional(),
    details: z.record(z.string(), z.number()).optional(),
  })
  .strict();

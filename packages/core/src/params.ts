import { z } from 'zod';
import { MineError } from './errors.js';

/**
 * Parameters every estimator takes. Each estimator's schema extends this one,
 * so `seed` and `units` are always echoed in `EstimateResult.params`.
 */
export const commonParams = z.object({
  /** Seed of the xoshiro128** generator (jitter, permutations, splits). @default 0 */
  seed: z.number().int().min(0).max(4294967295).default(0).describe('random seed (jitter, shuffles, splits)'),
  /** Units to report in; the value is always computed in nats. @default 'nats' */
  units: z.enum(['nats', 'bits']).default('nats').describe('units of the reported value'),
});

export type CommonParams = z.output<typeof commonParams>;

/**
 * Validates `raw` against `schema`, throwing a MineError INVALID_PARAMS that
 * names the first offending field (e.g. "parameter 'k' must be at least 1").
 */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown, estimatorId: string): z.output<S> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  const what = field ? `parameter '${field}'` : 'parameters';
  throw new MineError('INVALID_PARAMS', `${estimatorId}: ${what}: ${lowerFirst(issue.message)}`, {
    field,
    hint: `see the parameters of '${estimatorId}' with listEstimators()`,
  });
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

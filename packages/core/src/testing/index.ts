/**
 * `@mine/core/testing`: the conformance suite every estimator (built-in or
 * user-registered) should pass. Framework-neutral: returns failures, never
 * throws, so it runs under vitest, node:test or in a browser.
 */
export { checkEstimator, type CheckEstimatorOptions, type CheckFailure } from './check-estimator.js';
export { estimateResultSchema, diagnosticSchema } from '../result-schema.js';

/**
 * Test settings every package shares. Each package writes a JSON report next
 * to itself (`test-report.json`); `.ci/count.mjs` sums them into the one
 * `N passed, N failed` line CI reads (it does not parse vitest's summary).
 * Timeouts are generous because CI runs every package at once on 2 cores
 * (loading tfjs alone took > 10 s there); tests check correctness, not speed.
 */
export const sharedTest = {
  reporters: ['default', ['json', { outputFile: 'test-report.json' }]] as ['default', ['json', { outputFile: string }]],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

import { defineConfig } from 'vitest/config';

// Each package writes a JSON report next to itself; .ci/run sums them into the
// one `N passed, N failed` line CI reads (it does not parse vitest's summary).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-report.json' }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

// Each package writes a JSON report next to itself; CI sums them (.ci/count.mjs).
// The end-to-end tests spawn the built dist/bin.js (pnpm test builds first via turbo).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    reporters: ['default', ['json', { outputFile: 'test-report.json' }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

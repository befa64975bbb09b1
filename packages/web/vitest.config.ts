import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.js';

// Each package writes a JSON report next to itself; .ci/run sums them into the
// one `N passed, N failed` line CI reads. Component tests pick jsdom with a
// `@vitest-environment jsdom` comment; the end-to-end test drives real Chromium
// from Node, so the default environment stays `node`.
export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
      reporters: ['default', ['json', { outputFile: 'test-report.json' }]],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  }),
);

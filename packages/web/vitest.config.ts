import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTest } from '../../vitest.shared.js';
import viteConfig from './vite.config.js';

// Reports and timeouts: ../../vitest.shared.ts (hooks get longer here: they
// launch Chromium and a real server). Component tests pick jsdom with a
// `@vitest-environment jsdom` comment; the end-to-end test drives real Chromium
// from Node, so the default environment stays `node`.
export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
      // relaxed SIMD in this Node process, to compare the page's 'wasm-fma' runs with core's
      setupFiles: ['../../vitest.relaxed-simd.ts'],
      ...sharedTest,
      hookTimeout: 120_000,
    },
  }),
);

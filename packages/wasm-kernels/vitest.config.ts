import { defineConfig } from 'vitest/config';
import { sharedTest } from '../../vitest.shared.js';

// Reports and timeouts: ../../vitest.shared.ts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['../../vitest.relaxed-simd.ts'],
    ...sharedTest,
  },
});

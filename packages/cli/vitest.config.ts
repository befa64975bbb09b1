import { defineConfig } from 'vitest/config';
import { sharedTest } from '../../vitest.shared.js';

// Reports and timeouts: ../../vitest.shared.ts.
// The end-to-end tests spawn the built dist/bin.js (pnpm test builds first via turbo).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    ...sharedTest,
  },
});

import { defineConfig } from 'vitest/config';
import { sharedTest } from '../../vitest.shared.js';

// Reports and timeouts: ../../vitest.shared.ts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    ...sharedTest,
    // The suites start worker pools and real server processes; on 2 busy cores
    // running them one file at a time keeps the timings of the kill/restart
    // tests predictable.
    fileParallelism: false,
  },
});

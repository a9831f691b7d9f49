import { defineConfig } from 'vitest/config';

/**
 * Browser journeys against the real app: one server and one database for the whole run (global
 * setup), one file at a time because the files share that database.
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    globalSetup: ['tests/e2e/support/global-setup.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});

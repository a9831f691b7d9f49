import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/database-setup.ts'],
          setupFiles: ['tests/support/no-queued-queries.ts'],
          // The suites share one database: run the files one after another.
          fileParallelism: false,
          // Generous: CI machines are shared, and a few tests race many requests on purpose.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

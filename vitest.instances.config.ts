import { defineConfig } from 'vitest/config';

/**
 * Two app processes behind HAProxy on one PostgreSQL (issue 14 item 4): `npm run test:instances`.
 * Needs Debian's `haproxy` (`.ci/run` installs it). Its own throw-away database, like the
 * integration suites.
 */
export default defineConfig({
  test: {
    include: ['tests/instances/**/*.test.ts'],
    globalSetup: ['tests/support/database-setup.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});

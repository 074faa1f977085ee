import { defineConfig } from 'vitest/config';

// Four suites. `npm test` runs unit + integration and needs no service; the
// postgres suite reruns the API integration tests on the local PostgreSQL; e2e
// drives the built client in Chromium.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'postgres',
          include: ['test/integration/api/**/*.test.ts', 'test/integration/inbox/**/*.test.ts', 'test/integration/macros/**/*.test.ts', 'test/scale/**/*.test.ts'],
          env: { PATCHBAY_TEST_DATABASE: 'postgresql' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // Real Chromium against the real server (npm run test:e2e); builds the
        // client first when dist/client is missing or stale.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

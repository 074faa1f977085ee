import { defineConfig } from 'vitest/config';

// Three suites. `npm test` runs unit + integration and needs no service; the
// postgres suite reruns the API integration tests on the local PostgreSQL.
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
          include: ['test/integration/api/**/*.test.ts', 'test/scale/**/*.test.ts'],
          env: { PATCHBAY_TEST_DATABASE: 'postgresql' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

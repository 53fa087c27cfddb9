import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/domain/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/web/**/*.test.ts'],
        },
      },
      {
        // DB and HTTP suites share one PostgreSQL server; run files one at a time to keep 2 cores calm.
        test: {
          name: 'db',
          include: ['test/db/**/*.test.ts', 'test/http/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

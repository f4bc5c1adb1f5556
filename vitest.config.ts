import { defineConfig } from 'vitest/config';

// One runner for every test in the repo. The `source` condition makes
// workspace packages resolve to their TypeScript sources, so tests never
// depend on a stale build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/server/**/*.test.ts',
      'apps/*/app/**/*.test.ts',
      'apps/*/lib/**/*.test.ts',
      'apps/*/components/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});

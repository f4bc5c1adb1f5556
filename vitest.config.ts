import { defineConfig } from 'vitest/config';

/**
 * The demo's end-to-end tests run six services, a dashboard and (for one)
 * Chromium, and assert what a person sees at the height of a load spike —
 * "callers stay healthy" is a statement about event loops and latency, so
 * they run last, one at a time, with the machine to themselves instead of
 * sharing its two cores with other test files.
 */
const WHOLE_MACHINE = ['test/demo.e2e.test.ts', 'test/browser/demoCascade.browser.test.ts'];

// One runner for every test in the repo. The `source` condition makes
// workspace packages resolve to their TypeScript sources, so tests never
// depend on a stale build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'tests',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/server/**/*.test.ts',
            'apps/*/app/**/*.test.ts',
            'apps/*/lib/**/*.test.ts',
            'apps/*/components/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: WHOLE_MACHINE,
          fileParallelism: true,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'demo',
          include: WHOLE_MACHINE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

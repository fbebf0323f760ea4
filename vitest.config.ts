import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts', 'tests/**/*.test.ts', 'infra/cdk/test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    coverage: {
      provider: 'v8',
      include: ['*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/index.ts', 'cli/src/main.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: {
        // The runtime must stay at or above 85 % line coverage.
        'runtime/src/**': { lines: 85 },
        'recon/src/**': { lines: 80 },
        // Workflow engine: 90 % of lines overall; incremental detection fully covered, lines and branches.
        'workflow/src/**': { lines: 90 },
        'workflow/src/incremental/**': { lines: 100, branches: 100 },
        // Quality gates and lineage: every line and branch tested (what the workflow engine promises its users).
        'workflow/src/gates/**': { lines: 100, branches: 100 },
        'workflow/src/lineage/**': { lines: 100, branches: 100 },
      },
    },
  },
});

import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests build venvs and images and run real load; unit tests finish in milliseconds.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    // Load tests must not run side by side on a 2-core machine: they would measure each other.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        // Seconds, no real apps, databases, containers or load: `npm run test:unit`.
        test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/integration/**', 'tests/faults/**'] },
      },
      {
        extends: true,
        // Real virtualenvs, PostgreSQL, containers and short load runs: `npm run test:integration`.
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'] },
      },
    ],
  },
});

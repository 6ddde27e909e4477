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
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/integration/**', 'tests/faults/**', 'tests/load/open-loop-calibration.test.ts'],
        },
      },
      {
        extends: true,
        // Real virtualenvs, PostgreSQL, containers and short load runs: `npm run test:integration`.
        // The M/D/1 calibration of the open-loop generator is a timing test: it runs with the real-process tests, alone.
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts', 'tests/load/open-loop-calibration.test.ts'] },
      },
      {
        extends: true,
        // Fault injection (docs/faults.md): real runs killed, signalled and fed bad input; each checks nothing is left.
        test: { name: 'faults', include: ['tests/faults/**/*.faults.ts'], sequence: { concurrent: false } },
      },
    ],
  },
});

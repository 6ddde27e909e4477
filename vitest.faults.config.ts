import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite (docs/faults.md): real runs that are killed, signalled and
 * fed bad input. Run serially on its own (`npx vitest run --config vitest.faults.config.ts`):
 * every case starts real processes and checks that none is left.
 */
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.faults.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});

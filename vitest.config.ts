import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests build venvs and images and run real load; unit tests finish in milliseconds.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    // Load tests must not run side by side on a 2-core machine: they would measure each other.
    fileParallelism: false,
  },
});

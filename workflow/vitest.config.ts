import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // the tests run whole workflows one after another (each uses every core)
    fileParallelism: false,
    testTimeout: 600_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The codec tests compress and decode whole records at every level: several take 3-5 s on a
    // 2-core machine, and under load passed vitest's default of 5 s (a CI run failed so).
    testTimeout: 30_000,
  },
});

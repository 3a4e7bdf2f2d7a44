import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // forks, not vmThreads: native modules (zstd-napi, later onnxruntime-node) break in VM contexts.
    pool: 'forks',
    // Every core: the real-genome round trips are split into two files (test-support/shared-data.ts)
    // that run at once; vitest's default left one core idle.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // forks, not vmThreads: native modules (zstd-napi, later onnxruntime-node) break in VM contexts.
    pool: 'forks',
    testTimeout: 60_000,
  },
});

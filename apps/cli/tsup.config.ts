import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  clean: true,
  target: 'node20',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
  // tsup leaves dependencies and peer dependencies external, not optional ones: the native runtime
  // is loaded (or found missing) at run time, never bundled.
  external: ['@seqcoder/runtime-onnx-node'],
});

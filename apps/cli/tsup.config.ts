import { defineConfig } from 'tsup';

export default defineConfig({
  // encode-worker.js is loaded by path from cli.js (compress --threads).
  entry: ['src/cli.ts', 'src/encode-worker.ts'],
  format: ['esm'],
  clean: true,
  target: 'node20',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
});

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/pack-bench.ts', 'src/cm-bench.ts', 'src/roundtrip-all.ts'],
  format: ['esm'],
  clean: true,
  target: 'node20',
  platform: 'node',
});

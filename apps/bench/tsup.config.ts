import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bench.ts', 'src/stream.ts', 'src/neural.ts', 'src/region.ts', 'src/denoise.ts', 'src/generate.ts', 'src/deepgeco.ts'],
  format: ['esm'],
  clean: true,
  target: 'node20',
  platform: 'node',
});

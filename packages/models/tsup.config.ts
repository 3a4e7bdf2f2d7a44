import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  platform: 'neutral',
  target: 'es2022',
  // loadModel() finds the ONNX files next to the built module through import.meta.url, also in the CommonJS build.
  shims: true,
  external: ['node:fs/promises', 'node:url'],
});

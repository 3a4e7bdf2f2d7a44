import { defineConfig } from 'tsup';
import { library } from '../../tsup.library';

export default defineConfig({
  ...library,
  // loadModel() finds the ONNX files next to the built module through import.meta.url, also in the CommonJS build.
  shims: true,
  external: ['node:fs/promises', 'node:url'],
});

import { defineConfig } from 'tsup';
import { library } from '../../tsup.library';

export default defineConfig({
  ...library,
  // worker.js (the `./worker` export, Node only) starts cm-worker.js by path, so both are entries;
  // shims give the CommonJS build an import.meta.url.
  entry: ['src/index.ts', 'src/worker.ts', 'src/cm-worker.ts'],
  shims: true,
});

import { defineConfig } from 'vite';

// A static site in dist/: the page, its worker (an ES module) and @seqcoder/format's browser build.
export default defineConfig({
  build: { outDir: 'dist', target: 'es2022' },
  worker: { format: 'es' },
});

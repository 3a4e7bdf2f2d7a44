import { defineConfig } from 'tsup';

// Two entries: the universal one (browsers, any bundler) and the Node one (adds file paths).
export default defineConfig({
  entry: ['src/index.ts', 'src/index.node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['node:fs/promises', 'node:module'],
  // shims give the CommonJS build an import.meta.url (checksum.node.ts).
  shims: true,
});

import type { Options } from 'tsup';

/** The build every library package shares: ESM and CommonJS with type declarations, for Node and browsers. */
export const library: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  platform: 'neutral',
  target: 'es2022',
};

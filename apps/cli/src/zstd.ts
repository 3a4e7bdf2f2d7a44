/**
 * The native zstd compressor for side sections (readers decode them with pure-JS fzstd). Loaded on
 * first use: only writing needs it, and loading it took 10 ms of every command's start.
 */
import { createRequire } from 'node:module';
import type { ZstdCompress } from '@seqcoder/format';

const require = createRequire(import.meta.url);
let native: typeof import('zstd-napi') | undefined;

export const zstdCompress: ZstdCompress = (data, level) => {
  native ??= require('zstd-napi') as typeof import('zstd-napi');
  return native.compress(data, { compressionLevel: level });
};

/** The native zstd compressor for side sections (readers decode them with pure-JS fzstd). */
import { compress } from 'zstd-napi';
import type { ZstdCompress } from '@seqcoder/format';

export const zstdCompress: ZstdCompress = (data, level) => compress(data, { compressionLevel: level });

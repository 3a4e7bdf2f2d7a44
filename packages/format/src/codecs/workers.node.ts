/**
 * The Node side of codecs/workers.ts: `cm` records go to `@seqcoder/residual`'s worker pool, whose
 * workers run the very functions of the cm codec, so the bytes are those of this thread. `pack` is
 * faster than the copy to a worker, the neural codecs run their networks in the main thread, and a
 * group codec codes its records against each other in order: those stay here.
 */
import { CmWorkerPool } from '@seqcoder/residual/worker';
import { cmCodec, cmStreamError } from './index.js';
import { checkThreads, type CodecWorkers } from './workers.js';

/**
 * Bases coded in the calling thread before the pool starts. Starting a worker (a fresh isolate that
 * loads the codec) takes about 0.1 s, as long as cm takes for some 150,000 bases: a file of one
 * small genome (phage lambda, 48,502 bases) was compressed in 0.44 s with the pool and 0.33 s
 * without, and decompressed in 0.48 and 0.36 s. Past this budget, or for a record larger than it,
 * the pool starts and takes every cm record from then on, small ones included.
 */
export const INLINE_BASES = 2 ** 18;

/**
 * Workers for `threads` records at once, started on the first record that uses them; cm records
 * are coded in the calling thread until `inlineBases` bases have been (see INLINE_BASES).
 */
export function codecWorkers(threads: number, inlineBases: number = INLINE_BASES): CodecWorkers {
  const pool = new CmWorkerPool(checkThreads(threads));
  let inline = 0;
  /** Whether the pool takes a cm record of `count` bases (else the caller codes it). */
  const pooled = (count: number): boolean => {
    if (pool.started || inline + count > inlineBases) return true;
    inline += count;
    return false;
  };
  return {
    threads,
    encode: (codec, symbols, level, blockBases, trial, onBases) =>
      codec === cmCodec && pooled(symbols.length) ? pool.encode(symbols, { level, blockBases, trial }, onBases) : undefined,
    // As the cm codec does in this thread: a stream that does not decode is a damaged file.
    decode: (codec, payload, count, onBases) =>
      codec === cmCodec && pooled(count)
        ? pool.decode(payload, count, {}, onBases).catch((e: unknown) => {
            throw cmStreamError(e);
          })
        : undefined,
    close: () => pool.close(),
  };
}

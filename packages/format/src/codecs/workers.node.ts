/**
 * The Node side of codecs/workers.ts: `cm` records go to `@seqcoder/residual`'s worker pool, whose
 * workers run the very functions of the cm codec, so the bytes are those of this thread. `pack` is
 * faster than the copy to a worker, the neural codecs run their networks in the main thread, and a
 * group codec codes its records against each other in order: those stay here.
 */
import { CmWorkerPool } from '@seqcoder/residual/worker';
import { cmCodec, cmStreamError } from './index.js';
import { checkThreads, type CodecWorkers } from './workers.js';

/** Workers for `threads` records at once, started on the first record that uses them. */
export function codecWorkers(threads: number): CodecWorkers {
  const pool = new CmWorkerPool(checkThreads(threads));
  return {
    threads,
    encode: (codec, symbols, level, blockBases) => (codec === cmCodec ? pool.encode(symbols, { level, blockBases }) : undefined),
    // As the cm codec does in this thread: a stream that does not decode is a damaged file.
    decode: (codec, payload, count) =>
      codec === cmCodec
        ? pool.decode(payload, count).catch((e: unknown) => {
            throw cmStreamError(e);
          })
        : undefined,
    close: () => pool.close(),
  };
}

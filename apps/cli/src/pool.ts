/**
 * `--threads N`: cm records go to `@seqcoder/residual`'s worker pool. Records are independent
 * arithmetic-coded streams, so coding or decoding several at once on several cores gives exactly
 * the same bytes as doing them in turn (tested). One record still uses one core: splitting a
 * record would cost ratio (ADR 0005). pack is faster than the copy to a worker, and the neural
 * codecs run their networks in the main thread, so only cm is pooled.
 */
import { cmStreamError, codecByName, type CompressOptions, type DecompressOptions } from '@seqcoder/format';
import { CmWorkerPool } from '@seqcoder/residual/worker';

export type CodingPool = CmWorkerPool;

/** A pool of `threads` workers, started on the first job: a file with no cm record pays nothing. */
export function startCodingPool(threads: number): CodingPool {
  return new CmWorkerPool(threads);
}

/** compress() options that send cm records to the pool; none without one. */
export function encodingOptions(pool: CodingPool | undefined, codec: string, threads: number): Partial<CompressOptions> {
  if (!pool || codec !== 'cm') return {};
  return { encodeSequence: (_codec, symbols, level) => pool.encode(symbols, { level }), parallelRecords: threads };
}

/** decompressStream() options that send cm records to the pool; none without one. */
export function decodingOptions(pool: CodingPool | undefined, threads: number): DecompressOptions {
  if (!pool) return {};
  return {
    parallelRecords: threads,
    decodeSequence: async (codec, payload, count) => {
      if (codec !== 'cm') return codecByName(codec).decode(payload, count, 0, count);
      // As @seqcoder/format's own cm codec does: a stream that does not decode is a damaged file.
      return pool.decode(payload, count).catch((e: unknown) => {
        throw cmStreamError(e);
      });
    },
  };
}

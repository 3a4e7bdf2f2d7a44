/**
 * Coding records in other threads. A record's stream is sequential (one record uses one core), but
 * the records of a file are independent, and so are the blocks of a record coded in blocks, so
 * several can be coded at once on several cores with exactly the bytes of coding them in turn.
 * Which codecs can run in a worker is this package's knowledge: the Node entry point gives
 * `codecWorkers(threads)`, and callers only pass it on.
 */
import { InvalidArgumentError } from '../errors.js';
import type { SequenceCodec } from './index.js';

export interface CodecWorkers {
  /** Records coded at once. */
  readonly threads: number;
  /**
   * The codec's `encode(symbols, level, blockBases, trial)` in workers, or undefined when the caller codes
   * the record itself: a codec that does not run in one, or a record the workers leave to the
   * calling thread (Node's `codecWorkers` does so for the first small records, see INLINE_BASES).
   * `onBases`, if given, is told the bases coded so far as the worker goes, for a progress bar.
   */
  encode(codec: SequenceCodec, symbols: Uint8Array, level: number, blockBases?: number, trial?: boolean, onBases?: (bases: number) => void): Promise<Uint8Array> | undefined;
  /** The codec's `decode(payload, count, 0, count)` in a worker, or undefined as for `encode`. */
  decode(codec: SequenceCodec, payload: Uint8Array, count: number, onBases?: (bases: number) => void): Promise<Uint8Array> | undefined;
  /** Stops the workers; call it when done. */
  close(): Promise<void>;
}

/** Records coded at once with these workers (1 without), checked. */
export function workerThreads(workers: CodecWorkers | undefined): number {
  return checkThreads(workers?.threads ?? 1);
}

/** `threads`, checked: a positive integer (`codecWorkers` and the writer and readers use it). */
export function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1) throw new InvalidArgumentError(`threads must be a positive integer, not ${threads}`);
  return threads;
}

/**
 * Worker threads for `--threads N`: records are independent arithmetic-coded streams, so coding or
 * decoding several at once on several cores gives exactly the same bytes as doing them in turn
 * (tested). One record still uses one core: splitting a record would cost ratio (ADR 0005).
 */
import { Worker } from 'node:worker_threads';
import { codecByName, SeqCoderError, type CompressOptions, type DecompressOptions, type SeqCoderErrorCode } from '@seqcoder/format';

/**
 * Codecs whose records go to the workers: cm, the slow one. pack is faster than the copy to a
 * worker, and the neural codecs run their networks in the main thread.
 */
const POOLED = new Set(['cm']);

type Job = { resolve: (data: Uint8Array) => void; reject: (error: Error) => void };

export interface CodingPool {
  encode(codec: string, symbols: Uint8Array, level: number): Promise<Uint8Array>;
  decode(codec: string, payload: Uint8Array, count: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A pool of `threads` workers, started on the first job: a file with no record for it pays nothing. */
export function startCodingPool(threads: number): CodingPool {
  const url = new URL('./encode-worker.js', import.meta.url);
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const waiting: (() => void)[] = [];
  const jobs = new Map<number, Job>();
  let next = 0;

  const start = (): void => {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(url);
      worker.on('message', (m: { id: number; data?: Uint8Array; error?: string; code?: SeqCoderErrorCode }) => {
        const job = jobs.get(m.id)!;
        jobs.delete(m.id);
        idle.push(worker);
        waiting.shift()?.();
        if (m.error === undefined) job.resolve(m.data!);
        else job.reject(m.code ? new SeqCoderError(m.code, m.error) : new Error(m.error));
      });
      worker.on('error', (e) => {
        for (const job of jobs.values()) job.reject(e);
        jobs.clear();
      });
      workers.push(worker);
      idle.push(worker);
    }
  };
  const submit = async (message: Record<string, unknown>): Promise<Uint8Array> => {
    if (workers.length === 0) start();
    while (idle.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    const worker = idle.pop()!;
    const id = next++;
    return new Promise<Uint8Array>((resolve, reject) => {
      jobs.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  };
  return {
    encode: (codec, symbols, level) => submit({ op: 'encode', codec, level, symbols }),
    decode: (codec, payload, count) => submit({ op: 'decode', codec, payload, count }),
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** compress() options that send the POOLED codecs' records to the pool; none without one. */
export function encodingOptions(pool: CodingPool | undefined, codec: string, threads: number): Partial<CompressOptions> {
  if (!pool || !POOLED.has(codec)) return {};
  return { encodeSequence: pool.encode, parallelRecords: threads };
}

/** decompressStream() options that send the POOLED codecs' records to the pool; none without one. */
export function decodingOptions(pool: CodingPool | undefined, threads: number): DecompressOptions {
  if (!pool) return {};
  return {
    parallelRecords: threads,
    decodeSequence: async (codec, payload, count) =>
      POOLED.has(codec) ? pool.decode(codec, payload, count) : codecByName(codec).decode(payload, count, 0, count),
  };
}

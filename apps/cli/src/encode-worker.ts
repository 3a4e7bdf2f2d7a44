/**
 * A worker thread for `--threads`: codes or decodes one record's bases per message.
 *   { id, op: 'encode', codec, level, symbols }  → { id, data }
 *   { id, op: 'decode', codec, payload, count }  → { id, data }
 * or { id, error, code } where `code` is a @seqcoder/format error code when the error has one.
 * Only the built-in codecs run here; the neural codecs run their networks in the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { codecByName, isSeqCoderError } from '@seqcoder/format';

type Job =
  | { id: number; op: 'encode'; codec: string; level: number; symbols: Uint8Array }
  | { id: number; op: 'decode'; codec: string; payload: Uint8Array; count: number };

parentPort!.on('message', async (job: Job) => {
  try {
    const codec = codecByName(job.codec);
    const data = job.op === 'encode' ? await codec.encode(job.symbols, job.level) : await codec.decode(job.payload, job.count, 0, job.count);
    parentPort!.postMessage({ id: job.id, data }, [data.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: (e as Error)?.message ?? String(e), code: isSeqCoderError(e) ? e.code : undefined });
  }
});

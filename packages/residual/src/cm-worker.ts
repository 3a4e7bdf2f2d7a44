/**
 * The worker thread of CmWorkerPool (worker.ts): codes or decodes one cm stream per message.
 *   { id, op: 'encode', symbols, options }          → { id, data }
 *   { id, op: 'decode', payload, count, options }   → { id, data }
 * or { id, error, code }, code naming the error to rebuild on the other side (undefined: a plain Error).
 */
import { parentPort } from 'node:worker_threads';
import { cmDecode, cmEncode, type CmOptions } from './cm/codec.js';
import { isSeqCoderError } from '@seqcoder/errors';
import type { CmWorkerReply } from './worker.js';

type Job =
  | { id: number; op: 'encode'; symbols: Uint8Array; options: CmOptions }
  | { id: number; op: 'decode'; payload: Uint8Array; count: number; options: Pick<CmOptions, 'hints'> };

parentPort!.on('message', (job: Job) => {
  try {
    const data = job.op === 'encode' ? cmEncode(job.symbols, job.options) : cmDecode(job.payload, job.count, job.options);
    parentPort!.postMessage({ id: job.id, data } satisfies CmWorkerReply, [data.buffer as ArrayBuffer]);
  } catch (e) {
    const code = isSeqCoderError(e, 'CODED_STREAM', 'INVALID_INPUT') ? e.code : undefined;
    parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e), code } satisfies CmWorkerReply);
  }
});

/**
 * The worker thread of CmWorkerPool (worker.ts): codes or decodes one cm stream per message.
 *   { id, op: 'encode', symbols, options, report }          → { id, data }
 *   { id, op: 'decode', payload, count, options, report }   → { id, data }
 * or { id, error, code }, code naming the error to rebuild on the other side (undefined: a plain Error).
 * With `report`, { id, done } comes first after each REPORT_BASES bases, done counting the bases so far.
 */
import { parentPort } from 'node:worker_threads';
import { CmDecoder, cmEncodeSteps, type CmOptions } from './cm/codec.js';
import { isSeqCoderError } from '@seqcoder/errors';
import type { CmWorkerReply } from './worker.js';

type Job = { id: number; report: boolean } & (
  | { op: 'encode'; symbols: Uint8Array; options: CmOptions }
  | { op: 'decode'; payload: Uint8Array; count: number; options: Pick<CmOptions, 'hints'> }
);

/** Bases between two progress messages: as many as the calling thread codes between two returns to its event loop. */
const REPORT_BASES = 1 << 16;

const report = (id: number, done: number): void => parentPort!.postMessage({ id, done } satisfies CmWorkerReply);

/** cmEncode; `reporting`, telling the bases coded as it goes (the same bytes: cmEncode is cmEncodeSteps run whole). */
function encode(id: number, symbols: Uint8Array, options: CmOptions, reporting: boolean): Uint8Array {
  const steps = cmEncodeSteps(symbols, options, reporting ? REPORT_BASES : Infinity);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    if (step.value.done < step.value.total) report(id, step.value.done);
  }
}

/** cmDecode; `reporting`, telling the bases decoded as it goes. */
function decode(id: number, payload: Uint8Array, count: number, options: Pick<CmOptions, 'hints'>, reporting: boolean): Uint8Array {
  const decoder = new CmDecoder(payload, count, options);
  while (reporting && count - decoder.position > REPORT_BASES) {
    decoder.read(REPORT_BASES);
    report(id, decoder.position);
  }
  return decoder.readAll();
}

parentPort!.on('message', (job: Job) => {
  try {
    const data = job.op === 'encode' ? encode(job.id, job.symbols, job.options, job.report) : decode(job.id, job.payload, job.count, job.options, job.report);
    parentPort!.postMessage({ id: job.id, data } satisfies CmWorkerReply, [data.buffer as ArrayBuffer]);
  } catch (e) {
    const code = isSeqCoderError(e, 'CODED_STREAM', 'INVALID_INPUT') ? e.code : undefined;
    parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e), code } satisfies CmWorkerReply);
  }
});

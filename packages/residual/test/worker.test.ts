import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
// The pool starts dist/cm-worker.js by path, so this tests the build (turbo builds before testing).
import { CodedStreamError, InvalidInputError, cmDecode, cmEncode } from '../dist/index.js';
import { CmWorkerPool } from '../dist/worker.js';

function sequence(n: number, seed: number): Uint8Array {
  let s = seed;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) & 3;
  return out;
}

describe('CmWorkerPool', () => {
  const pool = new CmWorkerPool(2);
  afterAll(() => pool.close());

  it('writes exactly what cmEncode writes, for several records at once, and decodes them', async () => {
    const records = [sequence(20_000, 1), sequence(5_000, 2), sequence(0, 3), sequence(30_000, 4), sequence(1, 5)];
    const levels = [1, 2, 3, 4, 2];
    const payloads = await Promise.all(records.map((r, i) => pool.encode(r, { level: levels[i] })));
    payloads.forEach((p, i) => expect(p).toEqual(cmEncode(records[i]!, { level: levels[i] })));
    const back = await Promise.all(payloads.map((p, i) => pool.decode(p, records[i]!.length)));
    back.forEach((b, i) => expect(b).toEqual(records[i]));
    expect(records[0]!.length).toBe(20_000); // the caller's arrays were copied, not taken
  });

  it('codes and decodes the blocks of a record in blocks on several workers, with the bytes of one thread', async () => {
    const input = sequence(3 * 4096 + 777, 8);
    for (const level of [1, 3]) {
      const payload = await pool.encode(input, { level, blockBases: 4096 });
      expect(payload).toEqual(cmEncode(input, { level, blockBases: 4096 }));
      expect(payload[0]).toBe(3);
      expect(await pool.decode(payload, input.length)).toEqual(input);
    }
    await expect(pool.encode(input, { blockBases: 100 })).rejects.toBeInstanceOf(InvalidInputError);
    const payload = cmEncode(input, { blockBases: 4096 });
    await expect(pool.decode(payload.subarray(0, payload.length - 300), input.length)).rejects.toBeInstanceOf(CodedStreamError);
  });

  it('tells the bases done as it goes when asked, with the same bytes, in one stream or in blocks', async () => {
    // 2^16 bases between two messages: one stream of 200 kb tells 65,536, 131,072 and 196,608;
    // two blocks of 100 kb, coded at once, tell 65,536 each, so the sum told is 65,536 then twice that
    const input = sequence(200_000, 9);
    for (const [blockBases, expected] of [[undefined, [65_536, 131_072, 196_608]], [100_000, [65_536, 131_072]]] as const) {
      const options = { level: 1, blockBases };
      const coded: number[] = [];
      const payload = await pool.encode(input, options, (n) => coded.push(n));
      expect(payload).toEqual(cmEncode(input, options));
      const decoded: number[] = [];
      expect(await pool.decode(payload, input.length, {}, (n) => decoded.push(n))).toEqual(input);
      expect(coded).toEqual(expected);
      expect(decoded).toEqual(expected);
    }
  });

  it('passes side information both ways', async () => {
    const input = sequence(8_000, 6);
    const payload = await pool.encode(input, { hints: input });
    expect(payload).toEqual(cmEncode(input, { hints: input }));
    expect(await pool.decode(payload, input.length, { hints: input })).toEqual(cmDecode(payload, input.length, { hints: input }));
  });

  it('rejects with the same typed errors as the functions', async () => {
    await expect(pool.encode(Uint8Array.of(0, 4))).rejects.toBeInstanceOf(InvalidInputError);
    const payload = cmEncode(sequence(3_000, 7));
    await expect(pool.decode(payload.subarray(0, 40), 3_000)).rejects.toBeInstanceOf(CodedStreamError);
    // and keeps working afterwards
    expect(await pool.decode(payload, 3_000)).toEqual(sequence(3_000, 7));
  });

  it('fails only the job of a worker that dies, and replaces the worker', async () => {
    const solo = new CmWorkerPool(1);
    const first = sequence(20_000, 8);
    const queued = sequence(2_000, 9);
    const dying = solo.encode(first); // posted at once: the one worker is idle
    const waiting = solo.encode(queued); // waits for a worker
    // Kill it as an out-of-memory abort or a native crash would (the pool keeps its workers private),
    // in the same turn as the job was posted: the thread cannot even have started, so the job cannot
    // have finished first, however fast the codec.
    const workers = (solo as unknown as { workers: Worker[] }).workers;
    expect(workers).toHaveLength(1);
    const killing = workers[0]!.terminate();
    await killing;
    await expect(dying).rejects.toThrow(/cm worker thread stopped/);
    expect(await waiting).toEqual(cmEncode(queued)); // ran on the replacement
    expect(await solo.encode(first.subarray(0, 5_000))).toEqual(cmEncode(first.subarray(0, 5_000)));
    await solo.close();
  });

  it('refuses a bad thread count and jobs after close', async () => {
    expect(() => new CmWorkerPool(0)).toThrow(InvalidInputError);
    const other = new CmWorkerPool(1);
    await other.close();
    await expect(other.encode(Uint8Array.of(1))).rejects.toThrow(/closed/);
  });
});

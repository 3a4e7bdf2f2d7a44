import { describe, expect, it } from 'vitest';
import { CM_LEVELS, CM_SHORT_RECORD_TRIALS, cmPayloadModel } from '@seqcoder/residual';
import { cmCodec, codecWorkers, compress, compressFiles, decompress } from '../src/index.node.js';
import { codedPayload, collect, sequenceFrames } from './helpers.js';

/** The cm model of each sequence frame of a container. */
function frameModels(file: Uint8Array): number[] {
  return sequenceFrames(file).map((frame) => cmPayloadModel(codedPayload(frame)));
}

/** A record of `bases` random bases with every third one T: the short-record model 13 codes it smaller than model 18. */
function codonRecord(name: string, bases: number, seed: number): string {
  let s = seed;
  const rand = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16;
  const letters = Array.from({ length: bases }, (_, i) => (i % 3 === 2 ? 'T' : 'ACGT'[rand() & 3]!)).join('');
  return `>${name}\n${letters.replace(/.{80}/g, '$&\n')}\n`;
}

describe('the default level\'s budget of short-record trials', () => {
  const budget = CM_SHORT_RECORD_TRIALS[2]!.budget!;
  // 100 kb, 100 kb, 100 kb, 20 kb: the first two fit the budget of 2^18 bases, the third no longer
  // does, the fourth fits what is left
  const sizes = [100_000, 100_000, 100_000, 20_000];
  const fasta = new TextEncoder().encode(sizes.map((n, i) => codonRecord(`r${i}`, n, i + 1)).join(''));

  it('is granted to records in order while it lasts, and the decoder needs nothing of it', async () => {
    expect(cmCodec.trialBudget?.(2)).toBe(budget);
    expect(sizes[0]! + sizes[1]!).toBeLessThanOrEqual(budget);
    expect(sizes[0]! + sizes[1]! + sizes[2]!).toBeGreaterThan(budget);
    const file = await compress(fasta, { codec: 'cm', level: 2 });
    expect(frameModels(file)).toEqual([13, 13, CM_LEVELS[2], 13]);
    expect(await decompress(file)).toEqual(fasta);
  }, 30_000);

  it('gives the same bytes on any number of threads, and begins again in each archive written', async () => {
    const alone = await compress(fasta, { codec: 'cm', level: 2 });
    const workers = codecWorkers(2, 0); // every record to the pool, two at once
    try {
      expect(Buffer.compare(Buffer.from(await compress(fasta, { codec: 'cm', level: 2, workers })), Buffer.from(alone))).toBe(0);
    } finally {
      await workers.close();
    }
    // the files of one archive share its budget: a third record of 100 kb no longer fits
    const first = fasta.subarray(0, fasta.indexOf(62, 1));
    const three = await collect(compressFiles(['a.fa', 'b.fa', 'c.fa'].map((name) => ({ name, content: [first] })), { codec: 'cm', level: 2 }));
    expect(frameModels(three)).toEqual([13, 13, CM_LEVELS[2]]);
    expect(frameModels(await compress(first, { codec: 'cm', level: 2 }))).toEqual([13]);
  }, 30_000);

  it('is not spent where the level has none', async () => {
    expect(cmCodec.trialBudget?.(1)).toBeUndefined();
    expect(frameModels(await compress(fasta, { codec: 'cm', level: 1 }))).toEqual(sizes.map(() => CM_LEVELS[1]));
  });
});

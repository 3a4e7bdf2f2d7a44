/** A program that uses only @seqcoder/format (no registerNeuralCodecs) and meets a neural file. */
import { readFileSync } from 'node:fs';
import { openArchive } from '@seqcoder/format';
import { describe, expect, it } from 'vitest';

const golden = new Uint8Array(readFileSync(new URL('./__fixtures__/awkward.seqcoder-classic.seqc', import.meta.url)));

describe('a reader without the neural codecs', () => {
  it('lists the records with their codec, and says which package reads their bases', async () => {
    const archive = await openArchive(golden);
    expect(archive.records[0]!.codec).toBe('seqcoder-classic');
    await expect(archive.readRecord(0)).rejects.toMatchObject({ code: 'UNSUPPORTED_FEATURE', message: expect.stringMatching(/@seqcoder\/neural/) });
  });
});

/**
 * Every file of the real-genome data round-trips through the library with the default codec
 * (cm), byte for byte. Split between shared-data-1.test.ts and shared-data-2.test.ts, which vitest
 * runs at once: together they take minutes.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compress, decompress, openArchive } from '../src/index.js';
import { zstdCompress } from './helpers.js';
import { DATA, DATA_PRESENT, dataFiles, dataShare, warnIfAbsent } from '../../../test-support/shared-data.js';

export function describeDataRoundTrips(part: number, parts: number): void {
  warnIfAbsent('real-genome round trips');
  describe.skipIf(!DATA_PRESENT)(`every file of ${DATA} round-trips (share ${part} of ${parts})`, () => {
    const all = dataFiles();
    it('finds the files', () => expect(all.length).toBeGreaterThan(50));
    for (const file of dataShare(all, part, parts)) {
      it(relative(DATA, file), async () => {
        const original = new Uint8Array(readFileSync(file));
        const packed = await compress(original, { zstd: zstdCompress });
        expect(Buffer.compare(await decompress(packed), original)).toBe(0);
        const archive = await openArchive(packed);
        expect(archive.originalBytes).toBe(original.length);
        if (file.endsWith('.fa') || file.includes('dnacorpus')) expect(archive.kind).toBe('fasta');
      });
    }
  });
}

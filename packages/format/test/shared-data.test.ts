import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compress, decompress, openArchive } from '../src/index.js';
import { listFiles, zstdCompress } from './helpers.js';

const DATA = resolve(process.env.SEQCODER_DATA ?? join(__dirname, '..', '..', '..', '..', 'shared', 'data'));
const present = existsSync(DATA);
// .ci/run, where the data is always beside the clone, sets SEQCODER_REQUIRE_DATA: there a missing folder fails.
if (!present && process.env.SEQCODER_REQUIRE_DATA === '1') throw new Error(`${DATA} is absent, and SEQCODER_REQUIRE_DATA=1 requires it`);
if (!present) console.warn(`[skip] ${DATA} is absent: real-genome round trips skipped (set SEQCODER_DATA to run them)`);

describe.skipIf(!present)(`every file of ${DATA} round-trips`, () => {
  const files = present ? listFiles(DATA) : [];
  it('finds the files', () => expect(files.length).toBeGreaterThan(50));
  for (const file of files) {
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

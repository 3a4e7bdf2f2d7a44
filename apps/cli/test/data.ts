/**
 * Every file of the real-genome data through the built command: with the default codec (cm)
 * through compress and cat on the single genomes, and with pack through every command on every
 * file. The library's own data test round-trips every file with cm. Split between data-1.test.ts
 * and data-2.test.ts, which vitest runs at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DATA, DATA_PRESENT, dataFiles, dataShare, warnIfAbsent } from '../../../test-support/shared-data.js';
import { runCli, testFolders } from './helpers.js';

export function describeDataThroughCli(part: number, parts: number): void {
  const folders = testFolders('seqcoder-data-');
  let dir = '';
  beforeEach(() => (dir = folders.current()));
  const seqcoder = (args: string[]) => runCli(dir, args);
  warnIfAbsent('CLI round trips of real genomes');

  describe.skipIf(!DATA_PRESENT)(`every file of ${DATA} through the CLI (share ${part} of ${parts})`, () => {
    const files = dataFiles();
    const genomes = files.filter((f) => !f.includes('collections'));
    // An empty or misplaced folder must not pass as "every file": the data has genomes and collections.
    it('finds the files', () => {
      expect(genomes.length).toBeGreaterThan(10);
      expect(files.length - genomes.length).toBeGreaterThan(10);
    });
    for (const file of dataShare(genomes, part, parts)) {
      it(`${file.slice(DATA.length + 1)} (default codec)`, () => {
        const original = readFileSync(file);
        expect(seqcoder(['compress', '-q', '-o', 'd.seqc', file]).code).toBe(0);
        expect(Buffer.compare(seqcoder(['cat', 'd.seqc']).stdout, original)).toBe(0);
      });
    }
    for (const file of dataShare(files, part, parts)) {
      it(`${file.slice(DATA.length + 1)} (pack)`, () => {
        const original = readFileSync(file);
        expect(seqcoder(['compress', '-q', '--codec', 'pack', '-o', 'x.seqc', file]).code).toBe(0);
        expect(seqcoder(['verify', '-q', 'x.seqc']).code).toBe(0);
        expect(Buffer.compare(seqcoder(['cat', 'x.seqc']).stdout, original)).toBe(0);
        expect(seqcoder(['decompress', '-q', '-o', 'y', 'x.seqc']).code).toBe(0);
        expect(Buffer.compare(readFileSync(join(dir, 'y')), original)).toBe(0);
      });
    }
  });
}

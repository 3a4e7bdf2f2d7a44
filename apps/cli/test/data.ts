/**
 * Every file of the real-genome data through the built command: with the default codec (cm)
 * through compress and cat on the single genomes, `get` against `samtools faidx` on them (where
 * samtools is installed), and with pack through every command on every file. The library's own data test round-trips every file with cm. Split between data-1.test.ts
 * and data-2.test.ts, which vitest runs at once.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DATA, DATA_PRESENT, dataFiles, dataShare, warnIfAbsent } from '../../../test-support/shared-data.js';
import { runCli, SAMTOOLS, testFolders } from './helpers.js';

/**
 * `count` regions of the records of a FASTA file, seeded: most inside a record, some whole records,
 * some open-ended, some running past the end, some with commas in the numbers.
 */
function randomRegions(fasta: Buffer, count: number, seed: number): string[] {
  const records: { name: string; length: number }[] = [];
  for (const line of fasta.toString('latin1').split('\n')) {
    if (line.startsWith('>')) records.push({ name: line.slice(1).split(/\s/, 1)[0]!, length: 0 });
    else if (records.length > 0) records[records.length - 1]!.length += line.replace(/\r$/, '').length;
  }
  let state = seed >>> 0 || 1;
  const random = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * n);
  };
  const commas = (n: number): string => n.toLocaleString('en');
  return Array.from({ length: count }, () => {
    const { name, length } = records[random(records.length)]!;
    const start = 1 + random(length);
    const end = Math.min(length + 50, start + random(random(10) === 0 ? 20_000 : 300));
    // A whole record, or a region open at one end, prints megabases of a genome: one region in two
    // hundred of each kind (about five of each per genome; at one in twenty, both outputs held
    // 563 MB of a 5 Mb genome and the test took 15 s).
    const kind = random(200);
    if (kind === 0) return name;
    if (kind === 1) return `${name}:${start}`;
    if (kind === 2) return `${name}:-${end}`;
    if (kind < 20) return `${name}:${commas(start)}-${commas(end)}`;
    return `${name}:${start}-${end}`;
  });
}

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
    // `get` against `samtools faidx` on the original: 1,000 random regions of every genome
    // (genomes/: the DNA corpus files have no header line, so no name to ask for)
    for (const file of dataShare(genomes.filter((f) => f.startsWith(join(DATA, 'genomes'))), part, parts)) {
      it.skipIf(!SAMTOOLS)(`${file.slice(DATA.length + 1)} (get = samtools faidx)`, () => {
        symlinkSync(file, join(dir, 'g.fa'));
        expect(seqcoder(['compress', '-q', '--codec', 'pack', '-o', 'g.seqc', 'g.fa']).code).toBe(0);
        const regions = randomRegions(readFileSync(file), 1000, file.length);
        const ours = seqcoder(['get', 'g.seqc', ...regions]);
        const samtools = spawnSync('samtools', ['faidx', 'g.fa', ...regions], { cwd: dir, maxBuffer: 1 << 30 });
        expect(samtools.status).toBe(0);
        expect(ours.code).toBe(0);
        expect(ours.stdout.length).toBeGreaterThan(1000);
        expect(Buffer.compare(ours.stdout, samtools.stdout)).toBe(0);
      });
    }
    // The same with cm in independent blocks (`--block-size`), where get reads windows of a block
    // around its regions: on the genome with the most residues that are not ACGT (their offsets
    // move windows off the blocks), 20 regions, so that windows decode less than the prefix would.
    const irregular = genomes
      .filter((f) => f.startsWith(join(DATA, 'genomes')))
      .map((f) => ({ f, odd: readFileSync(f, 'latin1').split('\n').filter((l) => !l.startsWith('>')).join('').replace(/[ACGTacgt\r]/g, '').length }))
      .sort((a, b) => b.odd - a.odd)[0]?.f;
    if (part === 1 && irregular) {
      it.skipIf(!SAMTOOLS)(`${irregular.slice(DATA.length + 1)} (get = samtools faidx, cm in blocks of 100k)`, () => {
        symlinkSync(irregular, join(dir, 'g.fa'));
        expect(seqcoder(['compress', '-q', '--level', '1', '--block-size', '100k', '-o', 'g.seqc', 'g.fa']).code).toBe(0);
        const regions = randomRegions(readFileSync(irregular), 20, 7);
        const ours = seqcoder(['get', 'g.seqc', ...regions]);
        const samtools = spawnSync('samtools', ['faidx', 'g.fa', ...regions], { cwd: dir, maxBuffer: 1 << 30 });
        expect(samtools.status).toBe(0);
        expect(ours.code).toBe(0);
        expect(Buffer.compare(ours.stdout, samtools.stdout)).toBe(0);
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

/**
 * `seqcoder get`: regions as `samtools faidx` prints them. Expected outputs are written out here
 * for a small file; where samtools is installed, its own output is the reference too (the
 * real-genome data test compares 1,000 random regions of every genome with it).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openArchive } from '@seqcoder/format';
import { beforeEach, describe, expect, it } from 'vitest';
import { PlainRecordReader, type Span } from '../src/commands/get.js';
import { runCli, SAMTOOLS, testFolders } from './helpers.js';

const folders = testFolders('seqcoder-get-');
let dir = '';
beforeEach(() => (dir = folders.current()));
const seqcoder = (args: string[]) => runCli(dir, args);

const FASTA = '>chr1 the first\nACGTACGTAC\nGTNNacgt\n>chr2\r\nAAAA\r\nCC\r\n>odd:1-2 a name that looks like a region\nTTTTGGGG\n';

function archive(codec = 'cm'): void {
  writeFileSync(join(dir, 'g.fa'), FASTA);
  expect(seqcoder(['compress', '-q', '--codec', codec, 'g.fa']).code).toBe(0);
}

const get = (...args: string[]) => seqcoder(['get', 'g.fa.seqc', ...args]);

describe('seqcoder get', () => {
  it('prints regions in samtools syntax, 1-based and both ends included', () => {
    archive();
    const r = get('chr1', 'chr1:3', 'chr1:3-7', 'chr1:-5', 'chr1:1,0-1,5', 'chr2:2-5', 'chr1 the first:1-2');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(
      '>chr1\nACGTACGTACGTNNacgt\n>chr1:3\nGTACGTACGTNNacgt\n>chr1:3-7\nGTACG\n>chr1:-5\nACGTA\n' +
        '>chr1:1,0-1,5\nCGTNNa\n>chr2:2-5\nAAAC\n>chr1 the first:1-2\nAC\n',
    );
  });

  it('cuts an end past the record, and warns as samtools does', () => {
    archive('pack');
    const r = get('chr1:17-30', 'chr1:30-40');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('>chr1:17-30\ngt\n>chr1:30-40\n');
    expect(r.stderr).toContain('Truncated sequence: chr1:17-30');
    expect(r.stderr).toContain('Zero length sequence: chr1:30-40');
  });

  it('takes a whole name before the region syntax, and wraps at --line-width', () => {
    archive();
    expect(get('odd:1-2').stdout.toString()).toBe('>odd:1-2\nTTTTGGGG\n');
    expect(get('odd:1-2:3-4').stdout.toString()).toBe('>odd:1-2:3-4\nTT\n');
    expect(get('chr1:2-9', '-n', '3').stdout.toString()).toBe('>chr1:2-9\nCGT\nACG\nTA\n');
    expect(get('chr1', '-n', '0').stdout.toString()).toBe('>chr1\nACGTACGTACGTNNacgt\n');
  });

  it('reads BED regions (0-based, end excluded)', () => {
    archive();
    writeFileSync(join(dir, 'r.bed'), 'track name=x\n# comment\nchr1\t0\t4\tfirst\nchr2\t4\t6\n\n');
    const r = get('--bed', 'r.bed', 'chr2:1-1');
    expect(r.stdout.toString()).toBe('>chr2:1-1\nA\n>chr1:1-4\nACGT\n>chr2:5-6\nCC\n');
    // from standard input too (not when the archive comes from there)
    expect(runCli(dir, ['get', 'g.fa.seqc', '--bed', '-'], new TextEncoder().encode('chr1\t0\t4\n')).stdout.toString()).toBe('>chr1:1-4\nACGT\n');
    expect(runCli(dir, ['get', '-', '--bed', '-'], new Uint8Array(0))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot both be standard input') });
    writeFileSync(join(dir, 'bad.bed'), 'chr1\tx\t4\n');
    expect(get('--bed', 'bad.bed')).toMatchObject({ code: 2, stderr: expect.stringContaining('bad.bed:1: not a BED line') });
  });

  it('prints every region it can, reports the others, and exits 1', () => {
    archive();
    const r = get('chrX:1-5', 'chr2', 'nope');
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe('>chr2\nAAAACC\n');
    expect(r.stderr).toContain('no record named chrX');
    expect(r.stderr).toContain('2 of 3 region(s) name no record');
  });

  it('refuses regions that make no sense, and no region at all', () => {
    archive();
    expect(get('chr1:5-3')).toMatchObject({ code: 2, stderr: expect.stringContaining('the end is before the start') });
    expect(get('chr1:0-3')).toMatchObject({ code: 2, stderr: expect.stringContaining('positions start at 1') });
    expect(get('chr1:a-b').code).toBe(1); // not a region: a name, and there is none
    expect(get()).toMatchObject({ code: 2, stderr: expect.stringContaining('name a region') });
    expect(get('chr1', '-n', '-1').code).toBe(2);
  });

  it('looks records up in one file of an archive, and refuses a name found in several', () => {
    writeFileSync(join(dir, 'a.fa'), '>chr\nAAAACCCC\n');
    writeFileSync(join(dir, 'b.fa'), '>chr\nGGGGTTTT\n');
    expect(seqcoder(['compress', '-q', '-o', 'ab.seqc', 'a.fa', 'b.fa']).code).toBe(0);
    expect(seqcoder(['get', 'ab.seqc', 'chr:3-6', '--file', 'b.fa']).stdout.toString()).toBe('>chr:3-6\nGGTT\n');
    expect(seqcoder(['get', 'ab.seqc', 'chr:3-6'])).toMatchObject({ code: 2, stderr: expect.stringContaining('several files (a.fa, b.fa)') });
    expect(seqcoder(['get', 'ab.seqc', 'chr', '--file', 'c.fa']).code).toBe(1);
  });

  it('reads the same regions from records coded in blocks (--block-size), on any number of threads', () => {
    let x = 3;
    const seq = Array.from({ length: 30_000 }, () => 'ACGT'[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 3]).join('');
    writeFileSync(join(dir, 'g.fa'), `>long\n${seq.replace(/(.{60})/g, '$1\n')}\n>short\nACGT\n`);
    expect(seqcoder(['compress', '-q', '--level', '1', '--block-size', '5k', '--threads', '1', '-o', 'one.seqc', 'g.fa']).code).toBe(0);
    expect(seqcoder(['compress', '-q', '--level', '1', '--block-size', '5000', '--threads', '2', '-o', 'two.seqc', 'g.fa']).code).toBe(0);
    expect(readFileSync(join(dir, 'two.seqc'))).toEqual(readFileSync(join(dir, 'one.seqc')));
    expect(readFileSync(join(dir, 'one.seqc'))[10]).toBe(0x03); // required flag 02: cm blocks
    // Read in windows of one block (they hold fewer bases than the prefix would), one across two.
    const r = seqcoder(['get', 'one.seqc', 'long:1-10', 'long:12001-12100', 'long:4991-5010', 'long:29991-30000', 'short']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(
      `>long:1-10\n${seq.slice(0, 10)}\n>long:12001-12100\n${seq.slice(12000, 12060)}\n${seq.slice(12060, 12100)}\n` +
        `>long:4991-5010\n${seq.slice(4990, 5010)}\n>long:29991-30000\n${seq.slice(29990)}\n>short\nACGT\n`,
    );
    expect(seqcoder(['decompress', '-c', 'one.seqc']).stdout).toEqual(readFileSync(join(dir, 'g.fa')));
    // Blocks are a cm feature, with a size in range; a size must be a number of bases.
    expect(seqcoder(['compress', '-c', '--codec', 'pack', '--block-size', '1M', 'g.fa'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('does not code records in blocks'),
    });
    expect(seqcoder(['compress', '-c', '--block-size', '100', 'g.fa'])).toMatchObject({ code: 2, stderr: expect.stringContaining('outside 4096..') });
    expect(seqcoder(['compress', '-c', '--block-size', 'big', 'g.fa'])).toMatchObject({ code: 2, stderr: expect.stringContaining('whole number of bases') });
  });

  // A FASTA that does not look like nucleotides is stored as bytes, with no record table: its
  // records are found by reading the file, and print as samtools prints them.
  const PROTEIN = '>sp|P1|ONE first protein\nMKVLAAGIVG\nLLAQSTRAMK\nV\n>sp|P2|TWO\r\nMSTNPKPQRK\r\nTKRNT\r\n>P3\nMAQ';

  it('reads the records of a FASTA stored as bytes (protein), by identifier, whole header or position', () => {
    writeFileSync(join(dir, 'p.fa'), PROTEIN);
    expect(seqcoder(['compress', '-q', 'p.fa']).code).toBe(0);
    expect(seqcoder(['info', 'p.fa.seqc']).stdout.toString()).toContain('generic');
    const r = seqcoder(['get', 'p.fa.seqc', 'sp|P2|TWO:4-12', 'sp|P1|ONE', 'P3:2', 'sp|P1|ONE first protein:9-12', 'sp|P1|ONE:20-30', '-n', '8']);
    expect(r.stdout.toString()).toBe(
      '>sp|P2|TWO:4-12\nNPKPQRKT\nK\n>sp|P1|ONE\nMKVLAAGI\nVGLLAQST\nRAMKV\n>P3:2\nAQ\n>sp|P1|ONE first protein:9-12\nVGLL\n>sp|P1|ONE:20-30\nKV\n',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Truncated sequence: sp|P1|ONE:20-30');
    expect(seqcoder(['get', 'p.fa.seqc', 'P4:1-3', 'P3'])).toMatchObject({ code: 1, stderr: expect.stringContaining('no record named P4') });
    const cat = (record: string) => seqcoder(['cat', '--record', record, 'p.fa.seqc']);
    expect(cat('sp|P2|TWO').stdout.toString()).toBe('>sp|P2|TWO\r\nMSTNPKPQRK\r\nTKRNT\r\n');
    expect(cat('sp|P1|ONE first protein').stdout.toString()).toBe('>sp|P1|ONE first protein\nMKVLAAGIVG\nLLAQSTRAMK\nV\n');
    expect(cat('2').stdout.toString()).toBe('>P3\nMAQ');
    expect(cat('P4')).toMatchObject({ code: 1, stderr: expect.stringContaining('no record "P4"') });
  });

  it('reads records of the FASTA files and of the protein files of one archive, of one file with --file', () => {
    writeFileSync(join(dir, 'g.fa'), FASTA);
    writeFileSync(join(dir, 'p.fa'), PROTEIN);
    writeFileSync(join(dir, 'q.fa'), '>sp|P1|ONE other\nWWWW\n');
    expect(seqcoder(['compress', '-q', '-o', 'all.seqc', 'g.fa', 'p.fa', 'q.fa']).code).toBe(0);
    const r = seqcoder(['get', 'all.seqc', 'chr2:2-3', 'P3', 'sp|P2|TWO:1-2']);
    expect(r).toMatchObject({ code: 0, stdout: Buffer.from('>chr2:2-3\nAA\n>P3\nMAQ\n>sp|P2|TWO:1-2\nMS\n') });
    expect(seqcoder(['get', 'all.seqc', 'sp|P1|ONE:1-2'])).toMatchObject({ code: 2, stderr: expect.stringContaining('several files (p.fa, q.fa)') });
    expect(seqcoder(['get', 'all.seqc', 'sp|P1|ONE:1-2', '--file', 'q.fa']).stdout.toString()).toBe('>sp|P1|ONE:1-2\nWW\n');
    expect(seqcoder(['get', 'all.seqc', 'P3', '--file', 'g.fa']).code).toBe(1);
    expect(seqcoder(['cat', '--record', 'P3', 'all.seqc']).stdout.toString()).toBe('>P3\nMAQ');
  });

  it('reads records of a FASTA stored as bytes in more passes where they do not fit in memory together', async () => {
    const proteins = Array.from({ length: 40 }, (_, i) => 'MKVLAAGIVGLLAQSTRAWY'.repeat(1 + (i % 3)).slice(i % 7));
    writeFileSync(join(dir, 'p.fa'), proteins.map((p, i) => `>P${i} protein ${i}\n${p.replace(/(.{13})/g, '$1\n')}\n`).join(''));
    expect(seqcoder(['compress', '-q', 'p.fa']).code).toBe(0);
    const archive = await openArchive(join(dir, 'p.fa.seqc'));
    try {
      // 30 residues at a time: each record's first read holds it alone or with one more
      const reader = await PlainRecordReader.find(archive, [-1], new Set(['P3', 'P17', 'P39', 'P0', 'P22 protein 22']), { budget: 30 });
      const byName = new Map(reader.records.map((r) => [r.name.split(' ')[0], r]));
      const asked: [string, number, number][] = [['P17', 2, 40], ['P3', 0, 5], ['P39', 10, 20], ['P17', 0, 3], ['P22', 5, 9], ['P0', 0, 13], ['P3', 1, 30]];
      const spans: Span[] = asked.map(([name, from, to]) => ({ record: byName.get(name)!, from, to: Math.min(to, byName.get(name)!.length) }));
      await reader.plan(spans);
      for (const { record, from, to } of spans) {
        const i = Number(asked[spans.findIndex((s) => s.record === record)]![0].slice(1));
        expect(Buffer.from(await reader.residues(record, from, to)).toString()).toBe(proteins[i]!.slice(from, to));
      }
    } finally {
      await archive.close();
    }
  });

  it.skipIf(!SAMTOOLS)('prints what samtools faidx prints', () => {
    archive();
    const regions = ['chr1', 'chr1:3', 'chr1:3-7', 'chr1:-5', 'chr1:1,0-1,5', 'chr2:2-5', 'chr1:17-30', 'chr1:30-40', 'odd:1-2'];
    const samtools = spawnSync('samtools', ['faidx', 'g.fa', ...regions], { cwd: dir });
    expect(samtools.status).toBe(0);
    expect(get(...regions).stdout.toString()).toBe(samtools.stdout.toString());
  });

  it.skipIf(!SAMTOOLS)('prints what samtools faidx prints of a protein FASTA', () => {
    writeFileSync(join(dir, 'p.fa'), PROTEIN + '\n');
    expect(seqcoder(['compress', '-q', 'p.fa']).code).toBe(0);
    const regions = ['sp|P1|ONE', 'sp|P1|ONE:5-14', 'sp|P2|TWO:2', 'P3:1-2', 'P3:2-9'];
    const samtools = spawnSync('samtools', ['faidx', 'p.fa', ...regions], { cwd: dir });
    expect(samtools.status).toBe(0);
    expect(seqcoder(['get', 'p.fa.seqc', ...regions]).stdout.toString()).toBe(samtools.stdout.toString());
  });
});

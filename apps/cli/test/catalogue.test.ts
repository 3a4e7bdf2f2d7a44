/**
 * Catalogues of the scale workflow, read by `decompress` and `get` (the workflow itself is tested
 * with Snakemake in workflow/test): every genome restored and checked against its SHA-256, whole
 * genomes and regions found by name, and clear errors for what a catalogue cannot do.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, testFolders } from './helpers.js';

const folders = testFolders('seqcoder-catalogue-');

const GENOMES: Record<string, string> = {
  'a.fa': '>a1 first genome\nACGTACGTTTGACCA\nACGTAC\n',
  'sub/b.fa': '>b1 plasmid\r\nGGGCCCAAATTT\r\n>b2 chromosome\r\nACGTNNNNacgtACGT\r\n',
  'c.fa': '>c1\nTTTTGGGGCCCCAAAA\n',
};

/** An archive of the genomes (c.fa given gzipped) and its catalogue, written by hand as the workflow writes it. */
function setUp(dir: string, sha = (text: string) => createHash('sha256').update(text).digest('hex'), version = 1) {
  mkdirSync(join(dir, 'in', 'sub'), { recursive: true });
  mkdirSync(join(dir, 'out', 'archives'), { recursive: true });
  for (const [name, text] of Object.entries(GENOMES)) {
    if (name === 'c.fa') writeFileSync(join(dir, 'in', 'c.fa.gz'), gzipSync(text));
    else writeFileSync(join(dir, 'in', name), text);
  }
  const r = runCli(join(dir, 'in'), ['compress', '-q', '-o', '../out/archives/b000001.seqc', 'a.fa', 'sub/b.fa', 'c.fa.gz']);
  expect(r.code, r.stderr).toBe(0);
  const rows = [`# seqcoder catalogue ${version}`, 'genome\tbatch\tarchive\tstored\tbytes\tsha256\trecord\tname\tlength'];
  for (const [name, text] of Object.entries(GENOMES)) {
    const genome = name === 'c.fa' ? 'c.fa.gz' : name;
    const records = [...text.matchAll(/>([^\r\n]*)\r?\n([^>]*)/g)].map((m) => [m[1]!, m[2]!.replace(/\r?\n/g, '').length] as const);
    records.forEach(([header, length], i) =>
      rows.push([genome, 'b000001', 'archives/b000001.seqc', name, Buffer.byteLength(text), sha(text), i, header, length].join('\t')),
    );
  }
  writeFileSync(join(dir, 'out', 'catalogue.tsv'), rows.join('\n') + '\n');
}

describe('catalogues', () => {
  it('restores every genome under its path (a .gz as its FASTA), checked against the catalogue', () => {
    const dir = folders.current();
    setUp(dir);
    const r = runCli(dir, ['decompress', 'out/catalogue.tsv', '-C', 'restored']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/3 genome\(s\) from 1 archive\(s\), verified/);
    for (const [name, text] of Object.entries(GENOMES)) expect(readFileSync(join(dir, 'restored', name), 'utf8')).toBe(text);
  });

  it('prints a whole genome as it was, and regions by record or by one-record genome', () => {
    const dir = folders.current();
    setUp(dir);
    expect(runCli(dir, ['get', 'out/catalogue.tsv', 'sub/b.fa']).stdout.toString()).toBe(GENOMES['sub/b.fa']);
    expect(runCli(dir, ['get', 'out/catalogue.tsv', 'a']).stdout.toString()).toBe(GENOMES['a.fa']);
    const regions = runCli(dir, ['get', 'out/catalogue.tsv', 'b2:3-10', 'a.fa:2-4', 'c.fa.gz:1-4', 'c1:5-8']);
    expect(regions.code, regions.stderr).toBe(0);
    // c1, a header of one word, is its own first word: one record, not two of the same name
    expect(regions.stdout.toString()).toBe('>b2:3-10\nGTNNNNac\n>a.fa:2-4\nCGT\n>c.fa.gz:1-4\nTTTT\n>c1:5-8\nGGGG\n');
    const several = runCli(dir, ['get', 'out/catalogue.tsv', 'sub/b.fa:1-5']);
    expect(several).toMatchObject({ code: 2, stderr: expect.stringMatching(/has 2 records \(b1, b2\): name the record/) });
    const missing = runCli(dir, ['get', 'out/catalogue.tsv', 'zz:1-5', 'a1:1-2']);
    expect(missing.code).toBe(1);
    expect(missing.stdout.toString()).toBe('>a1:1-2\nAC\n');
    expect(missing.stderr).toMatch(/1 of 2 region\(s\) name no genome or record/);
  });

  it('reads the JSON catalogue as the TSV, and refuses a TSV whose rows of a genome are apart', () => {
    const dir = folders.current();
    setUp(dir);
    const tsv = readFileSync(join(dir, 'out', 'catalogue.tsv'), 'utf8').trim().split('\n');
    const genomes = Object.entries(GENOMES).map(([name, text]) => {
      const genome = name === 'c.fa' ? 'c.fa.gz' : name;
      const rows = tsv.slice(2).map((row) => row.split('\t')).filter((f) => f[0] === genome);
      const records = rows.map((f) => ({ name: f[7], length: Number(f[8]) }));
      return { genome, batch: 'b000001', archive: 'archives/b000001.seqc', stored: name, bytes: Buffer.byteLength(text), sha256: rows[0]![5], records };
    });
    writeFileSync(join(dir, 'out', 'catalogue.json'), JSON.stringify({ format: 'seqcoder catalogue', version: 1, input: '/in', batches: [], genomes }, null, 1));
    const r = runCli(dir, ['get', 'out/catalogue.json', 'b1:1-3', 'c.fa']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toBe('>b1:1-3\nGGG\n' + GENOMES['c.fa']);
    expect(runCli(dir, ['decompress', 'out/catalogue.json', '-C', 'restored'])).toMatchObject({ code: 0, stderr: expect.stringMatching(/3 genome\(s\) from 1 archive\(s\)/) });
    // b.fa's second row moved after c.fa's
    const apart = [...tsv.slice(0, 3), tsv[4]!, tsv[5]!, tsv[3]!, ...tsv.slice(6)];
    writeFileSync(join(dir, 'out', 'apart.tsv'), apart.join('\n') + '\n');
    expect(runCli(dir, ['get', 'out/apart.tsv', 'a'])).toMatchObject({ code: 3, stderr: expect.stringMatching(/the rows of sub\/b\.fa are not together \(line 6\)/) });
  });

  it('reads a catalogue of many megabytes, with CRLF line ends, line by line', () => {
    const dir = folders.current();
    setUp(dir);
    const [magic, header, ...rows] = readFileSync(join(dir, 'out', 'catalogue.tsv'), 'utf8').trim().split('\n');
    // 40,000 rows of other genomes (3.7 MB) around the real ones, so that rows cross the reader's megabyte pieces
    const filler = (from: number) =>
      Array.from({ length: 20_000 }, (_, i) => [`other/${from + i}.fa`, 'b000009', 'archives/b000009.seqc', `other/${from + i}.fa`, 10, '0'.repeat(64), 0, `contig ${i}`, 5].join('\t'));
    const big = [magic, header, ...filler(0), ...rows, ...filler(20_000)].join('\r\n') + '\r\n';
    writeFileSync(join(dir, 'out', 'big.tsv'), big);
    const r = runCli(dir, ['get', 'out/big.tsv', 'b2:3-10', 'a']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toBe('>b2:3-10\nGTNNNNac\n' + GENOMES['a.fa']);
  });

  it('refuses a catalogue without -C, a genome that does not match, and a newer version', () => {
    const dir = folders.current();
    setUp(dir, () => '0'.repeat(64));
    expect(runCli(dir, ['decompress', 'out/catalogue.tsv'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/name it with -C DIR/) });
    expect(runCli(dir, ['decompress', 'out/catalogue.tsv', '-C', 'r'])).toMatchObject({ code: 3, stderr: expect.stringMatching(/does not match the catalogue/) });
    const newer = folders.current() + '-v2';
    mkdirSync(newer);
    setUp(newer, undefined, 2);
    expect(runCli(newer, ['get', 'out/catalogue.tsv', 'a'])).toMatchObject({ code: 4, stderr: expect.stringMatching(/catalogue version 2/) });
  });
});
